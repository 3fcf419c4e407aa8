import CProbeShims
import Glibc

/// A way to end a sandboxed run from another thread: ``stop()`` makes `fd` readable, and the
/// run's poll loop then kills the whole tree, reaps it and returns the verdict as usual.
public final class SandboxStopSignal: Sendable {
    /// The pipe's read end, polled by the run; the write end is written once to stop it.
    let fd: Int32
    private let writeEnd: Int32

    public init() throws {
        var fds: [Int32] = [-1, -1]
        guard probe_pipe2(&fds, O_CLOEXEC | O_NONBLOCK) == 0 else { throw SandboxError.system("pipe2", errno: errno) }
        fd = fds[0]
        writeEnd = fds[1]
    }

    public func stop() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    deinit {
        close(fd)
        close(writeEnd)
    }
}
