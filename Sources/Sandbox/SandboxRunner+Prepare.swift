import Glibc
import SandboxSpec

/// Everything set up on the host while the launcher starts (before its spec is sent), and
/// undone after the run.
struct PreparedRun {
    var spec: LaunchSpec
    /// The profile's compiled filter, for the launcher's memfd.
    var filter: CompiledFilter
    var cgroup: RunCgroup
    var missingLayers: [Layer: String]
    var handedOver: [(path: String, uid: uid_t, gid: gid_t)]

    /// Removes the cgroups and gives handed-over trees back.
    mutating func cleanUp() {
        cgroup.killAll()
        cgroup.remove()
        for (path, uid, gid) in handedOver { Ownership.chownTree(path, uid: uid, gid: gid) }
        handedOver = []
    }
}

extension SandboxRunner {
    func prepare(_ c: SandboxConfiguration) throws -> PreparedRun {
        let path = profilePath(c.profile)
        let filter = try filterCache?.filter(forProfileAt: path) ?? SeccompProfile.load(path: path).compile()
        let cwd = currentDirectory()
        let command = try CommandResolver.resolve(c.command[0], searchPath: getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin", cwd: cwd)
        let readOnly = try c.readOnlyPaths.map { try checkedPath($0, flag: "--ro", cwd: cwd) }
        let readWrite = try c.readWritePaths.map { try checkedPath($0, flag: "--rw", cwd: cwd) }
        let isRoot = geteuid() == 0
        for path in readOnly where isRoot { try checkReadable(path) }

        var spec = LaunchSpec()
        if isRoot {
            // Inside the user namespace, 0 stays the host's root for the launcher's own setup
            // (it must read root-only paths to bind them); the target runs as 65534, which is
            // 65534 ("nobody") on the host too.
            spec.uidMap = "0 0 1\n\(Self.sandboxUser) \(Self.sandboxUser) 1\n"
            spec.gidMap = spec.uidMap
            spec.sandboxUID = Self.sandboxUser
            spec.sandboxGID = Self.sandboxUser
        } else {
            // An unprivileged caller may map only itself; the target is uid 0 inside with no
            // capabilities, and the caller's own unprivileged uid outside.
            spec.uidMap = "0 \(getuid()) 1\n"
            spec.gidMap = "0 \(getgid()) 1\n"
            spec.denySetgroups = true
            spec.sandboxUID = 0
            spec.sandboxGID = 0
        }

        var prepared = PreparedRun(spec: spec, filter: filter, cgroup: RunCgroup(layout: .current(), memoryBytes: c.memoryMiB << 20, pids: c.pids + Self.launcherProcesses),
                                   missingLayers: [:], handedOver: [])
        do {
            try applyCgroupPolicy(&prepared, c)
            // Without --workdir the launcher makes a private tmpfs at `privateWorkdir`; nothing
            // on the host is created, handed over or left behind.
            let workdir = try c.workdir.map { try checkedPath($0, flag: "--workdir", cwd: cwd) }
            if workdir == nil, let inside = (readOnly + readWrite).first(where: { $0 == Self.privateWorkdir || $0.hasPrefix(Self.privateWorkdir + "/") }) {
                throw SandboxError(.invalidConfiguration, "\(inside): \(Self.privateWorkdir) is where the sandbox makes its private work dir; name another path, or pass --workdir")
            }
            if isRoot {
                for path in (readWrite + (workdir.map { [$0] } ?? [])).uniqued() {
                    if let original = try Ownership.handOver(path, to: Self.sandboxUser) { prepared.handedOver.append(original) }
                }
            }
            fill(&prepared.spec, c, command: command, readOnly: readOnly, readWrite: readWrite, hostWorkdir: workdir,
                 filter: filter, limitMemoryWithRlimit: !prepared.cgroup.limitsMemory)
            prepared.spec.cgroupJoinFiles = prepared.cgroup.joinFiles
        } catch {
            prepared.cleanUp()
            throw error
        }
        return prepared
    }

    /// Where the private work dir appears inside the sandbox when no --workdir is given.
    public static let privateWorkdir = "/box"

    /// The channel's number in the launcher, after its fixed descriptors 0–5.
    static let channelDescriptor: Int32 = 6

    /// The launcher's own processes (launcher, init) are in the cgroup too.
    static let launcherProcesses: UInt64 = 2

    private func applyCgroupPolicy(_ prepared: inout PreparedRun, _ c: SandboxConfiguration) throws {
        for (layer, problem) in [(Layer.cgroupMemory, prepared.cgroup.memoryProblem), (.cgroupPids, prepared.cgroup.pidsProblem)] {
            guard let problem else { continue }
            guard c.allowDegraded else {
                throw SandboxError(.layerUnavailable, "\(layer.rawValue): \(problem). Probe limits memory and processes through cgroups, which needs root or a delegated cgroup; --allow-degraded runs without them (memory falls back to RLIMIT_AS) and reports the layer as missing")
            }
            prepared.missingLayers[layer] = problem
        }
    }

    private func fill(_ spec: inout LaunchSpec, _ c: SandboxConfiguration, command: ResolvedCommand, readOnly: [String],
                      readWrite: [String], hostWorkdir: String?, filter: CompiledFilter, limitMemoryWithRlimit: Bool) {
        spec.network = c.network
        spec.readOnlyPaths = (command.readOnlyPaths + readOnly).uniqued()
        spec.readWritePaths = readWrite.uniqued()
        spec.workdir = hostWorkdir ?? Self.privateWorkdir
        spec.workSize = hostWorkdir == nil ? c.workSizeMiB << 20 : 0
        spec.tmpSize = c.tmpSizeMiB << 20
        let cpu = UInt64(c.cpuTimeSeconds.rounded(.up))
        spec.limits = [
            // SIGXCPU at the soft limit, SIGKILL a second later if it is caught.
            ResourceLimit(.cpu, soft: cpu, hard: cpu + 1),
            ResourceLimit(.nproc, soft: c.pids),
            ResourceLimit(.nofile, soft: c.openFiles),
            ResourceLimit(.fsize, soft: c.fileSizeMiB << 20),
            ResourceLimit(.core, soft: 0),
        ]
        if limitMemoryWithRlimit { spec.limits.append(ResourceLimit(.addressSpace, soft: c.memoryMiB << 20)) }
        spec.seccompDefault = filter.defaultAction
        spec.allowDegraded = c.allowDegraded
        spec.environment = c.environment
        spec.executable = command.executable
        spec.argv = c.command
        // The target starts in the work dir, where a relative `.venv/bin/python` would name
        // another file: Python would then miss its venv and run on the base install.
        if c.command[0].contains("/") && !c.command[0].hasPrefix("/") { spec.argv[0] = command.executable }
        spec.channelFD = c.resultChannel ? Self.channelDescriptor : -1
    }

    private func checkedPath(_ path: String, flag: String, cwd: String) throws -> String {
        let absolute = path.hasPrefix("/") ? path : cwd + "/" + path
        guard let real = try? CommandResolver.realPath(absolute) else {
            throw SandboxError(.invalidConfiguration, "\(flag) \(path): \(errnoText(errno)); expected an existing path")
        }
        if real == "/" || ["/proc", "/sys", "/dev"].contains(where: { real == $0 || real.hasPrefix($0 + "/") }) {
            throw SandboxError(.invalidConfiguration, "\(flag) \(path): the sandbox provides / , /proc and /dev itself and never binds /sys; name a directory of your own")
        }
        return real
    }

    /// The target runs as the sandbox user, so a --ro path it cannot read would only fail later.
    private func checkReadable(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw SandboxError(.invalidConfiguration, "--ro \(path): \(errnoText(errno))") }
        let isDir = info.st_mode & S_IFMT == S_IFDIR
        let needed: mode_t = isDir ? 0o005 : 0o004
        if info.st_uid != Self.sandboxUser && info.st_mode & needed != needed {
            throw SandboxError(.invalidConfiguration, "--ro \(path): not readable by the sandbox user (uid \(Self.sandboxUser)); make it world-readable (chmod o+r\(isDir ? "x" : ""))")
        }
    }

    private func currentDirectory() -> String {
        guard let cwd = getcwd(nil, 0) else { return "/" }
        defer { free(cwd) }
        return String(cString: cwd)
    }
}
