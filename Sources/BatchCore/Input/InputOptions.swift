import CSVCodec

/// How to read an input file: the options of cli.md's Input section.
public struct InputOptions: Sendable {
    /// `nil` takes the format from the path's extension.
    public var format: InputFormat?
    /// Overrides the detected CSV delimiter.
    public var delimiter: UInt8?
    public var encoding: CSVTextEncoding = .utf8
    public var overrides = MappingOverrides()
    /// Keep each record's exact bytes, for the errors file.
    public var keepRaw = true
    /// The sheet of an `.xlsx` input (`nil`: the first visible sheet).
    public var sheet: String?

    public init() {}
}
