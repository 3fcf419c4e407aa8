import CSeccomp
import Glibc

/// A syscall the profile refused, named and with its arguments decoded where that helps a
/// reader (`socket(AF_INET, SOCK_STREAM, 0)`, `clone(CLONE_NEWUSER|…)`).
public struct BlockedSyscall: Codable, Equatable, Sendable {
    public var name: String
    public var args: [String]

    public init(name: String, args: [String]) {
        self.name = name
        self.args = args
    }

    /// `name(arg, arg, …)`, for one-line summaries.
    public var call: String { "\(name)(\(args.joined(separator: ", ")))" }

    init(arch: UInt32, number: Int32, args raw: [UInt64]) {
        if let cName = seccomp_syscall_resolve_num_arch(arch, number) {
            name = String(cString: cName)
            free(cName)
        } else {
            name = "syscall_\(number)"
        }
        args = Self.decode(name: name, raw)
    }

    private static let arity: [String: Int] = [
        "socket": 3, "socketpair": 4, "connect": 3, "bind": 3, "clone": 5, "unshare": 1, "setns": 2,
        "ptrace": 4, "mount": 5, "umount2": 2, "pivot_root": 2, "chroot": 1, "bpf": 3, "keyctl": 5,
        "add_key": 5, "request_key": 4, "io_uring_setup": 2, "io_uring_enter": 6, "io_uring_register": 4,
        "prctl": 5, "personality": 1, "setuid": 1, "setgid": 1, "setresuid": 3, "setresgid": 3,
        "setgroups": 2, "perf_event_open": 5, "userfaultfd": 1, "kexec_load": 4, "reboot": 4,
        "init_module": 3, "finit_module": 3, "delete_module": 2, "mknod": 3, "mknodat": 4, "syslog": 3,
        "process_vm_readv": 6, "process_vm_writev": 6, "seccomp": 3, "open_by_handle_at": 3,
        "landlock_create_ruleset": 3, "sethostname": 2, "setdomainname": 2, "swapon": 2, "acct": 1,
    ]

    static func decode(name: String, _ raw: [UInt64]) -> [String] {
        let count = arity[name] ?? 6
        var out = raw.prefix(count).map { "0x" + String($0, radix: 16) }
        guard let first = raw.first else { return out }
        switch name {
        case "socket", "socketpair":
            out[0] = addressFamilies[first] ?? String(first)
            if raw.count > 1 { out[1] = socketType(raw[1]) }
            if raw.count > 2 { out[2] = String(raw[2]) }
        case "clone", "unshare":
            out[0] = flags(first, cloneFlags)
        case "setns":
            if raw.count > 1 { out[1] = flags(raw[1], cloneFlags) }
        case "ptrace":
            out[0] = ptraceRequests[first] ?? String(first)
        case "prctl":
            out[0] = String(first)
        case "bpf", "keyctl", "personality", "io_uring_setup":
            out[0] = String(first)
        default:
            break
        }
        return out
    }

    private static let addressFamilies: [UInt64: String] = [
        0: "AF_UNSPEC", 1: "AF_UNIX", 2: "AF_INET", 4: "AF_IPX", 5: "AF_APPLETALK", 9: "AF_X25",
        10: "AF_INET6", 16: "AF_NETLINK", 17: "AF_PACKET", 29: "AF_CAN", 31: "AF_BLUETOOTH",
        38: "AF_ALG", 40: "AF_VSOCK", 44: "AF_XDP",
    ]

    private static func socketType(_ value: UInt64) -> String {
        let types: [UInt64: String] = [1: "SOCK_STREAM", 2: "SOCK_DGRAM", 3: "SOCK_RAW", 4: "SOCK_RDM", 5: "SOCK_SEQPACKET", 10: "SOCK_PACKET"]
        var parts = [types[value & 0xf] ?? String(value & 0xf)]
        if value & 0o4000 != 0 { parts.append("SOCK_NONBLOCK") }
        if value & 0o2000000 != 0 { parts.append("SOCK_CLOEXEC") }
        return parts.joined(separator: "|")
    }

    private static let cloneFlags: [(UInt64, String)] = [
        (0x0000_0080, "CLONE_NEWTIME"), (0x0000_0100, "CLONE_VM"), (0x0000_0200, "CLONE_FS"), (0x0000_0400, "CLONE_FILES"),
        (0x0000_0800, "CLONE_SIGHAND"), (0x0000_4000, "CLONE_VFORK"), (0x0001_0000, "CLONE_THREAD"),
        (0x0002_0000, "CLONE_NEWNS"), (0x0200_0000, "CLONE_NEWCGROUP"), (0x0400_0000, "CLONE_NEWUTS"),
        (0x0800_0000, "CLONE_NEWIPC"), (0x1000_0000, "CLONE_NEWUSER"), (0x2000_0000, "CLONE_NEWPID"),
        (0x4000_0000, "CLONE_NEWNET"),
    ]

    private static func flags(_ value: UInt64, _ names: [(UInt64, String)]) -> String {
        var rest = value
        var parts: [String] = []
        for (bit, name) in names where value & bit != 0 {
            parts.append(name)
            rest &= ~bit
        }
        if rest != 0 || parts.isEmpty { parts.append("0x" + String(rest, radix: 16)) }
        return parts.joined(separator: "|")
    }

    private static let ptraceRequests: [UInt64: String] = [
        0: "PTRACE_TRACEME", 1: "PTRACE_PEEKTEXT", 2: "PTRACE_PEEKDATA", 4: "PTRACE_POKETEXT",
        16: "PTRACE_ATTACH", 17: "PTRACE_DETACH", 0x4206: "PTRACE_SEIZE",
    ]
}
