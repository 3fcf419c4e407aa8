import CProbeShims
import Glibc
import SandboxSpec

/// Init's start, made before the spec arrives: the pipes between the launcher and init, and
/// init itself, cloned into all six new namespaces.
struct InitStart {
    static let namespaces: [(Layer, Int32)] = [
        (.userNamespace, PROBE_CLONE_NEWUSER), (.mountNamespace, PROBE_CLONE_NEWNS),
        (.pidNamespace, PROBE_CLONE_NEWPID), (.netNamespace, PROBE_CLONE_NEWNET),
        (.ipcNamespace, PROBE_CLONE_NEWIPC), (.utsNamespace, PROBE_CLONE_NEWUTS),
    ]

    /// Init's pid in the launcher, 0 in init; -1 when the clone was refused.
    var pid: pid_t
    /// The launcher's pid, which init checks is still its parent.
    let parent: pid_t
    /// Why the namespaces could not be made, when they could not.
    let cloneError: LaunchError?
    let sync: SyncPipe
    /// The socket that carries the target's seccomp listener to the launcher. Its init end
    /// is close-on-exec and, once init has forked, held by the target alone.
    let handoff: [Int32]

    var namespaced: Bool { cloneError == nil }

    /// Clones init with one clone(2) into all six new namespaces, so it is pid 1 of its pid
    /// namespace from the start (unshare(CLONE_NEWPID) would only move our children, and cost
    /// another process). The kernel creates the user namespace first, so it owns the others
    /// and init's capabilities inside it are enough to configure them, with no host privilege
    /// left in the target.
    init() throws {
        var pair: [Int32] = [0, 0]
        try check("seccomp", "socketpair", socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair))
        handoff = pair
        sync = try SyncPipe()
        parent = getpid()
        pid = probe_clone_namespaces(Self.namespaces.reduce(0) { $0 | $1.1 })
        cloneError = pid < 0 ? LaunchError.errno("namespaces", "clone(user, mount, pid, net, ipc, uts)") : nil
    }

    /// In the launcher: kills init, and with it its pid namespace, and reaps it.
    func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}

extension Launcher {
    /// Reports the namespaces. Without them (refused, and degraded runs allowed) init is a
    /// plain fork, made now that the spec says whether that is allowed.
    func completeStart(_ start: inout InitStart) throws {
        let layers = InitStart.namespaces.map { $0.0 }
        guard let error = start.cloneError else {
            reporter.layers(layers, applied: true)
            return
        }
        guard spec.allowDegraded else { throw error }
        reporter.layers(layers, applied: false, error.message)
        start.pid = fork()
        try check("fork", "fork init", start.pid)
        if start.pid == 0 { Launcher.runInit(start) }
    }

    /// Moves the calling process into the run's cgroups by writing `0` ("the caller") into
    /// each join file: init before it starts the target, and the launcher, which answers the
    /// target's refused syscalls. Both are single-threaded, which this relies on: on v1 the
    /// file is `tasks`, which moves only the calling thread. Init writes from inside its new
    /// user namespace, so the files must be writable by the kernel uid it keeps (the caller's:
    /// `probe` creates them, so they are). The orchestrator created the cgroups and decided
    /// whether they are required; a failure to join is always fatal, because accounting for
    /// half the tree would be worse than none.
    func joinCgroups() throws {
        for file in spec.cgroupJoinFiles {
            try FileIO.write(file, "0", stage: "cgroup")
        }
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
