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

    public func run(_ task: TaskDefinition, variant: TaskVariant) throws -> SuiteRun {
        let workspace = try PytestWorkspace.make(in: workRoot, task: task, variant: variant)
        defer { workspace.remove() }
        let suites = TestID.Suite.allCases.map(\.rawValue).filter { FileManager.default.fileExists(atPath: workspace.grader + "/" + $0) }
        let verdict: Verdict
        do {
            verdict = try sandbox.run(configuration(for: task, workspace: workspace, paths: suites))
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
