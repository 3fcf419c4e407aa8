import Foundation
@testable import Grading
import ProbeTestSupport
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
        #expect(cloneLines.last != sourceLines.last)
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
    }
}
