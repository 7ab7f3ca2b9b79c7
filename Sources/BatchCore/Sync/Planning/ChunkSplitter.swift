
/// Splits a chunk the API refused with 400 into two halves, to isolate the bad rows.
///
/// The API does not say which resource of a bulk call was invalid (nor whether any were applied;
/// the tool assumes none). Halving and re-sending finds `k` bad rows among `n` in at most
/// `1 + 2·k·⌈log₂ n⌉` calls, and every good row still gets through.
///
/// Pure: the halves keep the parent's `id` and `returnURLs`, and get `part` + `[1]` / `[2]`, so
/// their `label` (`"7.1"`, `"7.2"`) is unique and deterministic.
public struct ChunkSplitter: Sendable {
    /// A splitter; it has no state.
    public init() {}

    /// The two halves of `chunk` (the first one gets the extra row when the count is odd), or
    /// `nil` when the chunk has a single row: that row is the bad one, and becomes `failed` with
    /// the API's message.
    public func split(_ chunk: Chunk) -> (Chunk, Chunk)? {
        guard chunk.rows.count > 1 else { return nil }
        let middle = (chunk.rows.count + 1) / 2
        var first = chunk
        first.part.append(1)
        first.rows = Array(chunk.rows[..<middle])
        var second = chunk
        second.part.append(2)
        second.rows = Array(chunk.rows[middle...])
        return (first, second)
    }
}
