import CProbeShims
import CSeccomp
import Glibc
import SandboxSpec

/// A profile compiled to a classic BPF program for the launcher to load.
public struct CompiledFilter: Sendable {
    public var bytes: [UInt8]
    /// What the launcher's supervisor answers for a syscall no rule allows.
    public var defaultAction: DefaultSeccompAction
    public var instructionCount: Int { bytes.count / 8 }
}

extension SeccompProfile {
    /// Syscalls the launcher itself makes after the filter is loaded (send the listener,
    /// execve, and report a failed execve). A profile that does not allow them could never start.
    static let launcherNeeds = ["write", "sendmsg", "execve"]

    /// Compiles the profile with libseccomp for the machine's native architecture.
    ///
    /// The profile's default action is compiled as SCMP_ACT_NOTIFY: the launcher's supervisor
    /// receives each such syscall, records its name and arguments, and answers it exactly as
    /// the profile says (the errno, or killing the sandbox). That is how a verdict can name
    /// what was blocked. Other architectures (32-bit x86, x32) are killed outright.
    public func compile() throws -> CompiledFilter {
        let supervised: DefaultSeccompAction
        switch defaultAction {
        case .errno(let code): supervised = .errno(code)
        case .killProcess, .killThread: supervised = .killProcess
        default:
            throw SandboxError(.invalidProfile, "\(source): defaultAction: expected SCMP_ACT_ERRNO or SCMP_ACT_KILL_PROCESS")
        }
        let unconditional = Set(rules.filter { $0.action == .allow && $0.args.isEmpty }.flatMap(\.names))
        let missing = Self.launcherNeeds.filter { !unconditional.contains($0) }
        guard missing.isEmpty else {
            throw SandboxError(.invalidProfile, "\(source): syscalls: must allow \(missing.joined(separator: ", ")) without argument conditions; the launcher needs them after loading the filter")
        }
        try checkArchitectures()

        guard let context = seccomp_init(SCMP_ACT_NOTIFY) else {
            throw SandboxError(.system, "seccomp_init failed")
        }
        defer { seccomp_release(context) }
        try attribute(context, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS, "bad-architecture action")
        try attribute(context, SCMP_FLTATR_CTL_NNP, 0, "no_new_privs attribute")
        // A binary search over syscall numbers instead of a linear list: a syscall passes a
        // handful of comparisons, not up to one per allowed name.
        try attribute(context, SCMP_FLTATR_CTL_OPTIMIZE, 2, "binary-tree optimization")

        for (ruleIndex, rule) in rules.enumerated() {
            for (nameIndex, name) in rule.names.enumerated() {
                let field = "syscalls[\(ruleIndex)].names[\(nameIndex)]"
                let number = seccomp_syscall_resolve_name(name)
                if number == __NR_SCMP_ERROR {
                    throw SandboxError(.invalidProfile, "\(source): \(field): unknown syscall name '\(name)'")
                }
                // Negative numbers are syscalls libseccomp knows but this architecture lacks.
                if number < 0 { continue }
                var checks = rule.args.map { scmp_arg_cmp(arg: $0.index, op: $0.op.libseccomp, datum_a: $0.value, datum_b: $0.valueTwo) }
                let rc = seccomp_rule_add_array(context, rule.action.libseccomp, number, UInt32(checks.count), &checks)
                if rc < 0 {
                    throw SandboxError(.invalidProfile, "\(source): \(field): libseccomp rejected the rule for '\(name)': \(errnoText(-rc))")
                }
            }
        }
        return CompiledFilter(bytes: try export(context), defaultAction: supervised)
    }

    private func checkArchitectures() throws {
        let native = seccomp_arch_native()
        var hasNative = false
        for (index, name) in architectures.enumerated() {
            guard name.hasPrefix("SCMP_ARCH_") else {
                throw SandboxError(.invalidProfile, "\(source): architectures[\(index)]: expected an SCMP_ARCH_* name, got '\(name)'")
            }
            let token = seccomp_arch_resolve_name(name.dropFirst("SCMP_ARCH_".count).lowercased())
            guard token != 0 else {
                throw SandboxError(.invalidProfile, "\(source): architectures[\(index)]: unknown architecture '\(name)'")
            }
            hasNative = hasNative || token == native
        }
        guard hasNative else {
            throw SandboxError(.invalidProfile, "\(source): architectures: does not list this machine's architecture")
        }
    }

    private func attribute(_ context: scmp_filter_ctx, _ name: scmp_filter_attr, _ value: UInt32, _ what: String) throws {
        let rc = seccomp_attr_set(context, name, value)
        if rc < 0 { throw SandboxError(.system, "libseccomp: cannot set the \(what): \(errnoText(-rc))") }
    }

    private func export(_ context: scmp_filter_ctx) throws -> [UInt8] {
        let fd = probe_memfd_create("probe-seccomp", PROBE_MFD_CLOEXEC)
        guard fd >= 0 else { throw SandboxError.system("memfd_create", errno: errno) }
        defer { close(fd) }
        let rc = seccomp_export_bpf(context, fd)
        if rc < 0 { throw SandboxError(.system, "libseccomp: cannot export the filter: \(errnoText(-rc))") }
        let size = Int(lseek(fd, 0, SEEK_END))
        var bytes = [UInt8](repeating: 0, count: size)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size, 0) }
        guard n == size else { throw SandboxError.system("read the exported filter", errno: errno) }
        return bytes
    }
}

extension SeccompProfile.Action {
    var libseccomp: UInt32 {
        switch self {
        case .allow: SCMP_ACT_ALLOW
        case .errno(let code): probe_scmp_act_errno(UInt16(code))
        case .killProcess: SCMP_ACT_KILL_PROCESS
        case .killThread: SCMP_ACT_KILL_THREAD
        case .trap: SCMP_ACT_TRAP
        case .log: SCMP_ACT_LOG
        }
    }
}

extension SeccompProfile.Operator {
    var libseccomp: scmp_compare {
        switch self {
        case .notEqual: SCMP_CMP_NE
        case .lessThan: SCMP_CMP_LT
        case .lessOrEqual: SCMP_CMP_LE
        case .equal: SCMP_CMP_EQ
        case .greaterOrEqual: SCMP_CMP_GE
        case .greaterThan: SCMP_CMP_GT
        case .maskedEqual: SCMP_CMP_MASKED_EQ
        }
    }
}
