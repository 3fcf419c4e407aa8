import CProbeShims
import Glibc
import SandboxSpec

extension Launcher {
    /// Loads the filter with a user-notification listener and hands the listener to the
    /// launcher, which answers every syscall no rule allows and records it.
    ///
    /// The listener must never reach the target (whoever holds it can answer its own blocked
    /// syscalls), so we wait until the launcher has its own copy before execve closes ours.
    func loadSeccomp(filter: [UInt8], handoff: Int32) throws {
        // Report first: after the filter only read, write and execve are certain to work.
        reporter.layer(.seccomp, applied: true, "\(filter.count / 8) BPF instructions, default \(spec.seccompDefault.argument)")
        let listener = filter.withUnsafeBytes { probe_seccomp_load_with_listener($0.baseAddress, $0.count) }
        try check("seccomp", "seccomp(SET_MODE_FILTER, NEW_LISTENER)", listener)
        var message = Int32(listener)
        guard write(handoff, &message, 4) == 4 else { throw LaunchError.errno("seccomp", "hand off the listener") }
        var ack: UInt8 = 0
        guard read(handoff, &ack, 1) == 1 else { throw LaunchError("seccomp", "the launcher did not take the listener") }
    }
}
