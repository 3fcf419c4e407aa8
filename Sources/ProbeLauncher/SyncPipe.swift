import CProbeShims
import Glibc
import SandboxSpec

/// The channel from the launcher to init: a socket pair, so that the launcher's sends can
/// pass MSG_NOSIGNAL, and an init that has died costs it an error to report, not a SIGPIPE.
/// Init is cloned before the spec arrives, so the spec comes this way first, forwarded as
/// the launcher received it; then one byte says that init's uid and gid maps are written.
/// Only a process outside the new user namespace, with CAP_SETUID there, may map more than
/// its own uid, and until the maps exist init can create no file in the filesystems it mounts.
struct SyncPipe {
    static let mapped: UInt8 = 0x6d  // "m"

    let readEnd: Int32, writeEnd: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        try check("sync", "socketpair", socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds))
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    // MARK: init's side

    /// The spec, as the launcher forwarded it; nil when the launcher ended or gave up first.
    func receiveSpec() -> LaunchSpec? {
        close(writeEnd)
        guard let body = try? FileIO.readMessage(readEnd) else { return nil }
        return try? LaunchSpec(messageBody: body)
    }

    /// Waits for the maps; end-of-file means the launcher failed (and reports why, if it can).
    func waitForMaps() throws {
        guard FileIO.readByte(readEnd) == Self.mapped else {
            throw LaunchError("user_ns", "the launcher ended before it wrote the id maps")
        }
        close(readEnd)
    }

    // MARK: the launcher's side

    func forward(specBody body: [UInt8]) throws {
        close(readEnd)
        try FileIO.sendAll(writeEnd, LaunchSpec.message(body: body), stage: "sync", what: "forward the spec to init")
    }

    func signalMapped() throws {
        try FileIO.sendAll(writeEnd, [Self.mapped], stage: "sync", what: "tell init its id maps are written")
        close(writeEnd)
    }
}
