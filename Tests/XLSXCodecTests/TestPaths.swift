import Foundation
import TestSupport

/// A fresh temporary directory per test (``TempDir``), removed by the caller's `defer`.
func temporaryDirectory() throws -> URL { try TempDir().url }
