import Foundation
@testable import Grading
import ProbeTestSupport
import Sandbox
import TaskBank
import Testing

/// The pieces of the integrity checks that work on text: which tests a canary may clone, what
/// a planted module looks like, and how config sections are cut.
@Suite struct IntegrityTests {
    static let module = """
    import pytest

    from shop.pricing import total


    @pytest.mark.rubric("verification")
    @pytest.mark.parametrize(
        "cents",
        [1, 3],
    )
    def test_rounds_half_up(cents):
        assert total([cents * 10 + 5], discount_percent=50) == (cents * 10 + 5) // 2 + 1


    @pytest.mark.rubric("decomposition")
    def test_returns_early():
        if total([]) == 0:
            return
        assert False


    @pytest.mark.skip(reason="flaky upstream")
    def test_skipped():
        assert total([1]) == 1


    def helper():
        return 3
    """

    @Test func clonesKeepDecoratorsAndSkipTestsThatCanLeaveEarly() {
        let sources = CanaryTests.cloneSources(in: Self.module)
        #expect(sources.map(\.name) == ["test_rounds_half_up"])
        #expect(sources.first?.lines.first == "@pytest.mark.rubric(\"verification\")")
        #expect(sources.first?.indent == "    ")
        var generator = SystemRandomNumberGenerator()
        let clone = CanaryTests.clone(sources[0], as: "test_half_rounds_cents", using: &generator)
        #expect(clone.contains("def test_half_rounds_cents(cents):"))
        #expect(clone.contains("@pytest.mark.parametrize("))
        // The clone ends in an assertion of its own that the source does not have: it must fail.
        let cloneLines = clone.split(separator: "\n"), sourceLines = sources[0].lines
        #expect(cloneLines.count > sourceLines.count)
        #expect(cloneLines.last?.hasPrefix("    ") == true)
        #expect(cloneLines.last.map(String.init) != sourceLines.last)
    }

