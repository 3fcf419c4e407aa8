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

    /// Runs every test. When a test hangs until the run's time limit, it is `timeout`, and the
    /// tests that had not finished run again in a fresh sandbox and tree, so one hung test
    /// never takes the others with it.
    public func run(_ task: TaskDefinition, variant: TaskVariant) throws -> SuiteRun {
        let suites = TestID.Suite.allCases.filter { FileManager.default.fileExists(atPath: task.suite($0)) }.map(\.rawValue)
        var run = try attempt(task, variant, paths: suites)
        while run.hungTest != nil, run.resumes < maximumResumes {
            let remaining = run.unfinished
            if remaining.isEmpty { break }
            run.absorb(try attempt(task, variant, paths: remaining))
        }
        return run
    }

    /// One sandboxed pytest run of `paths` (suite folders or node ids, relative to the grader folder).
    private func attempt(_ task: TaskDefinition, _ variant: TaskVariant, paths: [String]) throws -> SuiteRun {
        let workspace = try PytestWorkspace.make(in: workRoot, task: task, variant: variant)
        defer { workspace.remove() }
        let verdict: Verdict
        do {
            verdict = try sandbox.run(configuration(for: task, workspace: workspace, paths: paths))
        } catch let error as SandboxError {
            verdict = Verdict.setupFailure(stage: error.kind.description, message: error.message)
        }
        return SuiteRun(variant: variant, verdict: verdict, stream: ResultStream(verdict.channel), expected: task.manifest.tests.all)
    }

    func configuration(for task: TaskDefinition, workspace: PytestWorkspace, paths: [String]) -> SandboxConfiguration {
        let manifest = task.manifest
        var c = SandboxConfiguration()
        c.profile = manifest.sandbox.profile
        c.network = manifest.sandbox.network == .loopback ? .loopback : .none
        c.cpuTimeSeconds = manifest.limits.cpu.seconds
        c.wallTimeSeconds = manifest.limits.wall.seconds
        c.memoryMiB = manifest.limits.memory.mebibytes
        // Results travel on the channel; the terminal output only helps a human debug a task.
        c.outputLimitKiB = 8192
        c.workdir = workspace.submission
        c.readOnlyPaths = [workspace.grader]
        c.resultChannel = true
        c.environment = [
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD=1", "PROBE_RESULTS_FD=\(SandboxConfiguration.channelDescriptor)", "HOME=/tmp", "USER=probe",
            "LANG=C.UTF-8", "PATH=/usr/local/bin:/usr/bin:/bin",
        ]
        c.command = [python] + workspace.arguments(paths: paths)
        return c
    }
}
