/// The mutation driver: runs in the sandbox as `python -I -B mutation_driver.py SPEC.json`
/// and reports on the result channel (see ``MutationRunner`` and docs/judgment.md). The
/// parent never imports the code under test or the tests; each run is a forked child.
enum MutationDriver {
    static let source = #"""
"""Mutation testing for Probe: how many regressions does a candidate's test suite catch?

``python -I -B mutation_driver.py SPEC.json``, in Probe's sandbox. The spec (fields of ``Spec``)
names the tree (code under test and the candidate's tests), the ini for ``pytest -c``, the test
files, the files to mutate and whole-file replacements to run as planted mutants (``variants``).

Candidate code only runs in forked children, ``workers`` at a time, each with fds 1 and 2 on
/dev/null, no other inherited descriptor but its result pipe, a 1 GiB address space and a
process group of its own, SIGKILLed at its deadline. This process never imports the tree; it
parses and compiles it, and writes JSON lines with ``"t": $PROBE_RESULTS_TOKEN`` to
``$PROBE_RESULTS_FD`` (default stdout): ``baseline`` (the unmodified tree, with each test's
coverage of the modules), ``static`` (``no_assert``: tests that, with the helpers of their file
they call, have no ``assert``, ``assert*(...)`` or ``raises``/``warns``/``fail``), a ``mutant``
per variant, then per generated mutant, as each finishes, and ``done``.

Generated mutants change one ``ast`` node on a line some test executes in the baseline (the
first line of the enclosing statement) and run the tests covering that line, or all tests if
``select_by_coverage`` is false. Over ``max_mutants``, an evenly spaced subset runs. Operators:

* ``comparison``: ``<``/``<=``, ``>``/``>=``, ``==``/``!=``, ``is``/``is not`` and ``in``/``not in``
  swapped, each operator of a chained comparison separately;
* ``off-by-one``: an integer constant ``n`` (not a bool) to ``n + 1`` and ``n - 1``; a slice
  bound that is not an integer literal, ``i`` in ``a[i:j]``, to ``i + 1`` and ``i - 1``;
* ``negation``: the test of an ``if``, ``while``, conditional expression or ``assert`` to
  ``not (test)``, unless that equals another mutant (the test is a ``not``, ``True`` or
  ``False``, or a single ``==``, ``!=``, ``is``, ``is not``, ``in`` or ``not in`` comparison);
* ``and-or``: ``and``/``or`` swapped; ``true-false``: ``True``/``False`` swapped;
  ``drop-not``: ``not x`` to ``x``;
* ``return-none``: ``return <expr>`` (expr not the constant None) to ``return None``;
* ``remove-statement``: an expression statement (not a constant, such as a docstring), an
  assignment (plain, augmented, or annotated with a value) or a ``raise`` to ``pass``.
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.machinery
import json
import os
import resource
import select
import signal
import sys
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from types import CodeType, ModuleType
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    import coverage

Replacements = Mapping[str, CodeType | str]  # absolute path -> the code, or source, to run instead
Result = tuple[str, dict[str, Any], int]  # run status, the child's report, wall ms
Change = Callable[[Any], ast.AST]  # builds the replacement of a mutation's target node
CAUGHT = {"failed", "error", "xpassed"}
HARMLESS = {"passed", "skipped", "xfailed"}
ASSERTING_CALLS = {"raises", "warns", "fail", "deprecated_call"}
SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In,
}
NEGATING_SWAPS = (ast.Eq, ast.NotEq, ast.Is, ast.IsNot, ast.In, ast.NotIn)


@dataclass(frozen=True)
class Spec:
    root: str
    ini: str
    tests: list[str]
    modules: list[str] = field(default_factory=list)
    variants: list[dict[str, Any]] = field(default_factory=list)
    generate: bool = True
    max_mutants: int = 250
    workers: int = 2
    select_by_coverage: bool = True


@dataclass(frozen=True)
class Job:
    """One pytest run in a forked child."""

    files: list[str]  # what pytest is given
    tests: list[str] | None  # the node ids to run; None runs everything collected
    replacements: Replacements
    timeout: float
    measure: list[str] = field(default_factory=list)  # absolute paths to record each test's coverage of


@dataclass(frozen=True)
class Mutant:
    id: str
    kind: str
    file: str | None
    line: int | None
    operator: str | None
    description: str
    replacements: Replacements
    anchor: int | None = None  # the line whose covering tests it runs


class ReplacingImporter(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds modules as usual, but runs a replaced file's replacement instead of the file."""

