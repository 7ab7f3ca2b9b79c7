
/// The options of the run that wrote a journal, recorded in its header so a resumed run can
/// show (or refuse) a change. The journal itself does not depend on them: it keys on row numbers.
public struct JournalOptions: Sendable, Equatable, Codable {
    /// `--chunk-size`.
    public var chunkSize: Int
    /// `--match-by`: `email` or `none`.
    public var matchBy: String
    /// `--location-id`, when given.
    public var locationId: String?
    /// `--google-return-url`, when given.
    public var googleReturnUrl: String?
    /// `--outlook-return-url`, when given.
    public var outlookReturnUrl: String?

    /// Options as the command line gave them.
    public init(
        chunkSize: Int, matchBy: String, locationId: String? = nil, googleReturnUrl: String? = nil,
        outlookReturnUrl: String? = nil
    ) {
        self.chunkSize = chunkSize
        self.matchBy = matchBy
        self.locationId = locationId
        self.googleReturnUrl = googleReturnUrl
        self.outlookReturnUrl = outlookReturnUrl
    }
}
