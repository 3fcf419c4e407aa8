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
/// The cache directory is private (see ``PrivateCacheFile``). An entry is used only when it is
/// safely ours and the program's own digest, stored beside it, still matches; anything else is
/// compiled afresh and rewritten.
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
        PrivateCacheFile.standardDirectory("seccomp").map(FilterCache.init(directory:))
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
        guard let bytes = PrivateCacheFile.read(path) else { return nil }
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

    /// Writes an entry; failing to write only costs the next launch a compile.
    func store(_ filter: CompiledFilter, at path: String) {
        let header = "\(Self.magic)\ndefault \(filter.defaultAction.argument)\nfnv1a64 \(Self.digest(filter.bytes))\n"
        PrivateCacheFile.write(Array(header.utf8) + filter.bytes, to: path)
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
