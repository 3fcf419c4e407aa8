import CProbeShims
import Glibc
import SandboxSpec

extension Launcher {
    /// Empties the capability bounding set and locks SECBIT_NOROOT, so that no execve can
    /// grant capabilities again, then switches to the sandbox's uid and gid.
    func dropPrivileges() throws {
        let stage = "unprivileged_uid"
        var cap: UInt = 0
        while probe_prctl(PROBE_PR_CAPBSET_DROP, cap, 0, 0, 0) == 0 { cap += 1 }
        if errno != EINVAL { throw LaunchError.errno(stage, "prctl(PR_CAPBSET_DROP, \(cap))") }
        // SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP | its lock.
        try check(stage, "prctl(PR_SET_SECUREBITS)", probe_prctl(PROBE_PR_SET_SECUREBITS, 0x0f, 0, 0, 0))
        // An unprivileged caller had to deny setgroups before mapping gids; then there are none to drop.
        if probe_setgroups_empty() != 0 && !(spec.denySetgroups && errno == EPERM) {
            throw LaunchError.errno(stage, "setgroups(0)")
        }
        try check(stage, "setresgid(\(spec.sandboxGID))", probe_setresgid(spec.sandboxGID))
        try check(stage, "setresuid(\(spec.sandboxUID))", probe_setresuid(spec.sandboxUID))
        // Capabilities still held are cleared by execve: no file capabilities, no ambient set, NOROOT.
        reporter.layer(.unprivilegedUID, applied: true, "uid \(spec.sandboxUID) gid \(spec.sandboxGID)")
    }
}
