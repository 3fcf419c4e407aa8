/// The isolation layers a sandboxed run can have. The raw values are the keys of `layers` in
/// the verdict JSON.
public enum Layer: String, CaseIterable, Sendable, Codable {
    case userNamespace = "user_ns"
    case mountNamespace = "mount_ns"
    case pidNamespace = "pid_ns"
    case netNamespace = "net_ns"
    case ipcNamespace = "ipc_ns"
    case utsNamespace = "uts_ns"
    case cgroupMemory = "cgroup_memory"
    case cgroupPids = "cgroup_pids"
    case rlimits
    case landlock
    case noNewPrivs = "no_new_privs"
    case unprivilegedUID = "unprivileged_uid"
    case seccomp
}

/// How the sandbox's network namespace is set up.
public enum NetworkMode: String, CaseIterable, Sendable, Codable {
    /// A fresh network namespace whose loopback interface stays down: no address works.
    case none
    /// A fresh network namespace with its own loopback up: the sandbox talks only to itself.
    case loopback
}

/// What the seccomp supervisor does with a syscall that no rule allows.
public enum DefaultSeccompAction: Equatable, Sendable {
    /// Fail the syscall with this errno and let the program go on.
    case errno(Int32)
    /// Kill the whole sandbox.
    case killProcess

    public var argument: String {
        switch self {
        case .errno(let code): "errno:\(code)"
        case .killProcess: "kill"
        }
    }

    public init?(argument: String) {
        if argument == "kill" { self = .killProcess; return }
        guard argument.hasPrefix("errno:"), let code = Int32(argument.dropFirst(6)), code > 0, code < 4096 else {
            return nil
        }
        self = .errno(code)
    }
}
