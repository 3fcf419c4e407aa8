import Foundation
import Sandbox
import TaskBank

/// Plain assertions of the hidden tests whose expected values never enter the sandbox.
///
/// The tested code runs in the same process as pytest, so it can rewrite any report a test
/// makes (see ``CanaryTests``). What it cannot do is say what a correct answer is without
/// knowing it. Before a run, every top-level `assert <expr> <op> <literal>` of a hidden test
/// function (`==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `not in`, `is`/`is not` None, True or
/// False) becomes `__probe_check__(<id>, (<expr>))` in the grader's copy: the test sends the
/// value it computed to Probe over the result channel, Probe compares it with the literal it
/// kept, and answers pass or fail; on fail the check raises AssertionError as the assertion
/// would have. Line numbers stay the same.
///
/// A test reported as passed is then held to its checks (``CheckResponder``): each must have
/// been asked, once, while that test ran, and must have passed. A test whose function
/// returns or yields is left as it is, since it may end before its last assertion.
enum CheckedAssertions {
    /// Turns a Python value into the JSON ``PythonValue`` reads. It looks at `type()`, which
    /// the tested code cannot fake, and calls the base types' own methods, so a subclass's
    /// overrides (an `__eq__` that always agrees, a lying `__repr__`) play no part.
    static let canonicalSource = #"""
    def _canonical(value: object, _budget: list[int] | None = None) -> object:
        budget = [100_000] if _budget is None else _budget
        budget[0] -= 1
        if budget[0] < 0:
            return {"o": "value too large to check"}
        kind = type(value)
        if value is None or kind is bool:
            return value
        try:
            if issubclass(kind, int):
                return {"i": int.__repr__(value)}
            if issubclass(kind, float):
                return {"f": float.__repr__(value)}
            if issubclass(kind, str):
                text = str.__str__(value)
                text.encode("utf-8")  # a lone surrogate cannot cross the channel intact
                return text if len(text) <= 1 << 20 else {"o": "str too long to check"}
            if issubclass(kind, (bytes, bytearray)):
                data = bytes(memoryview(value))
                return {"b": data.hex()} if len(data) <= 1 << 20 else {"o": "bytes too long to check"}
            decimal = getattr(__import__("sys").modules.get("decimal"), "Decimal", None)
            if decimal is not None and issubclass(kind, decimal):
                return {"d": decimal.__str__(value)}
            if issubclass(kind, list):
                return {"l": [_canonical(item, budget) for item in list.__iter__(value)]}
            if issubclass(kind, tuple):
                return {"t": [_canonical(item, budget) for item in tuple.__iter__(value)]}
            if issubclass(kind, (set, frozenset)):
                items = set.__iter__(value) if issubclass(kind, set) else frozenset.__iter__(value)
                return {"s": [_canonical(item, budget) for item in items]}
            if issubclass(kind, dict):
                return {"m": [[_canonical(k, budget), _canonical(v, budget)] for k, v in dict.items(value)]}
            if kind is type({}.keys()) or kind is type({}.items()):  # compare as sets
                return {"s": [_canonical(item, budget) for item in value]}
        except Exception:  # a value whose base methods fail cannot be vouched for
            pass
        return {"o": kind.__qualname__}
    """#

    /// The rewriter: `python -I -B rewrite.py HIDDEN_DIR` prints
    /// `{"modules": {path: text}, "checks": [Check…], "skipped": [path: error]}`.
    static let rewriterSource = #"""
    """Moves the expected values of the hidden tests' plain assertions out of the sandbox. Written by Probe."""
    from __future__ import annotations

    import ast
    import io
    import json
    import os
    import sys
    import tokenize

    \#(canonicalSource)

    OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
           ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}
    NO = object()
    IMPORT = "\n\nfrom probe_results import check as __probe_check__\n"


    def literal(node: ast.expr) -> object:
        try:
            value = ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return NO
        canonical = _canonical(value)
        return NO if opaque(canonical) else canonical


    def opaque(canonical: object) -> bool:
        if isinstance(canonical, dict):
            return "o" in canonical or any(opaque(item) for item in canonical.values())
        return isinstance(canonical, list) and any(opaque(item) for item in canonical)


    def tests(tree: ast.Module):
        """Test functions and methods whose node ids are theirs alone: a class with bases, or one
        another class of the module derives from, shares its methods under other names."""
        once = defined_once(tree.body)
        bases = {base.id for node in tree.body if isinstance(node, ast.ClassDef) for base in node.bases if isinstance(base, ast.Name)}
        for node in tree.body:
            if getattr(node, "name", None) not in once:
                continue
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                yield node.name, node
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test") and not node.bases and node.name not in bases:
                methods = defined_once(node.body)
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test") and item.name in methods:
                        yield f"{node.name}::{item.name}", item


    def plain_marks(function: ast.AST) -> bool:
        """Only pytest marks: another decorator may run the body twice (hypothesis, retries)."""
        for decorator in function.decorator_list:
            node = decorator.func if isinstance(decorator, ast.Call) else decorator
            names = []
            while isinstance(node, ast.Attribute):
                names.append(node.attr)
                node = node.value
            if not isinstance(node, ast.Name):
                return False
            dotted = ".".join([node.id, *reversed(names)])
            if not (dotted.startswith("pytest.mark.") or dotted.startswith("mark.")):
                return False
        return True


    def defined_once(body: list[ast.stmt]) -> set[str]:
        """Names bound once by a def or class in `body`: pytest runs only the last of several."""
        seen: dict[str, int] = {}
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                seen[node.name] = seen.get(node.name, 0) + 1
        return {name for name, count in seen.items() if count == 1}


    def may_end_early(function: ast.AST) -> bool:
        stack = list(ast.iter_child_nodes(function))
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)):
                return True
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                stack.extend(ast.iter_child_nodes(node))
        return False


    def segment(lines: list[bytes], node: ast.AST) -> str:
        """The node's source, as ast.get_source_segment gives it, from lines split once (that
        function splits the whole module again on every call)."""
        first, last = node.lineno - 1, node.end_lineno - 1
        if first == last:
            return lines[first][node.col_offset:node.end_col_offset].decode("utf-8")
        middle = lines[first + 1:last]
        return b"".join([lines[first][node.col_offset:], *middle, lines[last][:node.end_col_offset]]).decode("utf-8")


    def rewrite(path: str, rel: str, first_id: int) -> tuple[str | None, list[dict]]:
        with open(path, encoding="utf-8-sig") as file:
            source = file.read()
        tree = ast.parse(source, filename=path)
        lines = source.encode("utf-8").splitlines(keepends=True)
        edits, checks = [], []
        for name, function in tests(tree):
            if may_end_early(function) or not plain_marks(function):
                continue
            for statement in function.body:
                if not (isinstance(statement, ast.Assert) and isinstance(statement.test, ast.Compare)
                        and len(statement.test.ops) == 1 and type(statement.test.ops[0]) in OPS):
                    continue
                op = OPS[type(statement.test.ops[0])]
                left, right = statement.test.left, statement.test.comparators[0]
                expected_right, expected_left = literal(right), literal(left)
                if (expected_right is NO) == (expected_left is NO):
                    continue
                side, value_node, expected = ("left", left, expected_right) if expected_right is not NO else ("right", right, expected_left)
                if op in ("is", "is not") and expected not in (None, True, False):
                    continue
                check_id = first_id + len(checks)
                value_text = segment(lines, value_node)
                # The message goes too: it may spell the expected value out. The grader's report
                # shows the assertion as written.
                call = f"__probe_check__({check_id}, ({value_text})"
                span = statement.end_lineno - statement.lineno
                call += "\n" * (span - call.count("\n")) + ")"
                edits.append((statement.lineno - 1, statement.col_offset, statement.end_lineno - 1, statement.end_col_offset, call))
                checks.append({"id": check_id, "module": rel, "function": name, "line": statement.lineno,
                               "source": segment(lines, statement), "op": op, "side": side,
                               "expected": expected})
        if not edits:
            return None, []
        for start_line, start_col, end_line, end_col, text in sorted(edits, reverse=True):
            head, tail = lines[start_line][:start_col], lines[end_line][end_col:]
            lines[start_line:end_line + 1] = [head + text.encode("utf-8") + tail]
        rewritten = without_comments(b"".join(lines).decode("utf-8")) + IMPORT
        compile(rewritten, path, "exec", dont_inherit=True)  # else the module stays as it was
        return rewritten, checks


    def without_comments(source: str) -> str:
        """The module with its comments cut (a comment may spell an expected value out); every
        line stays where it was."""
        lines = io.StringIO(source).readlines()  # the rows tokenize counts
        cuts = [token.start for token in tokenize.generate_tokens(io.StringIO(source).readline) if token.type == tokenize.COMMENT]
        for row, column in reversed(cuts):
            line = lines[row - 1]
            ending = line[len(line.rstrip("\r\n")):]
            lines[row - 1] = line[:column].rstrip() + ending
        return "".join(lines)


    def main(root: str) -> None:
        modules, checks, skipped = {}, [], {}
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                if not (name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))):
                    continue
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, root)
                try:
                    text, found = rewrite(path, rel, len(checks) + 1)
                except (SyntaxError, UnicodeDecodeError, ValueError, tokenize.TokenError) as error:
                    skipped[rel] = f"{type(error).__name__}: {error}"
                    continue
                if text is not None:
                    modules[rel] = text
                    checks += found
        json.dump({"modules": modules, "checks": checks, "skipped": skipped}, sys.stdout)


    if __name__ == "__main__":
        main(sys.argv[1])
    """#

    /// One rewritten assertion.
    struct Check: Decodable, Sendable {
        var id: Int
        /// The test module, relative to the hidden suite's folder.
        var module: String
        /// `test_x` or `TestClass::test_x`.
        var function: String
        var line: Int
        /// The assertion as written, expected value included: for the grader's messages only.
        var source: String
        var op: String
        /// Where the computed value stands: `left` in `assert value == 3`, `right` in `assert 3 in value`.
        var side: String
        var expected: PythonValue

        /// Whether `value` passes: nil when the comparison cannot be made on what came back.
        func passes(_ value: PythonValue) -> Bool? {
            side == "left" ? PythonValue.evaluate(value, op, expected) : PythonValue.evaluate(expected, op, value)
        }
    }

    /// A hidden suite with its assertions rewritten.
    struct Suite: Decodable, Sendable {
        /// Module path (relative to the suite folder) → its rewritten text.
        var modules: [String: String]
        var checks: [Check]
        /// Modules left as they are because they do not parse; pytest reports them.
        var skipped: [String: String]

        /// The checks of each test function, by `module::function`.
        func byFunction() -> [String: [Check]] {
            Dictionary(grouping: checks) { $0.module + "::" + $0.function }
        }
    }
}

/// The rewritten hidden suites, made once per suite folder and process, and kept on disk
/// between runs of `probe grade`.
///
/// The rewrite is a Python process in the sandbox (60–110 ms on this machine's tasks) that
/// would otherwise come before every grade's tests. An entry on disk is found by a SHA-256
/// over everything the rewrite depends on: the suite folder's content, the rewriter's source,
/// Probe's version and the grading venv (its interpreter and `pyvenv.cfg`), so a changed test,
/// rewriter or CPython misses. It holds the rewriter's own output, read through the same
/// decoder as a fresh one. The folder is private (``PrivateCacheFile``): the entries hold the
/// expected values that the sandbox never sees.
final class CheckedSuites: Sendable {
    private let cache = PerTaskCache<CheckedAssertions.Suite>()
    /// Where entries are kept; nil keeps them in memory only.
    let directory: String?

    static let magic = "probe-checked-suite 1"
    /// The largest entry read back; the rewriter's output limit.
    static let entryLimit = 64 << 20

    init(directory: String? = PrivateCacheFile.standardDirectory("checked")) {
        self.directory = directory
    }

    /// The rewrite of the suite in `folder`, made by the rewriter in the sandbox: the tests
    /// are the task's, but nothing of Probe's runs Python outside it.
    func suite(in folder: String, runner: PytestRunner) throws -> CheckedAssertions.Suite {
        try cache.value(for: folder) { try stored(folder, runner: runner) }
    }

    /// The entry on disk for `folder`, or a fresh rewrite, then kept.
    private func stored(_ folder: String, runner: PytestRunner) throws -> CheckedAssertions.Suite {
        let entry = try directory.map { _ in try key(for: folder, python: runner.python) }
        if let directory, let entry, let lines = CacheEntry.read(directory, key: entry, magic: Self.magic, limit: Self.entryLimit),
           let suite = try? Self.decode(Data(lines.joined(separator: "\n").utf8), folder: folder) {
            return suite
        }
        let output = try rewrite(folder, runner: runner)
        let suite = try Self.decode(Data(output.utf8), folder: folder)
        // The rewriter prints one line of JSON: its strings escape their newlines.
        if let directory, let entry { CacheEntry.write([output], to: directory, key: entry, magic: Self.magic) }
        return suite
    }

    /// The entry name for the suite in `folder`, rewritten by `python`.
    func key(for folder: String, python: String) throws -> String {
        let venv = ((python as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        let interpreter = (python as NSString).resolvingSymlinksInPath
        return CacheEntry.key([Self.magic, try FileTree.digest(of: folder),
                               ContentDigest.sha256(Array(CheckedAssertions.rewriterSource.utf8)), python, interpreter,
                               (try? String(contentsOfFile: venv + "/pyvenv.cfg", encoding: .utf8)) ?? ""])
    }

    /// Runs the rewriter on `folder` in the sandbox and returns what it printed.
    private func rewrite(_ folder: String, runner: PytestRunner) throws -> String {
        let scratch = try FileTree.makeTemporaryDirectory(prefix: "rewrite", in: runner.workRoot)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let script = scratch + "/rewrite_assertions.py"
        guard FileManager.default.createFile(atPath: script, contents: Data(CheckedAssertions.rewriterSource.utf8)) else {
            throw GradingError(.io, "\(script): cannot write the assertion rewriter")
        }
        _ = chmod(scratch, 0o755)
        _ = chmod(script, 0o644)
        var c = SandboxConfiguration()
        c.readOnlyPaths = [scratch, folder]
        c.cpuTimeSeconds = 30
        c.wallTimeSeconds = 60
        c.memoryMiB = 512
        c.outputLimitKiB = UInt64(Self.entryLimit >> 10)
        c.environment = ["LANG=C.UTF-8"]
        c.command = [runner.python, "-I", "-B", script, folder]
        let verdict: Verdict
        do { verdict = try runner.sandbox.run(c) } catch let error as SandboxError {
            throw GradingError(.io, "\(folder): the assertion rewriter could not run: \(error.message)")
        }
        guard verdict.status == .ok else {
            throw GradingError(.io, "\(folder): the assertion rewriter failed (\(verdict.reason)): \(verdict.stderr.suffix(2000))")
        }
        return verdict.stdout
    }

    private static func decode(_ output: Data, folder: String) throws -> CheckedAssertions.Suite {
        do {
            return try JSONDecoder().decode(CheckedAssertions.Suite.self, from: output)
        } catch {
            throw GradingError(.io, "\(folder): the assertion rewriter's output is not what Probe expects: \(error)")
        }
    }
}
