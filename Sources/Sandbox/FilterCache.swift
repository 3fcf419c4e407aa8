import CSeccomp
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import SandboxSpec

/// Compiled seccomp filters kept on disk, so a launch reads a 2 KiB program instead of
/// decoding the profile's JSON and compiling it with libseccomp again (about 1.4 ms of the
/// launch budget).
///
/// An entry is found by a digest of the profile's exact bytes and length together with the
/// libseccomp version and the architecture, so editing a profile, upgrading libseccomp or
/// moving the cache to another machine can only miss, never return a stale program. A profile
/// that does not compile is never stored: its error is reported on every run.
///
/// The cache directory is private (created 0700). An entry is used only when it is a regular
/// file owned by this user that no one else can write, and when the program's own digest,
/// stored beside it, still matches; anything else is compiled afresh and rewritten.
///
/// The digest is 64-bit FNV-1a, not SHA-256: it guards against edits and torn files in a
/// directory only this user can write, not against an adversary, and SHA-256 would start
/// BoringSSL on every launch, about 0.1 ms of CPU (measured with perf).
public struct FilterCache: Sendable {
    public let directory: String

    static let magic = "probe-seccomp-cache 2"

    public init(directory: String) {
        self.directory = directory
    }

    /// `$XDG_CACHE_HOME/probe/seccomp`, or `~/.cache/probe/seccomp`; nil without either.
    public static func standard() -> FilterCache? {
        if let xdg = getenv("XDG_CACHE_HOME").map({ String(cString: $0) }), xdg.hasPrefix("/") {
            return FilterCache(directory: xdg + "/probe/seccomp")
        }
        if let home = getenv("HOME").map({ String(cString: $0) }), home.hasPrefix("/") {
            return FilterCache(directory: home + "/.cache/probe/seccomp")
        }
        return nil
    }

    /// The compiled filter for the profile at `path`, from the cache when it holds one.
    public func filter(forProfileAt path: String) throws -> CompiledFilter {
        let source = try SeccompProfile.read(path: path)
        let entry = directory + "/" + Self.key(for: source) + ".bpf"
        if let cached = load(entry) { return cached }
        let filter = try SeccompProfile.parse(source, source: path).compile()
        store(filter, at: entry)
        return filter
    }

    static func key(for profile: Data) -> String {
        let version = seccomp_version().pointee
        let context = "\(magic) libseccomp \(version.major).\(version.minor).\(version.micro) arch \(seccomp_arch_native()) bytes \(profile.count)"
        return digest(profile, Array(context.utf8))
    }

    /// The entry at `path`, or nil when it is missing, not safely ours, or damaged.
    func load(_ path: String) -> CompiledFilter? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid(),
              info.st_mode & 0o022 == 0, info.st_size > 0, info.st_size < 1 << 20 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        guard bytes.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else { return nil }
        // Three header lines, then the program.
        var lines: [String] = []
        var start = 0
        while lines.count < 3, let newline = bytes[start...].firstIndex(of: 0x0a) {
            lines.append(String(decoding: bytes[start..<newline], as: UTF8.self))
            start = newline + 1
        }
        let program = Array(bytes[start...])
        guard lines.count == 3, lines[0] == Self.magic, lines[1].hasPrefix("default "), lines[2].hasPrefix("fnv1a64 "),
              let action = DefaultSeccompAction(argument: String(lines[1].dropFirst("default ".count))),
              !program.isEmpty, program.count % 8 == 0,
              Self.digest(program) == lines[2].dropFirst("fnv1a64 ".count) else { return nil }
        return CompiledFilter(bytes: program, defaultAction: action)
    }

    /// Writes an entry through a temporary file and a rename, so a reader never sees half of
    /// one. Failing to write only costs the next launch a compile.
    func store(_ filter: CompiledFilter, at path: String) {
        guard makePrivateDirectory() else { return }
        let header = "\(Self.magic)\ndefault \(filter.defaultAction.argument)\nfnv1a64 \(Self.digest(filter.bytes))\n"
        let bytes = Array(header.utf8) + filter.bytes
        let temporary = path + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if written != bytes.count || rename(temporary, path) != 0 { unlink(temporary) }
    }

    /// Creates the directory (and missing parents) 0700; true when it exists, is ours, and
    /// no one else can write to it.
    private func makePrivateDirectory() -> Bool {
        var prefix = ""
        for part in directory.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST { return false }
        }
        var info = stat()
        return lstat(directory, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR && info.st_uid == geteuid()
            && info.st_mode & 0o022 == 0
    }

    /// 64-bit FNV-1a of `bytes`, continued over `more` when given, as 16 hex digits.
    static func digest(_ bytes: some Sequence<UInt8>, _ more: [UInt8] = []) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        for byte in more { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