    def __init__(self, replacements: Replacements) -> None:
        self._replacements = {os.path.realpath(path): code for path, code in replacements.items()}

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None or os.path.realpath(spec.origin) not in self._replacements:
            return None
        spec.loader = self  # keeps submodule_search_locations, so a replaced package stays a package
        return spec

    def exec_module(self, module: ModuleType) -> None:
        path = module.__file__ or ""
        code = self._replacements[os.path.realpath(path)]
        exec(compile(code, path, "exec", dont_inherit=True) if isinstance(code, str) else code, module.__dict__)


class Recorder:
    """Pytest plugin: runs only the selected tests, records their outcomes, switches coverage contexts."""

    def __init__(self, tests: list[str] | None, cov: coverage.Coverage | None) -> None:
        self.selected, self.cov = None if tests is None else set(tests), cov
        self.outcomes: dict[str, str] = {}
        self.messages: dict[str, str] = {}
        self.durations: dict[str, float] = defaultdict(float)

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        if self.selected is not None:
            items[:] = [item for item in items if item.nodeid in self.selected]

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """A file or class that fails to collect is an error for each selected test in it."""
        if report.failed:
            for test in [report.nodeid] if self.selected is None else self.selected:
                if test == report.nodeid or test.startswith(report.nodeid + "::"):
                    self.outcomes[test], self.messages[test] = "error", report.longreprtext[:500]

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        if self.cov is not None:
            self.cov.switch_context(nodeid)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.durations[report.nodeid] += report.duration
        xfail = hasattr(report, "wasxfail")
        if report.failed:
            self.outcomes[report.nodeid] = "failed" if report.when == "call" else "error"
            self.messages.setdefault(report.nodeid, report.longreprtext[:500])
        elif report.skipped:
            self.outcomes[report.nodeid] = "xfailed" if xfail else "skipped"
        elif report.when == "call":
            self.outcomes[report.nodeid] = "xpassed" if xfail else "passed"


def coverage_by_test(cov: coverage.Coverage, root: str) -> dict[str, dict[str, list[int]]]:
    """{node id: {path relative to ``root``: sorted line numbers}} from the tests' coverage contexts."""
    lines: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    data = cov.get_data()
    for path in data.measured_files():
        rel = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
        for line, contexts in data.contexts_by_lineno(path).items():
            for test in filter(None, contexts):  # "" is import and collection, before any test
                lines[test][rel].add(line)
    return {test: {rel: sorted(found) for rel, found in files.items()} for test, files in lines.items()}


def run_child(spec: Spec, job: Job, write_fd: int) -> NoReturn:
    """Runs ``job`` in this forked child and writes its report to ``write_fd``; never returns."""
    try:
        os.setpgid(0, 0)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.closerange(3, write_fd)
        os.closerange(write_fd + 1, os.sysconf("SC_OPEN_MAX"))
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        limit = 1 << 30 if hard == resource.RLIM_INFINITY else min(1 << 30, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        sys.path.insert(0, spec.root)
        if job.replacements:
            sys.meta_path.insert(0, ReplacingImporter(job.replacements))
        cov = None
        if job.measure:
            import coverage  # already loaded by main() before the fork

            cov = coverage.Coverage(data_file=None, include=job.measure, config_file=False)
        recorder = Recorder(job.tests, cov)
        if cov is not None:
            cov.start()
        pytest.main([*job.files, "-c", spec.ini, "--rootdir", spec.root, "-p", "no:cacheprovider", "--noconftest",
                     "--continue-on-collection-errors", "-q", "--tb=line"], plugins=[recorder])
        if cov is not None:
            cov.stop()
        report = {"outcomes": recorder.outcomes, "messages": recorder.messages,
                  "durations_ms": {test: round(seconds * 1000) for test, seconds in recorder.durations.items()},
                  "coverage": coverage_by_test(cov, spec.root) if cov is not None else {}}
        with open(write_fd, "wb") as pipe:
            pipe.write(json.dumps(report).encode())
    finally:
        os._exit(0)


@dataclass
class Child:
    index: int
    pid: int
    started: float
    deadline: float
    chunks: list[bytes] = field(default_factory=list)

    def finish(self, fd: int, timed_out: bool) -> Result:
        """Kills what is left of the child's process group and reaps the child."""
        with suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(fd)
        ms = round((time.monotonic() - self.started) * 1000)
        if timed_out:
            return "timeout", {}, ms
        try:
            report = json.loads(b"".join(self.chunks))
            valid = set(report["outcomes"].values()) <= CAUGHT | HARMLESS
        except (ValueError, LookupError, TypeError, AttributeError):  # nothing, or not what run_child writes
            valid = False
        return ("ok", report, ms) if valid else ("crashed", {}, ms)


def run_jobs(spec: Spec, jobs: Sequence[Job]) -> Iterator[tuple[int, Result]]:
    """Runs ``jobs`` in forked children, ``spec.workers`` at once; yields (index, result) as each ends."""
    queue = deque(enumerate(jobs))
    running: dict[int, Child] = {}  # by the read end of its result pipe
    try:
        while queue or running:
            while queue and len(running) < max(1, spec.workers):
                index, job = queue.popleft()
                if not job.files:
                    yield index, ("no-tests", {}, 0)
                    continue
                read_fd, write_fd = os.pipe()
                if (pid := os.fork()) == 0:
                    run_child(spec, job, write_fd)
                os.close(write_fd)
                running[read_fd] = Child(index, pid, time.monotonic(), time.monotonic() + job.timeout)
            if not running:
                continue
            wait = max(0.0, min(child.deadline for child in running.values()) - time.monotonic())
            for fd in select.select(list(running), [], [], wait)[0]:
                if chunk := os.read(fd, 1 << 16):
                    running[fd].chunks.append(chunk)
                else:
                    yield running[fd].index, running.pop(fd).finish(fd, timed_out=False)
            for fd in [fd for fd, child in running.items() if child.deadline <= time.monotonic()]:
                yield running[fd].index, running.pop(fd).finish(fd, timed_out=True)
    finally:
        for fd, child in running.items():
            child.finish(fd, timed_out=True)


def changes(node: ast.AST) -> Iterator[tuple[ast.expr | ast.stmt, str, Change]]:
    """The documented mutations at ``node``: (target node, operator, builder of the target's replacement)."""
    def swap(i: int) -> Change:
        return lambda n: ast.Compare(n.left, [*n.ops[:i], SWAPS[type(n.ops[i])](), *n.ops[i + 1:]], n.comparators)

    def int_literal(bound: ast.expr) -> bool:
        value = bound.operand if isinstance(bound, ast.UnaryOp) and isinstance(bound.op, ast.USub) else bound
        return isinstance(value, ast.Constant) and type(value.value) is int

    def negation_is_another_mutant(test: ast.expr) -> bool:  # drop-not, true-false or comparison
        match test:
            case ast.UnaryOp(op=ast.Not()) | ast.Constant(value=bool()):
                return True
            case ast.Compare(ops=[op]):
                return isinstance(op, NEGATING_SWAPS)
        return False

    match node:
        case ast.Compare():
            yield from ((node, "comparison", swap(i)) for i in range(len(node.ops)))
        case ast.Constant(value=bool()):
            yield node, "true-false", lambda n: ast.Constant(not n.value)
        case ast.Constant(value=int()):
            yield from ((node, "off-by-one", lambda n, d=delta: ast.Constant(n.value + d)) for delta in (1, -1))
        case ast.Slice():
            for bound in (node.lower, node.upper):
                if bound is not None and not int_literal(bound):
                    yield from ((bound, "off-by-one", lambda n, op=op: ast.BinOp(n, op, ast.Constant(1)))
                               for op in (ast.Add(), ast.Sub()))
        case ast.If() | ast.While() | ast.IfExp() | ast.Assert() if not negation_is_another_mutant(node.test):
            yield node.test, "negation", lambda n: ast.UnaryOp(ast.Not(), n)
        case ast.BoolOp():
            yield node, "and-or", lambda n: ast.BoolOp(ast.Or() if isinstance(n.op, ast.And) else ast.And(), n.values)
        case ast.UnaryOp(op=ast.Not()):
            yield node, "drop-not", lambda n: n.operand
        case ast.Return(value=ast.expr() as value) if not (isinstance(value, ast.Constant) and value.value is None):
            yield node, "return-none", lambda n: ast.Return(ast.Constant(None))
        case ast.Expr(value=value) if not isinstance(value, ast.Constant):
            yield node, "remove-statement", lambda n: ast.Pass()
        case ast.Assign() | ast.AugAssign() | ast.AnnAssign(value=ast.expr()) | ast.Raise():
            yield node, "remove-statement", lambda n: ast.Pass()


def nodes_with_statement_lines(tree: ast.AST) -> list[tuple[ast.AST, int]]:
    """Every node of ``tree``, in a fixed order, with the first line of the statement it belongs to."""
    found: list[tuple[ast.AST, int]] = []
    pending: list[tuple[ast.AST, int]] = [(tree, 0)]
    while pending:
        node, line = pending.pop()
        line = node.lineno if isinstance(node, ast.stmt) else line
        found.append((node, line))
        pending.extend((child, line) for child in ast.iter_child_nodes(node))
    return found


def generate(spec: Spec, covered: Mapping[str, Mapping[int, list[str]]]) -> tuple[list[Mutant], bool]:
    """Mutants of ``spec.modules`` on covered lines, at most ``spec.max_mutants``: (mutants, capped)."""
    sources: dict[str, str] = {}
    sites: list[tuple[str, int, int, str, int, int, int]] = []  # file, line, col, operator, node, choice, anchor
    for rel in spec.modules:
        with open(os.path.join(spec.root, rel), encoding="utf-8") as file:
            sources[rel] = file.read()
        for position, (node, anchor) in enumerate(nodes_with_statement_lines(ast.parse(sources[rel]))):
            if anchor in covered.get(rel, {}):
                sites.extend((rel, target.lineno, target.col_offset, operator, position, choice, anchor)
                             for choice, (target, operator, _) in enumerate(changes(node)))
    sites.sort()
    capped = len(sites) > spec.max_mutants
    if capped:
        sites = [sites[i * len(sites) // spec.max_mutants] for i in range(spec.max_mutants)]
    mutants: list[Mutant] = []
    seen: Counter[str] = Counter()
    for rel, line, col, operator, position, choice, anchor in sites:
        tree = ast.parse(sources[rel])  # a fresh tree for each mutant
        target, _, change = list(changes(nodes_with_statement_lines(tree)[position][0]))[choice]
        replacement = ast.copy_location(change(target), target)
        substitute(tree, target, replacement)
        path = os.path.join(spec.root, rel)
        try:
            code = compile(ast.fix_missing_locations(tree), path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            continue
        name = f"gen:{rel}:{line}:{col}:{operator}"
        seen[name] += 1
        description = f"line {line}: `{clip(ast.unparse(target))}` → `{clip(ast.unparse(replacement))}`"
        mutants.append(Mutant(name if seen[name] == 1 else f"{name}:{seen[name]}", "generated", rel, line,
                              operator, description, {path: code}, anchor))
    return mutants, capped


def substitute(tree: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
            elif isinstance(value, list):
                value[:] = [new if item is old else item for item in value]


def clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def asserts(function: ast.AST, helpers: Mapping[str, ast.AST], seen: set[str]) -> bool:
    """Whether ``function``, or a helper it calls (by name, transitively), asserts anything."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name.startswith("assert") or name in ASSERTING_CALLS:
                return True
            if isinstance(func, ast.Name) and name in helpers and name not in seen:
                seen.add(name)
                if asserts(helpers[name], helpers, seen):
                    return True
    return False


def unasserted(spec: Spec, tests: Sequence[str]) -> list[str]:
    """The node ids among ``tests`` whose test function asserts nothing, found by parsing the test files."""
    found: dict[tuple[str, str], bool] = {}  # (file, "Class::test" or "test") -> asserts
    for rel in spec.tests:
        try:
            with open(os.path.join(spec.root, rel), encoding="utf-8") as file:
                tree = ast.parse(file.read())
        except (OSError, SyntaxError, ValueError):
            continue
        helpers = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
        pending: list[tuple[list[ast.stmt], str]] = [(tree.body, "")]
        while pending:
            body, prefix = pending.pop()
            for node in body:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    found[rel, prefix + node.name] = asserts(node, helpers, {node.name})
                elif isinstance(node, ast.ClassDef):
                    pending.append((node.body, f"{prefix}{node.name}::"))
    return [test for test in tests
            if found.get((test.partition("::")[0], test.partition("::")[2].split("[", 1)[0])) is False]


def verdict(status: str, tests: Sequence[str], outcomes: Mapping[str, str]) -> str:
    """killed or survived; a run that did not finish keeps its own status (timeout, crashed, no-tests)."""
    if status != "ok":
        return status
    if CAUGHT & set(outcomes.values()):
        return "killed"
    return "survived" if all(outcomes.get(test) in HARMLESS for test in tests) else "crashed"


def hide_from_children() -> None:
    """Makes this process non-dumpable, so the candidate code it forks (same uid) cannot read
    its /proc files: the environment it started with holds the results token, and
    /proc/PID/fd would reopen the results descriptor. Fails closed."""
    import ctypes

    pr_set_dumpable = 4
    if ctypes.CDLL(None, use_errno=True).prctl(pr_set_dumpable, 0, 0, 0, 0) != 0:
        sys.exit(f"mutation driver: prctl(PR_SET_DUMPABLE, 0) failed: {os.strerror(ctypes.get_errno())}")


def main(spec_path: str) -> None:
    started = time.monotonic()
    with open(spec_path, encoding="utf-8") as file:
        spec = Spec(**json.load(file))
    os.chdir(spec.root)
    token = os.environ.pop("PROBE_RESULTS_TOKEN", "")
    results_fd = int(os.environ.pop("PROBE_RESULTS_FD", "1"))
    hide_from_children()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))  # so the children get reaped

    def emit(event: str, **fields: Any) -> None:
        data = (json.dumps({"t": token, "event": event, **fields}) + "\n").encode()
        while data:
            data = data[os.write(results_fd, data):]

    measure = [os.path.join(spec.root, rel) for rel in spec.modules]
    if measure:
        import coverage  # noqa: F401  (once here, so the forked children share it)

    _, (status, baseline, ms) = next(run_jobs(spec, [Job(list(spec.tests), None, {}, 60.0, measure)]))
    outcomes: dict[str, str] = baseline.get("outcomes", {})
    durations: dict[str, int] = baseline.get("durations_ms", {})
    per_test: dict[str, dict[str, list[int]]] = baseline.get("coverage", {})
    emit("baseline", status=status, outcomes=outcomes, messages=baseline.get("messages", {}),
         durations_ms=durations, coverage=per_test, ms=ms)
    emit("static", no_assert=unasserted(spec, list(outcomes)))

    covered: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for test in outcomes:
        for rel, lines in per_test.get(test, {}).items():
            for line in lines:
                covered[rel][line].append(test)
    mutants = [Mutant(variant["id"], "planted", None, None, None, "replaces " + ", ".join(variant["files"]),
                      {os.path.join(spec.root, rel): source for rel, source in variant["files"].items()})
               for variant in spec.variants]
    generated, capped = generate(spec, covered) if spec.generate else ([], False)
    mutants += generated

    jobs: list[Job] = []
    for mutant in mutants:
        tests = list(outcomes)
        if spec.select_by_coverage and mutant.file is not None and mutant.anchor is not None:
            tests = covered[mutant.file][mutant.anchor]
        timeout = max(2.0, 10 * sum(durations.get(test, 0) for test in tests) / 1000 + 1)
        jobs.append(Job(sorted({test.split("::", 1)[0] for test in tests}), tests, mutant.replacements, timeout))

    finished: dict[int, Result] = {}
    emitted = 0
    for index, result in run_jobs(spec, jobs):
        finished[index] = result
        while emitted in finished:  # in order, each as soon as those before it are out
            status, report, ms = finished.pop(emitted)
            mutant, tests, ran = mutants[emitted], jobs[emitted].tests or [], report.get("outcomes", {})
            emit("mutant", id=mutant.id, kind=mutant.kind, file=mutant.file, line=mutant.line,
                 operator=mutant.operator, description=mutant.description, tests=tests, outcomes=ran,
                 status=verdict(status, tests, ran), ms=ms)
            emitted += 1
    emit("done", generated=len(generated), capped=capped, ms=round((time.monotonic() - started) * 1000))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -I -B mutation_driver.py SPEC.json")
    main(sys.argv[1])
"""#
}
