/// Waits (by yielding, bounded) until `condition` holds; the tests assert outcomes, not time.
func hostingEventually(_ condition: () async -> Bool) async -> Bool {
    for _ in 0..<20_000 {
        if await condition() { return true }
        await Task.yield()
        try? await Task.sleep(for: .milliseconds(1))
    }
    return await condition()
}

