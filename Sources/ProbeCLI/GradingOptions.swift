import ArgumentParser
import Foundation
import Grading
import Sandbox
import TaskBank

/// `--python`, shared by the commands that run candidate code, and the parts they build from it.
struct GradingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The grading venv's interpreter. Default: .venv/bin/python of the repository, or PROBE_PYTHON.", valueName: "PATH"))
    var python: String?

    /// The interpreter and what is installed beside it.
    func environment() throws -> PythonEnvironment {
        let python = try self.python ?? Locations.python()
        do { return try PythonEnvironment(python: python) } catch { throw ValidationError("--python: \(error)") }
    }

    func sandbox() throws -> SandboxRunner {
        SandboxRunner(launcherPath: try Locations.launcher(), sandboxesDirectory: try Locations.sandboxes())
    }

    /// A grader whose runs live under `workRoot`.
    func grader(workRoot: String) throws -> Grader {
        let environment = try environment()
        let sandbox = try sandbox()
        var tooling = ["probe": ProbeVersion.current, "python": environment.version]
        for tool in ["pytest", "ruff", "mypy", "pluggy", "coverage"] { tooling[tool] = environment.installed[tool] ?? "missing" }
        var name = utsname()
        uname(&name)
        tooling["kernel"] = withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return Grader(sandbox: sandbox, python: environment.python, workRoot: workRoot, tooling: tooling)
    }
}
