import CProbeShims
import Glibc

/// The pipe on which the launcher tells init that its uid and gid maps are written. Only a
/// process outside the new user namespace, with CAP_SETUID there, may map more than its own
/// uid, and until the maps exist init has no usable identity or capabilities inside.
struct SyncPipe {
    static let mapped: UInt8 = 0x6d  // "m"

    let readEnd: Int32, writeEnd: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        try check("sync", "pipe2", probe_pipe2(&fds, O_CLOEXEC))
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    /// Init waits here; end-of-file means the launcher failed and reported why.
    func waitForMaps() throws {
        close(writeEnd)
        guard FileIO.readByte(readEnd) == Self.mapped else {
            throw LaunchError("user_ns", "the launcher could not write the id maps")
        }
        close(readEnd)
    }

    func signalMapped() {
        close(readEnd)
        FileIO.writeByte(writeEnd, Self.mapped)
        close(writeEnd)
    }
}
