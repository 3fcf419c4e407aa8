import Foundation
import Glibc
import ProbeTestSupport
import Sandbox
import TaskBank
import Testing

@testable import Grading

/// The reference bar kept between grading runs: found only under a key that covers everything
/// the score depends on, ignored when damaged or not safely ours, and what the judge uses.
struct ReferenceScoreCacheTests {
    static let runner = MutationRunner(sandbox: SandboxRunner(launcherPath: "/nonexistent", sandboxesDirectory: "/nonexistent"),
                                       python: "/nonexistent", workRoot: NSTemporaryDirectory())

    static func cache(in root: URL, context: String = "python 3.11.2\npytest 8.3.3") -> ReferenceScoreCache {
        ReferenceScoreCache(directory: root.appendingPathComponent("cache/reference").path, context: context)
    }

    static func load(_ fixture: TaskFixture) throws -> TaskDefinition {
        try TaskLoader(root: fixture.root.path).load(folder: TaskFixture.id).get()
    }

    static func digest(_ fixture: TaskFixture) throws -> String {
        try BundleExporter.digest(of: try load(fixture))
    }

    /// The key of the fixture's task as it is on disk now.
    static func key(_ cache: ReferenceScoreCache, _ fixture: TaskFixture, runner: MutationRunner) throws -> String {
        cache.key(for: try load(fixture), digest: try digest(fixture), runner: runner)
    }

    @Test func aStoredScoreIsFoundUnderItsKeyInAPrivateFile() throws {
        let fixture = try TaskFixture()
        defer { fixture.cleanUp() }
        let cache = Self.cache(in: fixture.root)
        let key = try Self.key(cache, fixture, runner: Self.runner)
        #expect(cache.score(key) == nil)
        cache.store(0.75, key: key)
        #expect(cache.score(key) == 0.75)
        var info = stat()
        #expect(stat(cache.directory + "/" + key, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(stat(cache.directory, &info) == 0 && info.st_mode & 0o777 == 0o700)
    }

    @Test func anythingTheScoreDependsOnChangesTheKey() throws {
        let fixture = try TaskFixture()
        defer { fixture.cleanUp() }
        let cache = Self.cache(in: fixture.root)
        let key = try Self.key(cache, fixture, runner: Self.runner)
        #expect(try Self.key(cache, fixture, runner: Self.runner) == key)

        #expect(try Self.key(Self.cache(in: fixture.root, context: "python 3.11.2\npytest 8.3.4"), fixture, runner: Self.runner) != key)
        var fewer = Self.runner
        fewer.maximumMutants = 10
        #expect(try Self.key(cache, fixture, runner: fewer) != key)
        var everyTest = Self.runner
        everyTest.selectByCoverage = false
        #expect(try Self.key(cache, fixture, runner: everyTest) != key)
        // A changed reference test, as a task author would make.
        try fixture.write(try fixture.read("reference/shop/pricing.py") + "\n# rounding per ADR-7\n", to: "reference/shop/pricing.py")
        #expect(try Self.key(cache, fixture, runner: Self.runner) != key)
    }

    @Test func aDamagedOrForeignEntryReadsAsMissing() throws {
        let fixture = try TaskFixture()
        defer { fixture.cleanUp() }
        let cache = Self.cache(in: fixture.root)
        let key = try Self.key(cache, fixture, runner: Self.runner)
        cache.store(0.5, key: key)
        let path = cache.directory + "/" + key
        for damaged in ["probe-reference-score 0\n\(key)\n0.5\n", "probe-reference-score 1\nother\n0.5\n",
                        "probe-reference-score 1\n\(key)\n1.5\n", "probe-reference-score 1\n\(key)\nhalf\n",
                        "probe-reference-score 1\n\(key)\n"] {
            try Data(damaged.utf8).write(to: URL(fileURLWithPath: path))
            #expect(cache.score(key) == nil, "\(damaged.debugDescription)")
        }
        cache.store(0.5, key: key)
        #expect(cache.score(key) == 0.5)
        // Writable by others: someone else could have planted it.
        #expect(chmod(path, 0o622) == 0)
        #expect(cache.score(key) == nil)
    }

    @Test func theJudgeUsesAStoredBarInsteadOfMeasuring() throws {
        let root = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let task = try TaskLoader(root: ProbeProcess.repository.appendingPathComponent("Tasks").path)
            .load(folder: "billing-regression-tests").get()
        let cache = Self.cache(in: root)
        // The runner cannot run anything (no launcher, no interpreter): the score can only come
        // from the cache.
        cache.store(0.125, key: cache.key(for: task, digest: try BundleExporter.digest(of: task), runner: Self.runner))
        #expect(try Judge(mutation: Self.runner, referenceCache: cache).referenceScore(task) == 0.125)
        // Without it, the measurement is tried, and fails.
        #expect(try Judge(mutation: Self.runner).referenceScore(task) == nil)
    }
}
