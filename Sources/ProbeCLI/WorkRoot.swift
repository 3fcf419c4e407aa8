import Foundation
import Sandbox
import TaskBank

/// The folder a grading command keeps its runs in. Commands make it first thing in `run()`,
/// while `probe` still runs a single thread, so that as root it can be a private tmpfs
/// (see ``PrivateTmpfs``); not as root it is a plain folder under $TMPDIR.
struct WorkRoot {
    let path: String
    let isPrivateTmpfs: Bool

    static func make(prefix: String) throws -> WorkRoot {
        let path = try FileTree.makeTemporaryDirectory(prefix: prefix)
        do {
            return WorkRoot(path: path, isPrivateTmpfs: try PrivateTmpfs.cover(path))
        } catch {
            rmdir(path)
            throw error
        }
    }

    func remove() {
        if isPrivateTmpfs {
            PrivateTmpfs.remove(path)
        } else {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
