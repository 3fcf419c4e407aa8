import CProbeShims
import Glibc
import SandboxSpec

extension Launcher {
    /// Loads the filter with a user-notification listener and sends the listener to the
    /// launcher, which answers every syscall no rule allows and records it.
    ///
    /// The listener must never reach the target program (whoever holds it can answer its own
    /// blocked syscalls). The kernel makes it close-on-exec, and the copy in flight on the
    /// socket belongs to the launcher, so execve can follow at once: a syscall blocked before
    /// the launcher has read the message simply waits for its answer.
    func loadSeccomp(filter: [UInt8], handoff: Int32) throws {
        // Report first: after the filter only write, sendmsg and execve are certain to work.
        reporter.layer(.seccomp, applied: true, "\(filter.count / 8) BPF instructions, default \(spec.seccompDefault.argument)")
        let listener = filter.withUnsafeBytes { probe_seccomp_load_with_listener($0.baseAddress, $0.count) }
        try check("seccomp", "seccomp(SET_MODE_FILTER, NEW_LISTENER)", listener)
        guard probe_send_fd(handoff, listener) == 1 else { throw LaunchError.errno("seccomp", "hand off the listener") }
    }
}
