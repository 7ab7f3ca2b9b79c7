/// A bounded, closable queue of chunks between the planner and the workers.
///
/// `push` waits while the queue is full, so reading the file never runs ahead of sending by more
/// than `capacity` chunks: memory is set by concurrency × chunk size, not by the file.
actor ChunkQueue {
    /// A chunk, and whether its rows must be looked up before being created (see ``ChunkSender``).
    struct Item: Sendable {
        var chunk: Chunk
        var verifyFirst = false
    }

    private let capacity: Int
    private var items: [Item] = []
    private var head = 0
    private var closed = false
    private var waitingPushers: [CheckedContinuation<Void, Never>] = []
    private var waitingPoppers: [CheckedContinuation<Item?, Never>] = []

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds a chunk, waiting for room; `false` when the queue was closed (the chunk is not queued).
    func push(_ chunk: Chunk, verifyFirst: Bool = false) async -> Bool {
        let item = Item(chunk: chunk, verifyFirst: verifyFirst)
        while !closed && items.count - head >= capacity {
            await withCheckedContinuation { waitingPushers.append($0) }
        }
        guard !closed else { return false }
        if !waitingPoppers.isEmpty {
            waitingPoppers.removeFirst().resume(returning: item)
            return true
        }
        items.append(item)
        return true
    }

    /// The next chunk, waiting for one; `nil` once the queue is closed and drained.
    func pop() async -> Item? {
        if head < items.count {
            let chunk = items[head]
            head += 1
            if head > 64 && head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
            if !waitingPushers.isEmpty { waitingPushers.removeFirst().resume() }
            return chunk
        }
        if closed { return nil }
        return await withCheckedContinuation { waitingPoppers.append($0) }
    }

    /// No more chunks: workers drain what is queued, then stop. With `discard`, queued chunks are
    /// dropped too (a stop: they were never sent, and `--resume` sends them).
    func close(discard: Bool = false) {
        closed = true
        if discard {
            items.removeAll()
            head = 0
        }
        for p in waitingPushers { p.resume() }
        waitingPushers.removeAll()
        if head >= items.count {
            for p in waitingPoppers { p.resume(returning: nil) }
            waitingPoppers.removeAll()
        }
    }
}
