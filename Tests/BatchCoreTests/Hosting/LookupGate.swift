/// Holds lookups until opened, so tests control overlap without timing.
actor LookupGate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func open() {
        isOpen = true
        for w in waiting { w.resume() }
        waiting = []
    }
}