    @Test func plantedCanariesFailUnderPytest() throws {
        let folder = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("hidden/shop"), withIntermediateDirectories: true)
        try "".write(to: folder.appendingPathComponent("hidden/shop/__init__.py"), atomically: false, encoding: .utf8)
        try "def total(prices, discount_percent=0):\n    return sum(prices) * (100 - discount_percent) // 100 + (1 if discount_percent == 50 else 0)\n"
            .write(to: folder.appendingPathComponent("hidden/shop/pricing.py"), atomically: false, encoding: .utf8)
        try Self.module.write(to: folder.appendingPathComponent("hidden/test_module.py"), atomically: false, encoding: .utf8)
        let planted = try CanaryTests.plant(in: folder.appendingPathComponent("hidden").path, suite: "hidden")
        #expect(planted.count == 2)
        let ini = folder.appendingPathComponent("pytest.ini")
        try "[pytest]\nmarkers =\n    rubric(dimension, weight=1): x\n".write(to: ini, atomically: false, encoding: .utf8)
        let ids = planted.map { folder.appendingPathComponent($0).path }
        let (code, out, _) = try ProbeProcess.execute([ProbeProcess.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", ini.path,
                                                       "--rootdir", folder.path] + ids)
        #expect(code == 1)
        // The clone of the parametrized test runs once per parameter; every canary fails.
        #expect(out.contains("3 failed"), "\(out)")
        #expect(!out.contains("passed"), "\(out)")
    }

    /// With the reference's durations, clones copy quick tests only; a module with none gets a
    /// plain canary, unless no module has one; without a duration for every test, any test.
    @Test func clonesCopyQuickTestsByTheReferencesDurations() {
        func tests(_ names: String...) -> [CanaryTests.TestFunction] {
            names.map { CanaryTests.TestFunction(name: $0, lines: ["def \($0)():", "    pass"], indent: "    ") }
        }
        let sources = [(module: "hidden/test_keys.py", tests: tests("test_a", "test_b", "test_c")),
                       (module: "hidden/test_races.py", tests: tests("test_slow", "test_slower"))]
        let durations = ["hidden/test_keys.py::test_a": 3, "hidden/test_keys.py::test_b": 20, "hidden/test_keys.py::test_c": 21,
                         "hidden/test_races.py::test_slow": 136, "hidden/test_races.py::test_slower": 185]
        #expect(CanaryTests.cloneable(sources, durations: durations).map { $0.map(\.name) } == [["test_a", "test_b"], []])

        var slowOnly = durations
        slowOnly["hidden/test_keys.py::test_a"] = 140
        slowOnly["hidden/test_keys.py::test_b"] = 150
        slowOnly["hidden/test_keys.py::test_c"] = 160
        #expect(CanaryTests.cloneable(sources, durations: slowOnly).map { $0.map(\.name) } == [[], ["test_slow"]])

        var unknown = durations
        unknown["hidden/test_races.py::test_slower"] = nil
        #expect(CanaryTests.cloneable(sources, durations: unknown).map { $0.map(\.name) }
                == [["test_a", "test_b", "test_c"], ["test_slow", "test_slower"]])
        #expect(CanaryTests.cloneable(sources, durations: [:]).map(\.count) == [3, 2])
    }

    /// Planting follows the durations: the module whose only clonable test is slow gets a
    /// plain canary, the other a clone of its quick test.
    @Test func plantingClonesOnlyTheQuickTest() throws {
        let folder = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let hidden = folder.appendingPathComponent("hidden")
        try FileManager.default.createDirectory(at: hidden, withIntermediateDirectories: true)
        let slow = "import pytest\n\n\ndef test_race_keeps_one():\n    assert wait_for_race() == 1\n"
        let quick = "import pytest\n\n\ndef test_total_is_cents():\n    assert total_in_cents() == 250\n"
        try slow.write(to: hidden.appendingPathComponent("test_races.py"), atomically: false, encoding: .utf8)
        try quick.write(to: hidden.appendingPathComponent("test_totals.py"), atomically: false, encoding: .utf8)
        let planted = try CanaryTests.plant(in: hidden.path, suite: "hidden",
                                            durations: ["hidden/test_races.py::test_race_keeps_one": 140,
                                                        "hidden/test_totals.py::test_total_is_cents": 3])
        #expect(planted.count == 2)
        let races = try String(contentsOf: hidden.appendingPathComponent("test_races.py"), encoding: .utf8)
        let totals = try String(contentsOf: hidden.appendingPathComponent("test_totals.py"), encoding: .utf8)
        #expect(races.components(separatedBy: "wait_for_race()").count == 2, "\(races)")
        #expect(totals.components(separatedBy: "total_in_cents()").count == 3, "\(totals)")
    }

    /// The reference's durations, once measured, come from disk: a runner that cannot run
    /// anything still gets them. A damaged entry, or none, means measuring, which fails here
    /// and leaves the canaries free to clone any test.
    @Test func referenceDurationsAreKeptOnDisk() throws {
        let root = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let task = try TaskLoader(root: ProbeProcess.repository.appendingPathComponent("Tasks").path)
            .load(folder: "bookings-idempotency").get()
        let directory = root.appendingPathComponent("durations").path
        let broken = PytestRunner(sandbox: SandboxRunner(launcherPath: "/nonexistent", sandboxesDirectory: "/nonexistent"),
                                  python: ProbeProcess.python, workRoot: root.path)
        let durations = ReferenceDurations(directory: directory, context: "python 3.11.7")
        let key = durations.key(for: task, digest: "d1")
        CacheEntry.write(["7\thidden/test_idempotency_races.py::test_concurrent_bookings_of_one_room_still_admit_one",
                              "136\thidden/test_idempotency_races.py::test_concurrent_use_of_one_key_by_several_accounts"],
                             to: directory, key: key, magic: ReferenceDurations.magic)
        #expect(durations.durations(of: task, digest: "d1", runner: broken)
                == ["hidden/test_idempotency_races.py::test_concurrent_bookings_of_one_room_still_admit_one": 7,
                    "hidden/test_idempotency_races.py::test_concurrent_use_of_one_key_by_several_accounts": 136])
        // Another task version, or another venv, has its own entry.
        #expect(ReferenceDurations(directory: directory, context: "python 3.11.7").durations(of: task, digest: "d2", runner: broken).isEmpty)
        #expect(ReferenceDurations(directory: directory, context: "python 3.12.1").durations(of: task, digest: "d1", runner: broken).isEmpty)
        for damaged in [["7 hidden/test_x.py::test_y"], ["-1\thidden/test_x.py::test_y"], ["7\ttest_y"], []] {
            CacheEntry.write(damaged, to: directory, key: key, magic: ReferenceDurations.magic)
            #expect(ReferenceDurations(directory: directory, context: "python 3.11.7").durations(of: task, digest: "d1", runner: broken).isEmpty,
                    "\(damaged)")
        }
    }

    @Test func pytestSectionsAreCutAndTheRestKept() {
        let text = "[metadata]\nname = shop\n\n[tool:pytest]\naddopts = -p evil\n\n[flake8]\nmax-line-length = 100\n"
        let (kept, cut) = Neutralizer.withoutSections(text, headers: ["[tool:pytest]"])
        #expect(kept == "[metadata]\nname = shop\n\n[flake8]\nmax-line-length = 100\n")
        #expect(cut == 3)
    }

    @Test func lineDiffCountsAddedAndRemovedLines() {
        let old = LineDiff.lines("a\nb\nc\nd\n"), new = LineDiff.lines("a\nc\nd\ne\nf\n")
        #expect(LineDiff.count(from: old, to: new) == (added: 2, removed: 1))
        #expect(LineDiff.count(from: [], to: LineDiff.lines("x\n")) == (added: 1, removed: 0))
        // A CRLF file counts its lines too ("\r\n" is one Character, so not a Character split).
        #expect(LineDiff.lines("a\r\nb\r\n").count == 2)
        #expect(LineDiff.count(from: LineDiff.lines("a\r\nb\r\n"), to: LineDiff.lines("a\r\nc\r\n")) == (added: 1, removed: 1))
    }
}
