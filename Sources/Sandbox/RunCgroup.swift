import Glibc

/// The cgroups of one run: memory and pids are limited there, and the whole tree's CPU time,
/// peak memory and OOM kills are read from there after the run.
final class RunCgroup {
    struct Usage: Equatable {
        var userMicros: UInt64?
        var systemMicros: UInt64?
        var peakBytes: UInt64?
        var oomKills: UInt64
    }

    /// A run directory, and whether it is in the v2 hierarchy.
    struct Directory {
        var path: String
        var isV2: Bool
    }

    /// Directories created for this run, one per hierarchy (v1) or one in all (v2). Arrays,
    /// not String-keyed dictionaries: see ``CgroupLayout``.
    private(set) var directories: [Directory] = []
    private var memoryDir: Directory?
    private var pidsDir: Directory?
    private var cpuDir: Directory?
    /// Why memory or pids could not be limited, when they could not.
    private(set) var memoryProblem: String?
    private(set) var pidsProblem: String?
    private var emptied = false

    /// What the launcher and its init write themselves into. On v1 that is `tasks`: a thread
    /// moving itself there skips the kernel's global threadgroup rwsem, whose first writer
    /// waits for an RCU grace period (5–15 ms measured here, against 0.03 ms), as does moving
    /// any other process. Both are single-threaded, so moving one thread moves the process.
    /// v2 has no such file outside threaded cgroups.
    var joinFiles: [String] { directories.map { $0.path + ($0.isV2 ? "/cgroup.procs" : "/tasks") } }
    var limitsMemory: Bool { memoryDir != nil }
    var limitsPids: Bool { pidsDir != nil }
    var accountsCPU: Bool { cpuDir != nil }

    /// Creates the run's cgroups and writes the limits. Never throws: a controller that cannot
    /// be used is recorded in `memoryProblem` / `pidsProblem`, and the caller decides whether
    /// that is fatal.
    init(layout: CgroupLayout, memoryBytes: UInt64, pids: UInt64) {
        let name = "run-\(getpid())-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)

        func runDir(for controller: String) -> (String, Bool)? {
            if let v1 = layout.v1(controller) {
                return (v1.mount + (v1.path == "/" ? "" : v1.path) + "/probe", false)
            }
            if let v2 = layout.v2, controller == "cpuacct" || v2.controllers.contains(controller) {
                // A v2 cgroup with processes may not enable controllers for children, so runs
                // live under a `probe` cgroup at the root, which is exempt from that rule.
                return (v2.mount + "/probe", true)
            }
            return nil
        }

        /// The run directory for `controller`, or nil with the reason in `problem`. v2
        /// controllers share one directory.
        func make(_ controller: String, problem: inout String?) -> Directory? {
            guard let (parent, v2) = runDir(for: controller) else {
                problem = "no \(controller) controller is mounted, in cgroup v1 or v2"
                return nil
            }
            if let existing = directories.first(where: { $0.path == parent + "/" + name }) { return existing }
            if v2 {
                let root = String(parent.dropLast("/probe".count))
                SystemFiles.write(root + "/cgroup.subtree_control", "+memory +pids")
            }
            if mkdir(parent, 0o755) < 0 && errno != EEXIST {
                problem = "cannot create \(parent): \(errnoText(errno))"
                return nil
            }
            if v2 { SystemFiles.write(parent + "/cgroup.subtree_control", "+memory +pids") }
            Self.removeStale(in: parent)
            let dir = Directory(path: parent + "/" + name, isV2: v2)
            if mkdir(dir.path, 0o755) < 0 {
                problem = "cannot create \(dir.path): \(errnoText(errno))"
                return nil
            }
            directories.append(dir)
            return dir
        }

        if let dir = make("memory", problem: &memoryProblem) {
            let limit = dir.isV2 ? "memory.max" : "memory.limit_in_bytes"
            if let problem = Self.set(dir.path, limit, memoryBytes) {
                memoryProblem = problem
            } else {
                // No swap: a balloon must hit the limit, not page out. memsw exists only with swap accounting.
                if dir.isV2 { SystemFiles.write(dir.path + "/memory.swap.max", "0") } else { Self.set(dir.path, "memory.memsw.limit_in_bytes", memoryBytes) }
                memoryDir = dir
            }
        }
        if let dir = make("pids", problem: &pidsProblem) {
            if let problem = Self.set(dir.path, "pids.max", pids) { pidsProblem = problem } else { pidsDir = dir }
        }
        var unused: String?
        cpuDir = make("cpuacct", problem: &unused)
    }

