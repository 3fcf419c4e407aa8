import CProbeShims
import Glibc
import SandboxSpec

/// The pipe from the launcher to init. Init is cloned before the spec arrives, so the spec
/// comes this way first, forwarded as the launcher received it; then one byte says that
/// init's uid and gid maps are written. Only a process outside the new user namespace, with
/// CAP_SETUID there, may map more than its own uid, and until the maps exist init can create
/// no file in the filesystems it mounts.
struct SyncPipe {
    static let mapped: UInt8 = 0x6d  // "m"

    let readEnd: Int32, writeEnd: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        try check("sync", "pipe2", probe_pipe2(&fds, O_CLOEXEC))
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    // MARK: init's side

    /// The spec, as the launcher forwarded it; nil when the launcher ended first (it reports
    /// why, if it can).
    func receiveSpec() -> LaunchSpec? {
        close(writeEnd)
        guard let body = try? FileIO.readMessage(readEnd) else { return nil }
        return try? LaunchSpec(arguments: LaunchSpec.arguments(fromMessageBody: body))
    }

    /// Waits for the maps; end-of-file means the launcher failed and reported why.
    func waitForMaps() throws {
        guard FileIO.readByte(readEnd) == Self.mapped else {
            throw LaunchError("user_ns", "the launcher could not write the id maps")
        }
        close(readEnd)
    }

    // MARK: the launcher's side

    func forward(specBody body: [UInt8]) throws {
        close(readEnd)
        try FileIO.writeAll(writeEnd, LaunchSpec.message(body: body), stage: "sync", what: "forward the spec to init")
    }

    func signalMapped() {
        FileIO.writeByte(writeEnd, Self.mapped)
        close(writeEnd)
    }
}
