/// The version and the commit this executable was built from, for `--version`, the man page and
/// the start line of a log: an operator must be able to tell which build a server runs.
///
/// The commit is baked in at build time: `make` writes `BuildCommit.swift` (ignored by git) with
/// `git rev-parse` output and sets `RESOURCE_BATCH_BUILD_COMMIT`. A plain `swift build`, or a
/// build from a tree without git, has no commit and says so.
enum BuildInfo {
    static let version = "0.1.0"

    /// The short commit (with `-dirty` when the tree had changes), or nil when the build did not record one.
    static var commit: String? {
        #if RESOURCE_BATCH_BUILD_COMMIT
        return BuildCommit.value.isEmpty || BuildCommit.value == "unknown" ? nil : BuildCommit.value
        #else
        return nil
        #endif
    }

    /// `0.1.0 (commit 1a2b3c4d5e6f)` or `0.1.0 (unknown commit)`.
    static var versionText: String {
        "\(version) (\(commit.map { "commit \($0)" } ?? "unknown commit"))"
    }
}