    @discardableResult
    private static func set(_ dir: String, _ file: String, _ value: UInt64) -> String? {
        let code = SystemFiles.write(dir + "/" + file, String(value))
        return code == 0 ? nil : "cannot write \(dir)/\(file): \(errnoText(code))"
    }

    /// CPU time of the whole tree so far, in microseconds.
    func cpuMicros() -> UInt64? {
        guard let cpuDir else { return nil }
        if cpuDir.isV2 { return SystemFiles.field(SystemFiles.read(cpuDir.path + "/cpu.stat"), "usage_usec") }
        return SystemFiles.number(SystemFiles.read(cpuDir.path + "/cpuacct.usage")).map { $0 / 1000 }
    }

    func usage() -> Usage {
        var usage = Usage(oomKills: 0)
        if let cpuDir {
            if cpuDir.isV2 {
                let stat = SystemFiles.read(cpuDir.path + "/cpu.stat")
                usage.userMicros = SystemFiles.field(stat, "user_usec")
                usage.systemMicros = SystemFiles.field(stat, "system_usec")
            } else {
                usage.userMicros = SystemFiles.number(SystemFiles.read(cpuDir.path + "/cpuacct.usage_user")).map { $0 / 1000 }
                usage.systemMicros = SystemFiles.number(SystemFiles.read(cpuDir.path + "/cpuacct.usage_sys")).map { $0 / 1000 }
            }
        }
        if let memoryDir {
            if memoryDir.isV2 {
                usage.peakBytes = SystemFiles.number(SystemFiles.read(memoryDir.path + "/memory.peak"))
                usage.oomKills = SystemFiles.field(SystemFiles.read(memoryDir.path + "/memory.events"), "oom_kill") ?? 0
            } else {
                usage.peakBytes = SystemFiles.number(SystemFiles.read(memoryDir.path + "/memory.max_usage_in_bytes"))
                usage.oomKills = SystemFiles.field(SystemFiles.read(memoryDir.path + "/memory.oom_control"), "oom_kill") ?? 0
            }
        }
        return usage
    }

    /// Kills every process left in the run's cgroups and waits until they are gone. Once seen
    /// empty they stay empty (only a member can fork into them), so later calls return at once.
    func killAll() {
        guard !emptied else { return }
        for dir in directories where dir.isV2 { SystemFiles.write(dir.path + "/cgroup.kill", "1") }
        for _ in 0..<400 {
            let pids = directories.flatMap { (SystemFiles.read($0.path + "/cgroup.procs") ?? "").split(separator: "\n").compactMap { pid_t($0) } }
            if pids.isEmpty {
                emptied = true
                return
            }
            for pid in pids { kill(pid, SIGKILL) }
            usleep(5000)
        }
    }

    /// Removes the run's cgroups. Empty cgroups can be removed at once; a few retries cover
    /// processes that are still being reaped.
    func remove() {
        for dir in directories {
            var attempts = 0
            while rmdir(dir.path) < 0 && errno == EBUSY && attempts < 200 {
                attempts += 1
                usleep(5000)
            }
        }
        directories = []
    }

    /// Removes run cgroups left behind by a probe process that was killed before cleaning up.
    private static func removeStale(in parent: String) {
        guard let dir = opendir(parent) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            let parts = name.split(separator: "-")
            guard parts.count == 3, parts[0] == "run", let pid = pid_t(parts[1]) else { continue }
            if kill(pid, 0) < 0 && errno == ESRCH { rmdir(parent + "/" + name) }
        }
    }
}
