import Foundation
import Glibc
import ProbeTestSupport
@testable import Sandbox
import Testing

/// The private tmpfs grading keeps its runs on (`probe grade` itself is tested in
/// GradeCommandTests): a mount namespace is per thread, so it is refused, as an error, while
/// other threads run, as they do in this test process.
@Suite struct PrivateTmpfsTests {
    @Test func refusedWhileOtherThreadsRun() throws {
        try #require(geteuid() == 0, "the tests run as root, as CI does")
        let folder = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let other = Thread { sleep(5) }
        other.start()
        #expect(PrivateTmpfs.threadCount() > 1)
        let error = try #require(throws: SandboxError.self) { try PrivateTmpfs.cover(folder.path) }
        #expect(error.kind == .layerUnavailable)
        #expect(error.message.contains("threads, and a new mount namespace would hold only one of them"))
        // The folder is untouched: no tmpfs on it, in this thread's namespace or the host's.
        let mounts = try String(contentsOfFile: "/proc/thread-self/mountinfo", encoding: .utf8)
        #expect(!mounts.contains(folder.path))
    }
}
