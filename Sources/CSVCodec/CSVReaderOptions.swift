/// How a ``CSVReader`` interprets its input and which limits protect it from broken files.
public struct CSVReaderOptions: Sendable {
    /// The field separator, or `nil` to detect `,`, `;` or TAB from the first record: the one that
    /// occurs most often outside quotes wins, `,` when none occurs.
    public var delimiter: UInt8?
    /// The encoding of the input; anything but UTF-8 is transcoded to UTF-8 while reading.
    public var encoding: CSVTextEncoding
    /// The longest field accepted, in (UTF-8) bytes; longer fields end reading with an error,
    /// so an unterminated quote cannot swallow the whole file into memory.
    public var maxFieldBytes: Int
    /// The most fields accepted in one record.
    public var maxFieldsPerRecord: Int
    /// The longest record accepted, in (UTF-8) bytes of field content; bounds memory when many
    /// fields are each just under ``maxFieldBytes``.
    public var maxRecordBytes: Int
    /// When true, every record carries ``CSVRecord/rawBytes``: its exact input bytes (after
    /// transcoding) without the line end, e.g. to echo failed rows into an errors file.
    public var keepRawRecord: Bool
    /// How many bytes are read from the input at a time.
    public var blockSize: Int

    /// Creates options; every parameter has the usual default.
    public init(
        delimiter: UInt8? = nil,
        encoding: CSVTextEncoding = .utf8,
        maxFieldBytes: Int = 1 << 20,
        maxFieldsPerRecord: Int = 10_000,
        maxRecordBytes: Int = 1 << 26,
        keepRawRecord: Bool = false,
        blockSize: Int = 1 << 18
    ) {
        self.delimiter = delimiter
        self.encoding = encoding
        self.maxFieldBytes = maxFieldBytes
        self.maxFieldsPerRecord = maxFieldsPerRecord
        self.maxRecordBytes = maxRecordBytes
        self.keepRawRecord = keepRawRecord
        self.blockSize = blockSize
    }
}
