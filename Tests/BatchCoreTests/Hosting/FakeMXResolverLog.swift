/// Records what a fake resolver was asked, and how many lookups overlapped.
actor FakeMXResolverLog {
    private(set) var calls: [String] = []
    private(set) var running = 0
    private(set) var maxRunning = 0

    func begin(_ domain: String) {
        calls.append(domain)
        running += 1
        maxRunning = max(maxRunning, running)
    }

    func end() { running -= 1 }
}

