@testable import Grading
import Foundation
import ProbeTestSupport
import Sandbox
import Testing

/// Checked assertions: the rewriter keeps lines and moves every plain expected value out, and
/// Swift compares as Python does, case by case against the grading venv's own interpreter.
@Suite struct CheckedAssertionsTests {
    /// Runs the rewriter, as Probe writes it, over `modules` (path → text) with the venv's
    /// Python outside the sandbox: the input is this test's own.
    private func rewrite(_ modules: [String: String]) throws -> (CheckedAssertions.Suite, folder: URL) {
        let folder = try ProbeProcess.temporaryDirectory()
        for (path, text) in modules {
            let url = folder.appendingPathComponent("hidden/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let script = folder.appendingPathComponent("rewrite.py")
        try Data(CheckedAssertions.rewriterSource.utf8).write(to: script)
        let (code, out, err) = try ProbeProcess.execute([ProbeProcess.python, "-I", "-B", script.path, folder.appendingPathComponent("hidden").path])
        #expect(code == 0, "\(err)")
        return (try JSONDecoder().decode(CheckedAssertions.Suite.self, from: Data(out.utf8)), folder)
    }

    static let module = """
    import pytest

    from shop import api


    def test_status_and_body():
        reply = api.get("/orders/7")
        assert reply.status == 404, f"expected 404, got {reply.body}"
        assert "error" in reply.json()  # the body names the error
        assert reply.json()["error"] == {
            "code": "not_found",
            "retry": False,
        }
        assert reply.header("etag") is None


    def test_computed_expectation(cents):
        assert api.total(cents) == cents * 2


    def test_leaves_early():
        if api.ready():
            return
        assert api.total(1) == 2


    class TestNested:
        def test_method(self):
            assert 3 <= api.count()


    class TestBase:
        def test_inherited(self):
            assert api.count() == 5


    class TestDerived(TestBase):
        def test_other(self):
            assert api.count() == 7


    def helper():
        assert api.total(1) == 2


    @given(st.integers())
    def test_runs_many_times(n):
        assert api.total(0) == 11


    def test_twice():
        assert api.total(2) == 13


    def test_twice():
        assert api.total(2) == 17

    """

    @Test func plainAssertionsLeaveTheSandboxAndLinesStay() throws {
        let (suite, folder) = try rewrite(["test_api.py": Self.module])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(suite.skipped.isEmpty)
        let text = try #require(suite.modules["test_api.py"])
        // Every line keeps its number: tracebacks and the checks' lines still point at the test.
        let original = Self.module.split(separator: "\n", omittingEmptySubsequences: false)
        let rewritten = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rewritten.count == original.count + 3)
        for check in suite.checks { #expect(rewritten[check.line - 1].contains("__probe_check__(\(check.id), ")) }
        // The expected values are gone from the copy; the computed ones and the message stay.
        // Messages and comments go too: they may spell the expected value out.
        for gone in ["404", "not_found", "\"retry\": False", "is None", "\"error\" in", "3 <=", "names the error"] {
            #expect(!text.contains(gone), "\(gone)")
        }
        #expect(text.contains("== cents * 2"))
        // Left as written: a computed expectation, a test that may return early, a helper, a
        // class that is derived from, a derived class, a decorator that may run the body more
        // than once, and a name pytest sees only the last definition of.
        for kept in ["== 2\n", "== 5", "== 7", "== 11", "== 13", "== 17"] { #expect(text.contains(kept), "\(kept)") }
        #expect(text.hasSuffix("from probe_results import check as __probe_check__\n"))

        let byLine = Dictionary(uniqueKeysWithValues: suite.checks.map { ($0.line, $0) })
        #expect(suite.checks.map(\.line) == [8, 9, 10, 14, 29])
        #expect(byLine[8]?.expected == .int("404") && byLine[8]?.op == "==" && byLine[8]?.side == "left")
        #expect(byLine[9]?.expected == .str("error") && byLine[9]?.op == "in" && byLine[9]?.side == "right")
        #expect(byLine[10]?.expected == .dict([.init(key: .str("code"), value: .str("not_found")), .init(key: .str("retry"), value: .bool(false))]))
        #expect(byLine[14]?.expected == PythonValue.none && byLine[14]?.op == "is")
        #expect(byLine[29]?.function == "TestNested::test_method" && byLine[29]?.side == "right")
        // The rewritten module still compiles.
        let copy = folder.appendingPathComponent("rewritten.py")
        try Data(text.utf8).write(to: copy)
        let compiled = try ProbeProcess.execute([ProbeProcess.python, "-I", "-c", "import sys; compile(open(sys.argv[1]).read(), 'm', 'exec')", copy.path])
        #expect(compiled.0 == 0, "\(compiled.2)")
    }

    /// Every case is evaluated by Python itself and by ``PythonValue``; they must agree, and
    /// Python's TypeError must come out as nil (the check fails).
    @Test func comparisonsAgreeWithPython() throws {
        let cases = [
            ("1", "==", "1.0"), ("True", "==", "1"), ("True", "is", "True"), ("1", "is", "True"), ("None", "is", "None"),
            ("0", "is not", "None"), ("(1, 2)", "==", "[1, 2]"), ("(1, 2)", "==", "(1, 2.0)"), ("{1: 'a'}", "==", "{True: 'a'}"),
            ("'\\u00e9'", "==", "'e\\u0301'"), ("decimal.Decimal('5.00')", "==", "5"), ("decimal.Decimal('0.1')", "==", "0.1"),
            ("decimal.Decimal('0.5')", "==", "0.5"), ("2**53 + 1", "==", "float(2**53 + 1)"), ("10**30", "==", "1e30"),
            ("float('nan')", "==", "float('nan')"), ("float('inf')", ">", "10**400"), ("-0.0", "==", "0"),
            ("{1, 2}", "==", "frozenset({2, 1})"), ("{'a', 'b'}", ">=", "{'a'}"), ("{'a'}", "<", "{'a'}"), ("{'a'}", "<=", "{'a'}"),
            ("'abc'", "<", "'abd'"), ("'Z'", "<", "'a'"), ("b'ab'", "<", "b'b'"), ("[1, 2]", "<", "[1, 2, 0]"), ("(2,)", ">", "(1, 9)"),
            ("'b'", "in", "'abc'"), ("'x'", "in", "['x', 'y']"), ("3", "in", "{3.0: 'three'}"), ("97", "in", "b'abc'"),
            ("'a'", "in", "{'a': 1}"), ("'q'", "not in", "('a', 'b')"), ("'1'", "==", "1"), ("None", "==", "0"), ("[]", "==", "()"),
            ("'a'", "<", "1"), ("1", "in", "'abc'"), ("decimal.Decimal('1.5')", "<", "2"), ("-5", "<", "-4.5"),
            ("10**40 + 1", ">", "10**40"), ("collections.OrderedDict(a=1)", "==", "{'a': 1}"), ("bytearray(b'x')", "==", "b'x'"),
            ("enum.IntEnum('E', 'A B').B", "==", "2"), ("[{'k': (1, None)}]", "==", "[{'k': (1, None)}]"), ("{'k': [1]}", "==", "{'k': [2]}"),
            ("decimal.Decimal('sNaN')", "!=", "1"), ("decimal.Decimal('NaN')", "<", "1"), ("decimal.Decimal('NaN')", "==", "decimal.Decimal('NaN')"),
            ("float('nan')", "<", "1"), ("decimal.Decimal('-0')", "==", "0"), ("decimal.Decimal('1E+2')", "==", "100"),
            ("[1]", "not in", "{1, 2}"), ("{'a': []}", "in", "{1: 2}"), ("(1, [2])", "in", "[(1, [2])]"),
            ("{'a': 1}.keys()", "==", "{'a'}"), ("{'a': 1}.items()", "==", "{('a', 1)}"), ("{'a': 1}.keys()", "<=", "{'a', 'b'}"),
        ]
        let program = """
        import collections, decimal, enum, json, sys
        \(CheckedAssertions.canonicalSource)
        OPS = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b, ">": lambda a, b: a > b,
               "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b, "is": lambda a, b: a is b, "is not": lambda a, b: a is not b,
               "in": lambda a, b: a in b, "not in": lambda a, b: a not in b}
        for line in open(sys.argv[1]):
            left, op, right = json.loads(line)
            a, b = eval(left), eval(right)
            try:
                result = bool(OPS[op](a, b))
            except (TypeError, ArithmeticError):  # decimal.InvalidOperation is one
                result = None
            print(json.dumps([_canonical(a), _canonical(b), result]))
        """
        let input = cases.map { #"["\#($0.0.replacingOccurrences(of: "\\", with: "\\\\"))", "\#($0.1)", "\#($0.2.replacingOccurrences(of: "\\", with: "\\\\"))"]"# }
            .joined(separator: "\n") + "\n"
        let folder = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("cases.jsonl")
        try Data(input.utf8).write(to: file)
        let (code, out, err) = try ProbeProcess.execute([ProbeProcess.python, "-I", "-c", program, file.path])
        try #require(code == 0, "\(err)")
        let lines = out.split(separator: "\n")
        try #require(lines.count == cases.count)
        for (index, line) in lines.enumerated() {
            struct Row: Decodable {
                var left: PythonValue, right: PythonValue, python: Bool?
                init(from decoder: Decoder) throws {
                    var items = try decoder.unkeyedContainer()
                    left = try items.decode(PythonValue.self)
                    right = try items.decode(PythonValue.self)
                    python = try items.decodeNil() ? nil : try items.decode(Bool.self)
                }
            }
            let row = try JSONDecoder().decode(Row.self, from: Data(line.utf8))
            let swift = PythonValue.evaluate(row.left, cases[index].1, row.right)
            #expect(swift == row.python, "\(cases[index]): Python says \(row.python.map(String.init) ?? "TypeError"), Swift \(swift.map(String.init) ?? "nil")")
        }
    }

    /// What the tested code sends is untrusted: a set or dict that repeats an item (no real one
    /// does) must not pass as a bigger one, and a huge exponent must not trap the grader.
    @Test func forgedEncodingsNeitherPassNorTrap() throws {
        let two = PythonValue.int("2")
        let primes = PythonValue.set([two, .int("3"), .int("5"), .int("7")])
        #expect(PythonValue.evaluate(.set([two, two, two, two]), "==", primes) == false)
        let forged = PythonValue.dict([.init(key: .str("a"), value: two), .init(key: .str("a"), value: two)])
        let real = PythonValue.dict([.init(key: .str("a"), value: two), .init(key: .str("b"), value: .int("3"))])
        #expect(PythonValue.evaluate(forged, "==", real) == false)
        for huge in ["10e9223372036854775807", "1e-9223372036854775808", "9" + String(repeating: "0", count: 20) + "e999999999999999999"] {
            #expect(PythonValue.evaluate(.decimal(huge), "==", .int("1")) == nil, "\(huge)")
            #expect(PythonValue.evaluate(.decimal(huge), "<", .int("1")) == nil, "\(huge)")
        }
        #expect(PythonValue.evaluate(.decimal("1e999999999999999"), ">", .decimal("1e999999999999998")) == true)
    }

    /// A value whose type overrides equality or lies about itself is not a plain value: no
    /// check vouches for it, so an always-equal object cannot pass one.
    @Test func anObjectThatClaimsEqualityIsOpaque() throws {
        let program = """
        import json
        \(CheckedAssertions.canonicalSource)
        class Anything:
            def __eq__(self, other): return True
            __hash__ = None
            @property
            def __class__(self): return int
        class Loud(str):
            def __str__(self): return "forged"
        print(json.dumps([_canonical(Anything()), _canonical(Loud("real")), _canonical([Anything()])]))
        """
        let (code, out, err) = try ProbeProcess.execute([ProbeProcess.python, "-I", "-c", program])
        try #require(code == 0, "\(err)")
        let values = try JSONDecoder().decode([PythonValue].self, from: Data(out.utf8))
        #expect(values == [.opaque("Anything"), .str("real"), .list([.opaque("Anything")])])
        #expect(PythonValue.evaluate(values[0], "==", .int("201")) == nil)
    }

    /// A rewrite kept on disk serves a later process without running the rewriter again; a
    /// changed suite, or an entry that others could have written, is never used.
    @Test func aRewriteOnDiskServesOnlyTheSameSuite() throws {
        let folder = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let hidden = folder.appendingPathComponent("hidden")
        try FileManager.default.createDirectory(at: hidden, withIntermediateDirectories: true)
        let module = hidden.appendingPathComponent("test_shop.py")
        try Data(Self.module.utf8).write(to: module)
        let cache = folder.appendingPathComponent("cache").path
        let sandbox = SandboxRunner(launcherPath: ProbeProcess.binaries.appendingPathComponent("probe-launcher").path,
                                    sandboxesDirectory: ProbeProcess.repository.appendingPathComponent("Sandboxes").path)
        let first = try CheckedSuites(directory: cache)
            .suite(in: hidden.path, runner: PytestRunner(sandbox: sandbox, python: ProbeProcess.python, workRoot: folder.path))
        try #require(!first.checks.isEmpty)

        // A runner that cannot start a sandbox at all: only the entry on disk can answer it.
        let broken = PytestRunner(sandbox: SandboxRunner(launcherPath: "/nonexistent", sandboxesDirectory: "/nonexistent"),
                                  python: ProbeProcess.python, workRoot: folder.path)
        let second = try CheckedSuites(directory: cache).suite(in: hidden.path, runner: broken)
        #expect(second.modules == first.modules)
        #expect(second.checks.map(\.source) == first.checks.map(\.source))
        #expect(second.checks.map(\.expected) == first.checks.map(\.expected))

        let entry = cache + "/" + (try CheckedSuites(directory: cache).key(for: hidden.path, python: ProbeProcess.python))
        #expect(chmod(entry, 0o666) == 0)
        #expect(throws: GradingError.self) { try CheckedSuites(directory: cache).suite(in: hidden.path, runner: broken) }
        #expect(chmod(entry, 0o600) == 0)
        _ = try CheckedSuites(directory: cache).suite(in: hidden.path, runner: broken)

        try Data((Self.module + "\n\ndef test_added():\n    assert api.total([]) == 0\n").utf8).write(to: module)
        #expect(throws: GradingError.self) { try CheckedSuites(directory: cache).suite(in: hidden.path, runner: broken) }
    }
}
