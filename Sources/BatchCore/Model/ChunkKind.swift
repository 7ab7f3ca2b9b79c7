/// Which bulk call a chunk goes through: `POST /resources/bulk` (create) or `PUT /resources/bulk` (update).
///
/// The two calls take different bodies and differ in safety (POST is not idempotent), so a chunk
/// never mixes them. The raw values are the words the journal writes.
public enum ChunkKind: String, Sendable, Hashable, Codable, CaseIterable {
    case create
    case update
}
