/// Everything the launcher needs to build one sandbox, as plain values.
///
/// The orchestrator turns it into the launcher's command line with ``arguments``, and the
/// launcher reads it back through ``LaunchOptions``; a round-trip test keeps the two in step.
public struct LaunchSpec: Equatable, Sendable {
    /// Files the launcher writes `0` (itself) into before it creates any process: a v1
    /// hierarchy's `tasks`, or a v2 cgroup's `cgroup.procs`.
    public var cgroupJoinFiles: [String] = []
    /// Lines for the child's `/proc/PID/uid_map` and `gid_map`, written by the launcher from
    /// outside the new user namespace.
    public var uidMap: String = ""
    public var gidMap: String = ""
    /// Unprivileged callers must deny setgroups before they may write a gid map.
    public var denySetgroups: Bool = false
    /// The uid and gid the target runs as, inside the user namespace.
    public var sandboxUID: UInt32 = 65534
    public var sandboxGID: UInt32 = 65534
    public var hostname: String = "probe"
    public var network: NetworkMode = .none
    /// Paths bound read-only at their own path inside.
    public var readOnlyPaths: [String] = []
    /// Paths bound read-write at their own path inside.
    public var readWritePaths: [String] = []
    /// The target's working directory; bound read-write.
    public var workdir: String = "/"
    /// Size cap of the sandbox's `/tmp` tmpfs, in bytes.
    public var tmpSize: UInt64 = 64 << 20
    public var limits: [ResourceLimit] = []
    /// Descriptor the compiled seccomp BPF program is read from.
    public var seccompFD: Int32 = 3
    public var seccompDefault: DefaultSeccompAction = .errno(1)
    /// Descriptor that ``ReportRecord`` lines are written to.
    public var reportFD: Int32 = 4
    /// Descriptor whose end-of-file means the orchestrator is gone.
    public var lifelineFD: Int32 = 5
    /// Layers that may be missing without failing the launch (`--allow-degraded`).
    public var allowDegraded: Bool = false
    public var environment: [String] = []
    /// Absolute path that is executed.
    public var executable: String = ""
    /// The target's argv, including argv[0].
    public var argv: [String] = []

    public init() {}

    public var arguments: [String] {
        var out: [String] = []
        for path in cgroupJoinFiles { out += ["--cgroup-join", path] }
        out += ["--uid-map", uidMap, "--gid-map", gidMap]
        if denySetgroups { out.append("--deny-setgroups") }
        out += ["--sandbox-uid", String(sandboxUID), "--sandbox-gid", String(sandboxGID)]
        out += ["--hostname", hostname, "--network", network.rawValue]
        for path in readOnlyPaths { out += ["--ro", path] }
        for path in readWritePaths { out += ["--rw", path] }
        out += ["--workdir", workdir, "--tmp-size", String(tmpSize)]
        for limit in limits { out += ["--rlimit", limit.argument] }
        out += ["--seccomp-fd", String(seccompFD), "--seccomp-default", seccompDefault.argument]
        out += ["--report-fd", String(reportFD), "--lifeline-fd", String(lifelineFD)]
        if allowDegraded { out.append("--allow-degraded") }
        for variable in environment { out += ["--env", variable] }
        out += ["--executable", executable, "--"]
        out += argv
        return out
    }
}
