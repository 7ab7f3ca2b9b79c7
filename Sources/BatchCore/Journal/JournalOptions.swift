/// The options of the run that wrote a journal, recorded in its header so a resumed run can
/// show (or refuse) a change. The journal itself does not depend on them: it keys on row numbers.
public struct JournalOptions: Sendable, Equatable, Codable {
    public var chunkSize: Int
    /// `email` or `none`.
    public var matchBy: String
    public var locationId: String?
    public var googleReturnUrl: String?
    public var outlookReturnUrl: String?

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
