import CProbeShims
import Glibc
import SandboxSpec

extension Launcher {
    /// Moves this process into the run's cgroups by writing `0` ("the caller") into each
    /// join file. This relies on the launcher being single-threaded: on v1 the file is
    /// `tasks`, which moves only the calling thread. The orchestrator created the cgroups and
    /// decided whether they are required; a failure to join is always fatal, because
    /// accounting for half the tree would be worse than none.
    func joinCgroups() throws {
        for file in spec.cgroupJoinFiles {
            try FileIO.write(file, "0", stage: "cgroup")
        }
    }

    /// Starts init with one clone(2) into all six new namespaces, so it is pid 1 of its pid
    /// namespace from the start (unshare(CLONE_NEWPID) would only move our children, and cost
    /// another process). The kernel creates the user namespace first, so it owns the others
    /// and init's capabilities inside it are enough to configure them, with no host privilege
    /// left in the target.
    ///
    /// Returns init's pid in the launcher and 0 in init, with whether the namespaces exist.
    /// Without them (refused, and degraded runs allowed) init is a plain fork.
    func startInit() throws -> (pid: pid_t, namespaced: Bool) {
        let namespaces: [(Layer, Int32)] = [
            (.userNamespace, PROBE_CLONE_NEWUSER), (.mountNamespace, PROBE_CLONE_NEWNS),
            (.pidNamespace, PROBE_CLONE_NEWPID), (.netNamespace, PROBE_CLONE_NEWNET),
            (.ipcNamespace, PROBE_CLONE_NEWIPC), (.utsNamespace, PROBE_CLONE_NEWUTS),
        ]
        let pid = probe_clone_namespaces(namespaces.reduce(0) { $0 | $1.1 })
        if pid >= 0 {
            if pid > 0 { reporter.layers(namespaces.map(\.0), applied: true) }
            return (pid, true)
        }
        let error = LaunchError.errno("namespaces", "clone(user, mount, pid, net, ipc, uts)")
        guard spec.allowDegraded else { throw error }
        reporter.layers(namespaces.map(\.0), applied: false, error.message)
        let plain = fork()
        try check("fork", "fork init", plain)
        return (plain, false)
    }

    /// Writes init's uid and gid maps from outside its user namespace.
    func writeIDMaps(initPID: pid_t) throws {
        if spec.denySetgroups {
            try FileIO.write("/proc/\(initPID)/setgroups", "deny", stage: "user_ns")
        }
        try FileIO.write("/proc/\(initPID)/uid_map", spec.uidMap, stage: "user_ns")
        try FileIO.write("/proc/\(initPID)/gid_map", spec.gidMap, stage: "user_ns")
    }

    /// A new network namespace starts with no interface up; `loopback` brings up `lo`.
    func setUpNetwork() throws {
        guard spec.network == .loopback else { return }
        try check("net_ns", "bring up lo", probe_loopback_up())
    }

    func setUpHostname() throws {
        try check("uts_ns", "sethostname", probe_sethostname(spec.hostname, spec.hostname.utf8.count))
    }
}
