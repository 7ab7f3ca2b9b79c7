import Synchronization

/// The secrets of this process's run (the client secret, every access token issued), so that
/// every message that leaves the program can be cleaned of them, in every encoding
/// (`SecretRedactor`).
///
/// `TokenProvider` registers the client secret when it is made and each token when it arrives;
/// `OnSchedClient` redacts every error it throws with it, so the text is clean wherever it ends
/// up (the report, the errors file, the journal, the summary, standard error). The command line
/// gives its client ``shared``, which its console output is redacted with too; tests give each
/// client its own, so that one test's short fake secrets never garble another's messages.
public final class SecretRegistry: Sendable {
    public static let shared = SecretRegistry()

    private let redactor = Mutex(SecretRedactor())

    public init() {}

    public func add(_ secret: String) {
        redactor.withLock { $0.add(secret) }
    }

    public func redact(_ text: String) -> String {
        let current = redactor.withLock { $0 }
        return current.isEmpty ? text : current.redact(text)
    }
}
