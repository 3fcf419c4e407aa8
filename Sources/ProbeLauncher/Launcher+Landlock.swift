import CProbeShims
import Glibc
import SandboxSpec

extension Launcher {
    /// Read and execute where the code and interpreter live, read-write only in the work dir,
    /// the --rw paths and /tmp. Everything the running kernel's ABI can restrict is handled,
    /// so a right we do not grant is denied, including TCP when the network is `none`, and
    /// (ABI 6+) signals and abstract unix sockets that leave the sandbox.
    func applyLandlock(view: FilesystemView?) throws {
        let abi = probe_landlock_abi()
        guard abi >= 1 else {
            let error = LaunchError.errno("landlock", "landlock_create_ruleset(version)")
            guard spec.allowDegraded else { throw error }
            reporter.layer(.landlock, applied: false, error.message)
            return
        }
        let read = PROBE_LANDLOCK_ACCESS_FS_EXECUTE | PROBE_LANDLOCK_ACCESS_FS_READ_FILE | PROBE_LANDLOCK_ACCESS_FS_READ_DIR
        // ABI 1's thirteen rights, then what later ABIs added.
        var all = read | PROBE_LANDLOCK_ACCESS_FS_WRITE_FILE | PROBE_LANDLOCK_ACCESS_FS_REMOVE_DIR
            | PROBE_LANDLOCK_ACCESS_FS_REMOVE_FILE | PROBE_LANDLOCK_ACCESS_FS_MAKE_CHAR | PROBE_LANDLOCK_ACCESS_FS_MAKE_DIR
            | PROBE_LANDLOCK_ACCESS_FS_MAKE_REG | PROBE_LANDLOCK_ACCESS_FS_MAKE_SOCK | PROBE_LANDLOCK_ACCESS_FS_MAKE_FIFO
            | PROBE_LANDLOCK_ACCESS_FS_MAKE_BLOCK | PROBE_LANDLOCK_ACCESS_FS_MAKE_SYM
        if abi >= 2 { all |= PROBE_LANDLOCK_ACCESS_FS_REFER }
        if abi >= 3 { all |= PROBE_LANDLOCK_ACCESS_FS_TRUNCATE }
        if abi >= 5 { all |= PROBE_LANDLOCK_ACCESS_FS_IOCTL_DEV }
        let device = all & (PROBE_LANDLOCK_ACCESS_FS_READ_FILE | PROBE_LANDLOCK_ACCESS_FS_WRITE_FILE | PROBE_LANDLOCK_ACCESS_FS_IOCTL_DEV | PROBE_LANDLOCK_ACCESS_FS_TRUNCATE)
        let net: UInt64 = abi >= 4 && spec.network == .none
            ? PROBE_LANDLOCK_ACCESS_NET_BIND_TCP | PROBE_LANDLOCK_ACCESS_NET_CONNECT_TCP : 0
        let scoped: UInt64 = abi >= 6 ? PROBE_LANDLOCK_SCOPE_SIGNAL | PROBE_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET : 0

        let ruleset = try check("landlock", "landlock_create_ruleset", probe_landlock_create_ruleset(all, net, scoped))
        defer { close(ruleset) }
        // Without a mount namespace the host paths are the real ones.
        let fallback = FilesystemView(readOnly: ["/usr", "/etc", "/proc"] + spec.readOnlyPaths,
                                      readWrite: spec.readWritePaths + [spec.workdir], devices: ["/dev/null"])
        let rules = view ?? fallback
        for path in rules.readOnly { try allow(path, read, ruleset: ruleset, optional: true) }
        for path in rules.devices { try allow(path, device, ruleset: ruleset, optional: false) }
        for path in rules.readWrite { try allow(path, all, ruleset: ruleset, optional: false) }
        try check("landlock", "landlock_restrict_self", probe_landlock_restrict_self(ruleset))
        reporter.layer(.landlock, applied: true, "abi \(abi)")
    }

    private func allow(_ path: String, _ access: UInt64, ruleset: Int32, optional: Bool) throws {
        let fd = open(path, PROBE_O_PATH | O_CLOEXEC)
        if fd < 0 && optional && errno == ENOENT { return }
        try check("landlock", "open \(path)", fd)
        defer { close(fd) }
        var info = stat()
        try check("landlock", "fstat \(path)", fstat(fd, &info))
        // Directory-only rights may not be granted on a file.
        let fileRights = PROBE_LANDLOCK_ACCESS_FS_EXECUTE | PROBE_LANDLOCK_ACCESS_FS_WRITE_FILE | PROBE_LANDLOCK_ACCESS_FS_READ_FILE
            | PROBE_LANDLOCK_ACCESS_FS_TRUNCATE | PROBE_LANDLOCK_ACCESS_FS_IOCTL_DEV
        let rights = info.st_mode & S_IFMT == S_IFDIR ? access : access & fileRights
        try check("landlock", "landlock_add_rule \(path)", probe_landlock_add_path_rule(ruleset, rights, fd))
    }
}
