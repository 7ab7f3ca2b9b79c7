
/// Why an import stopped before every row was done. Carries facts; the command line turns it
/// into a message and an exit code.
public enum ImportStop: Sendable, Equatable {
    /// SIGINT, SIGTERM or SIGHUP.
    case interrupted
    /// The API refused the credentials, stayed unreachable after retries, or answered nonsense.
    case api(String)
    /// An output (report, errors file, journal, summary) could not be written.
    case output(path: String, reason: String)
    /// The input broke after reading began (a stream cannot be checked up front).
    case input(String)
}
