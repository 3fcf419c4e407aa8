/// Where this machine mounts its cgroup controllers, and where this process sits in them.
///
/// Machines come in three shapes: pure v2 (one `cgroup2` mount), pure v1, and hybrid (v1
/// controllers with an empty v2 tree beside them, as on Probe's CI machines). Each controller
/// Probe needs is taken from v1 when v1 has it mounted, otherwise from v2.
///
/// Arrays, not dictionaries or sets: this runs on every launch, and the first String-keyed
/// hashed collection in a static binary costs a scan of every conformance record (~0.1 ms).
struct CgroupLayout {
    /// A v1 controller's mount point, and this process's path in that hierarchy.
    struct Hierarchy: Equatable {
        var controller: String
        var mount: String
        var path: String
    }

    /// The v1 hierarchies of the controllers Probe uses.
    var v1: [Hierarchy]
    /// The v2 mount point and its available controllers, if there is one.
    var v2: (mount: String, controllers: [String])?

    /// The v1 hierarchy of `controller`, if v1 mounts it.
    func v1(_ controller: String) -> Hierarchy? {
        v1.first { $0.controller == controller }
    }

    /// Parses `/proc/self/mountinfo` and `/proc/self/cgroup`; `readControllers` reads a v2
    /// mount's `cgroup.controllers`.
    static func parse(mountinfo: String, cgroup: String, readControllers: (String) -> String?) -> CgroupLayout {
        func ownPath(_ controller: Substring) -> String {
            for line in cgroup.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
                if parts.count == 3, parts[1].split(separator: ",").contains(controller) { return String(parts[2]) }
            }
            return "/"
        }
        var layout = CgroupLayout(v1: [], v2: nil)
        for line in mountinfo.split(separator: "\n") {
            // mountinfo: id parent major:minor root mountpoint options [optional…] - fstype source superoptions
            let fields = line.split(separator: " ")
            guard let dash = fields.firstIndex(of: "-") else { continue }
            let left = fields[..<dash], right = fields[(dash + 1)...]
            guard left.count >= 5, right.count >= 3 else { continue }
            let right0 = right[right.startIndex], right2 = right[right.startIndex + 2]
            let mountPoint = String(left[left.startIndex + 4])
            if right0 == "cgroup2" && layout.v2 == nil {
                let controllers = readControllers(mountPoint)?.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init) ?? []
                layout.v2 = (mountPoint, controllers)
            } else if right0 == "cgroup" {
                for option in right2.split(separator: ",") where option == "memory" || option == "pids" || option == "cpuacct" {
                    layout.v1.removeAll { $0.controller == option }
                    layout.v1.append(Hierarchy(controller: String(option), mount: mountPoint, path: ownPath(option)))
                }
            }
        }
        return layout
    }

    static func current() -> CgroupLayout {
        parse(mountinfo: SystemFiles.read("/proc/self/mountinfo") ?? "",
              cgroup: SystemFiles.read("/proc/self/cgroup") ?? "",
              readControllers: { SystemFiles.read($0 + "/cgroup.controllers") })
    }
}
