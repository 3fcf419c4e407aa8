import Foundation
import ProbeTestSupport
import Testing
@testable import Sandbox

/// The on-disk cache of compiled seccomp filters: it must be read when it holds the
/// profile's program, and never trusted when the profile changed, the entry is damaged, or
/// someone else could have written it.
@Suite struct FilterCacheTests {
    static let sandboxes = ProbeProcess.repository.appendingPathComponent("Sandboxes").path
    let directory: URL
    let cache: FilterCache

    init() throws {
        directory = try ProbeProcess.temporaryDirectory()
        cache = FilterCache(directory: directory.appendingPathComponent("cache/seccomp").path)
    }

    private func entry(for profile: String) throws -> String {
        cache.directory + "/" + FilterCache.key(for: try SeccompProfile.read(path: profile)) + ".bpf"
    }

    private func compiled(_ profile: String) throws -> CompiledFilter {
        try SeccompProfile.load(path: profile).compile()
    }

    /// A copy of a shipped profile in the test's directory, which the test may edit.
    private func copy(_ name: String) throws -> String {
        let path = directory.appendingPathComponent(name + ".json").path
        try FileManager.default.copyItem(atPath: "\(Self.sandboxes)/\(name).json", toPath: path)
        return path
    }

    @Test func aStoredProgramIsReadBackInsteadOfCompiled() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let pytest = "\(Self.sandboxes)/pytest.json", service = "\(Self.sandboxes)/service.json"
        let first = try cache.filter(forProfileAt: pytest)
        #expect(first.bytes == (try compiled(pytest)).bytes)
        let stored = try entry(for: pytest)
        #expect(cache.load(stored)?.bytes == first.bytes)
        // Put another valid program under the pytest profile's key: a cache hit returns it.
        cache.store(try compiled(service), at: stored)
        #expect(try cache.filter(forProfileAt: pytest).bytes == (try compiled(service)).bytes)
        let mode = try FileManager.default.attributesOfItem(atPath: cache.directory)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test func anEditedProfileIsCompiledAfresh() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let profile = try copy("pytest")
        let before = try cache.filter(forProfileAt: profile)
        let text = try String(contentsOfFile: profile, encoding: .utf8)
        try text.replacingOccurrences(of: #""sysinfo", "#, with: "").write(toFile: profile, atomically: false, encoding: .utf8)
        let after = try cache.filter(forProfileAt: profile)
        #expect(after.bytes != before.bytes)
        #expect(after.bytes == (try compiled(profile)).bytes)
    }

    @Test func aDamagedEntryIsCompiledAfreshAndRewritten() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let pytest = "\(Self.sandboxes)/pytest.json"
        let good = try cache.filter(forProfileAt: pytest)
        let stored = try entry(for: pytest)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: stored))
        bytes[bytes.count - 3] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: stored))
        #expect(cache.load(stored) == nil)
        #expect(try cache.filter(forProfileAt: pytest).bytes == good.bytes)
        #expect(cache.load(stored)?.bytes == good.bytes)
        // A truncated entry is damaged too.
        try Data(bytes.prefix(40)).write(to: URL(fileURLWithPath: stored))
        #expect(cache.load(stored) == nil)
    }

    @Test func anEntryOthersCanWriteIsIgnored() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let pytest = "\(Self.sandboxes)/pytest.json"
        _ = try cache.filter(forProfileAt: pytest)
        let stored = try entry(for: pytest)
        cache.store(try compiled("\(Self.sandboxes)/service.json"), at: stored)
        #expect(chmod(stored, 0o666) == 0)
        #expect(cache.load(stored) == nil)
        #expect(try cache.filter(forProfileAt: pytest).bytes == (try compiled(pytest)).bytes)
    }

    @Test func aProfileThatDoesNotCompileIsNeverStored() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let profile = try copy("pytest")
        let text = try String(contentsOfFile: profile, encoding: .utf8)
        try text.replacingOccurrences(of: #""sysinfo""#, with: #""sysinfoo""#).write(toFile: profile, atomically: false, encoding: .utf8)
        for _ in 0..<2 {
            #expect(throws: SandboxError.self) { try cache.filter(forProfileAt: profile) }
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: cache.directory)) ?? []
        #expect(entries.isEmpty)
    }
}
