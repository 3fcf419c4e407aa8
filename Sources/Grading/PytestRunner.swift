import Foundation
import Sandbox
import TaskBank

/// Runs a task's public and hidden tests against one tree, inside the sandbox, with Probe's
/// configuration and result plugin; see ``PytestWorkspace`` for the layout.
public struct PytestRunner: Sendable {
    public var sandbox: SandboxRunner
    /// The grading venv's interpreter.
    public var python: String
    /// Where run folders are created; each run removes its own.
    public var workRoot: String

    public init(sandbox: SandboxRunner, python: String, workRoot: String) {
        self.sandbox = sandbox
        self.python = python
        self.workRoot = workRoot
    }

    /// How many times a run is resumed after hung tests before the rest are left `not-run`.
    public var maximumResumes = 4
    /// The hidden suites with their plain assertions' expected values kept out of the sandbox.
    let checkedSuites = CheckedSuites()

    /// Runs every test of `task` against one of its variants.
    public func run(_ task: TaskDefinition, variant: TaskVariant) throws -> SuiteRun {
        try run(SuitePlan(task: task), tree: .variant(task, variant))
    }

    /// Runs every test of `plan` against `tree`. When a test hangs until the run's time limit,
    /// it is `timeout`, and the tests that had not finished run again in a fresh sandbox and
    /// tree, so one hung test never takes the others with it.
    public func run(_ plan: SuitePlan, tree: TreeSource, progress: (@Sendable (TestProgress) -> Void)? = nil) throws -> SuiteRun {
        let observer = progress.map { ProgressDecoder($0) }
        var run = try attempt(plan, tree, paths: plan.orderedSuites, expected: plan.expected, observer: observer)
        while run.hungTest != nil, run.resumes < maximumResumes {
            let remaining = run.unfinished
            if remaining.isEmpty { break }
            run.absorb(try attempt(plan, tree, paths: remaining, expected: remaining.compactMap(TestID.init),
                                   observer: progress.map { ProgressDecoder($0) }))
        }
        return run
    }

    /// One sandboxed pytest run of `paths` (suite folders or node ids, relative to the grader
    /// folder), in a fresh workspace whose canaries, if any, run too.
    private func attempt(_ plan: SuitePlan, _ tree: TreeSource, paths: [String], expected: [TestID],
                         observer: ProgressDecoder? = nil) throws -> SuiteRun {
        let hidden = TestID.Suite.hidden.rawValue
        let rewritten = try plan.suites[hidden].map { try checkedSuites.suite(in: $0, runner: self) }
        let (workspace, canaries) = try PytestWorkspace.make(in: workRoot, plan: plan, tree: tree, rewritten: rewritten)
        defer { workspace.remove() }
        observer?.expectCanaries(canaries)
        let before = try? FileTree.digest(of: workspace.grader)
        let token = ResultStream.newToken()
        let checks = rewritten.map { CheckResponder($0, suite: hidden, token: token, canaries: canaries) }
        let nodeIDs = paths.contains { $0.contains("::") }
        let verdict: Verdict
        do {
            var c = configuration(plan.settings, workspace: workspace, paths: paths + (nodeIDs ? canaries : []), token: token)
            if let observer { c.channelObserver = { bytes in observer.feed(bytes) } }
            if let checks { c.channelResponder = { bytes in checks.respond(bytes) } }
            verdict = try sandbox.run(c)
        } catch let error as SandboxError {
            verdict = Verdict.setupFailure(stage: error.kind.description, message: error.message)
        }
        let after = try? FileTree.digest(of: workspace.grader)
        return SuiteRun(label: tree.description, verdict: verdict, stream: ResultStream(verdict.channel, token: token),
                        expected: expected, canaries: canaries, graderChanged: before == nil || before != after, checks: checks)
    }

    func configuration(_ settings: RunSettings, workspace: PytestWorkspace, paths: [String], token: String) -> SandboxConfiguration {
        var c = Self.sandboxConfiguration(settings, workdir: workspace.submission, grader: workspace.grader, token: token)
        c.command = [python] + workspace.arguments(paths: paths)
        return c
    }

    /// A sandboxed pytest process of a task: its profile and limits, the tree under test as
    /// the work dir, the grader's folder read-only, and results on the channel with `token`.
    static func sandboxConfiguration(_ settings: RunSettings, workdir: String, grader: String, token: String) -> SandboxConfiguration {
        var c = SandboxConfiguration()
        c.profile = settings.profile
        c.network = settings.network == "loopback" ? .loopback : .none
        c.cpuTimeSeconds = settings.cpuSeconds
        c.wallTimeSeconds = settings.wallSeconds
        c.memoryMiB = settings.memoryMiB
        // Results travel on the channel; the terminal output only helps a human debug a task.
        c.outputLimitKiB = 8192
        c.workdir = workdir
        c.readOnlyPaths = [grader]
        c.resultChannel = true
        c.environment = [
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD=1", "PROBE_RESULTS_FD=\(SandboxConfiguration.channelDescriptor)", "PROBE_RESULTS_TOKEN=\(token)",
            "HOME=/tmp", "USER=probe",
            "LANG=C.UTF-8", "PATH=/usr/local/bin:/usr/bin:/bin",
        ]
        return c
    }
}
