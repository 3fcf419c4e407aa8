import Foundation
import Sandbox
import TaskBank

/// The folder a grading command keeps its runs in. Commands make it first thing in `run()`,
/// while `probe` still runs a single thread, so that as root it can be a private tmpfs
/// (see ``PrivateTmpfs``); otherwise it is a plain folder under $TMPDIR.
struct WorkRoot {
    let path: String
    let isPrivateTmpfs: Bool

    static func make(prefix: String) throws -> WorkRoot {
        let path = try FileTree.makeTemporaryDirectory(prefix: prefix)
        let problem = PrivateTmpfs.cover(path)
        if let problem, geteuid() == 0 {
            FileHandleOutput.standardError("probe: note: runs are kept on disk in \(path), where a run's writes are capped per file only (--file-size), not in total: \(problem)")
        }
        return WorkRoot(path: path, isPrivateTmpfs: problem == nil)
    }

    func remove() {
        if isPrivateTmpfs {
            PrivateTmpfs.remove(path)
        } else {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
