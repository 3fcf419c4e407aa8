import Foundation
import Sandbox
import TaskBank

/// Runs a candidate's own tests against a tree and against altered versions of it, in one
/// sandboxed run of ``MutationDriver``: once on the tree itself (with per-test coverage), once
/// per whole-file variant (planted bugs, the original code), and once per generated mutant of
/// the chosen modules, each in a forked child that only runs the tests reaching the mutated
/// line. It runs in a ``PytestWorkspace``: the tree is the work dir, the driver and its spec
/// sit in the read-only grader folder beside it.
public struct MutationRunner: Sendable {
    public var sandbox: SandboxRunner
    public var python: String
    public var workRoot: String
    /// Forked children at once; the machine's cores by default.
    public var workers = 2
    public var maximumMutants = 250
    /// Run each generated mutant against only the tests that reach its line (false: every
    /// test, the baseline `scripts/bench-mutation` compares with).
    public var selectByCoverage = true

    public init(sandbox: SandboxRunner, python: String, workRoot: String) {
        self.sandbox = sandbox
        self.python = python
        self.workRoot = workRoot
    }

    /// Whole files that replace the tree's, run against every test.
    public struct Variant: Codable, Sendable {
        public var id: String
        public var files: [String: String]

        public init(id: String, files: [String: String]) {
            self.id = id
            self.files = files
        }
    }

    public struct Request: Sendable {
        /// The folder to copy as the tree under test.
        public var tree: String
        /// The candidate's test files, relative to the tree.
        public var tests: [String]
        public var modules: [String] = []
        public var variants: [Variant] = []
        public var generate = false
        public var settings: RunSettings

        public init(tree: String, tests: [String], settings: RunSettings) {
            self.tree = tree
            self.tests = tests
            self.settings = settings
        }
    }

    private struct Spec: Encodable {
        var root: String
        var ini: String
        var tests: [String]
        var modules: [String]
        var variants: [Variant]
        var generate: Bool
        var maxMutants: Int
        var workers: Int
        var selectByCoverage: Bool

        enum CodingKeys: String, CodingKey {
            case root, ini, tests, modules, variants, generate, workers
            case maxMutants = "max_mutants"
            case selectByCoverage = "select_by_coverage"
        }
    }

    public func run(_ request: Request) throws -> MutationOutcome {
        let workspace = try PytestWorkspace.empty(in: workRoot, prefix: "mutation")
        defer { workspace.remove() }
        let tree = workspace.submission, grader = workspace.grader
        try FileTree.overlay(request.tree, onto: tree)
        let spec = Spec(root: tree, ini: grader + "/probe.ini", tests: request.tests, modules: request.modules,
                        variants: request.variants, generate: request.generate, maxMutants: maximumMutants,
                        workers: workers, selectByCoverage: selectByCoverage)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try workspace.write(String(decoding: try encoder.encode(spec), as: UTF8.self), to: grader + "/spec.json")
        try workspace.write("[pytest]\npython_files = test_*.py *_test.py\n", to: spec.ini)
        try workspace.write(MutationDriver.source, to: grader + "/mutation_driver.py")
        try workspace.openGraderForReading()

        let token = ResultStream.newToken()
        var c = PytestRunner.sandboxConfiguration(request.settings, workdir: tree, grader: grader, token: token)
        // Every mutant is a pytest run of its own: allow many times one suite's budget.
        c.cpuTimeSeconds = max(request.settings.cpuSeconds * 8, 240)
        c.wallTimeSeconds = max(request.settings.wallSeconds * 4, 240)
        c.memoryMiB = request.settings.memoryMiB + 256
        c.outputLimitKiB = 1024
        c.channelLimitKiB = 32768
        // No -B: the first run writes the bytecode (and pytest's rewritten test modules) into
        // this private copy of the tree, and every mutant's forked run reads it instead of
        // compiling again, about a sixth of a regression-tests judgment. A mutated module is
        // never read from bytecode: the driver's importer runs its replacement.
        c.command = [python, "-I", grader + "/mutation_driver.py", grader + "/spec.json"]
        let verdict: Verdict
        do {
            verdict = try sandbox.run(c)
        } catch let error as SandboxError {
            verdict = Verdict.setupFailure(stage: error.kind.description, message: error.message)
        }
        return MutationOutcome(verdict: verdict, token: token)
    }
}
