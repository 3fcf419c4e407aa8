import CProbeShims
import Glibc

/// Two pipes between the launcher and the unsharer: the unsharer says it has unshared, the
/// launcher answers once it has written the id maps (only a process outside the new user
/// namespace, with CAP_SETUID there, may map more than its own uid).
struct SyncPipes {
    static let unshared: UInt8 = 0x75     // "u"
    static let notUnshared: UInt8 = 0x6e  // "n"
    static let mapped: UInt8 = 0x6d       // "m"

    let toParent: Int32, parentReads: Int32
    let fromParent: Int32, parentWrites: Int32

    init() throws {
        var up: [Int32] = [0, 0], down: [Int32] = [0, 0]
        try check("sync", "pipe2", probe_pipe2(&up, O_CLOEXEC))
        try check("sync", "pipe2", probe_pipe2(&down, O_CLOEXEC))
        parentReads = up[0]; toParent = up[1]
        fromParent = down[0]; parentWrites = down[1]
    }

    func closeChildEnds() { close(toParent); close(fromParent) }
    func closeParentEnds() { close(parentReads); close(parentWrites) }
}
