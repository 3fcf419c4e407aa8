import Foundation
import LoadProbes
import TaskBank

/// `probe validate`: proves, for each task, that the reference passes every test three times,
/// the starter fails exactly its FAIL_TO_PASS tests, every planted bug fails each test meant
/// to catch it, and the candidate bundle leaks nothing. Runs go in parallel, one per core.
public struct TaskValidator: Sendable {
    public var runner: PytestRunner
    public var environment: PythonEnvironment
    public var sandboxesDirectory: String
    public var jobs: Int
    public var referenceRuns = 3
    /// Run the load probes of tasks that have them (after the tests, one at a time).
    public var runProbes = true

    public init(runner: PytestRunner, environment: PythonEnvironment, sandboxesDirectory: String, jobs: Int) {
        self.runner = runner
        self.environment = environment
        self.sandboxesDirectory = sandboxesDirectory
        self.jobs = jobs
    }

    public func validate(_ catalog: TaskCatalog, progress: @escaping @Sendable (String) -> Void = { _ in }) -> ValidationReport {
        let began = DispatchTime.now().uptimeNanoseconds
        let tasks = catalog.tasks
        let schema = tasks.map(schemaCheck)
        var work: [(task: Int, variant: TaskVariant)] = []
        for (index, task) in tasks.enumerated() where schema[index].status == .passed {
            work += (0..<referenceRuns).map { _ in (index, .reference) }
            work.append((index, .starter))
            work += task.bugs.map { (index, .bug($0.name)) }
        }
        let runner = self.runner
        let jobs = work
        let runs = WorkerPool.run(jobs.count, width: self.jobs) { index -> Result<SuiteRun, GradingError> in
            let (task, variant) = jobs[index]
            let result = Result<SuiteRun, any Error> { try runner.run(tasks[task], variant: variant) }
                .mapError { $0 as? GradingError ?? GradingError(.io, "\($0)") }
            progress("\(tasks[task].id) \(variant): \(Self.describe(result))")
            return result
        }

        var validations: [(folder: String, validation: TaskValidation)] = []
        for (index, task) in tasks.enumerated() {
            let mine = work.indices.filter { work[$0].task == index }.map { (work[$0].variant, runs[$0]) }
            var validation = evaluate(task, schema: schema[index], runs: mine)
            if runProbes, schema[index].status == .passed, !task.manifest.probes.isEmpty {
                validation.checks += probeChecks(task, progress: progress)
            }
            validations.append((task.directory, validation))
        }
        for (folder, directory, problems) in catalog.invalid {
            let checks = [ValidationCheck.failed("schema", "the task does not load (\(problems.errors.count) problem\(problems.errors.count == 1 ? "" : "s"))",
                                                 problems.errors.map(\.description))]
                + (["manifest", "reference", "starter"] + Self.bugFolders(directory).map { "bug:\($0)" } + ["export"])
                    .map { ValidationCheck.skipped($0, "the task does not load") }
            validations.append((folder, TaskValidation(id: folder, checks: checks, runs: [])))
        }
        let ordered = validations.sorted { ($0.folder as NSString).lastPathComponent < ($1.folder as NSString).lastPathComponent }.map(\.validation)
        return ValidationReport(valid: ordered.allSatisfy(\.valid), tasks: ordered,
                                wallMS: (DispatchTime.now().uptimeNanoseconds - began) / 1_000_000)
    }

    private func evaluate(_ task: TaskDefinition, schema: ValidationCheck, runs: [(TaskVariant, Result<SuiteRun, GradingError>)]) -> TaskValidation {
        var checks = [schema]
        let summaries = runs.compactMap { try? $0.1.get() }.map { run in
            RunSummary(variant: run.label, status: run.verdict.status.rawValue, wallMS: run.wallMS,
                       outcomes: Dictionary(grouping: run.results.values, by: \.outcome.rawValue).mapValues(\.count))
        }
        if schema.status != .passed {
            checks += ["manifest", "reference", "starter"].map { ValidationCheck.skipped($0, "the schema check failed") }
            if task.answerKey != nil { checks.append(.skipped("key", "the schema check failed")) }
            checks += task.bugs.map { ValidationCheck.skipped("bug:\($0.name)", "the schema check failed") }
        } else {
            let references = runs.filter { $0.0 == .reference }.map(\.1)
            checks.append(manifestCheck(task, references.first))
            checks.append(referenceCheck(task, references))
            checks.append(starterCheck(task, runs.first { $0.0 == .starter }?.1))
            if task.answerKey != nil {
                checks.append(keyCheck(task, starter: runs.first { $0.0 == .starter }?.1, references: references))
            }
            for bug in task.bugs {
                checks.append(bugCheck(task, bug, runs.first { $0.0 == .bug(bug.name) }?.1))
            }
            checks.append(checkedAssertionsCheck(task))
        }
        checks.append(exportCheck(task))
        return TaskValidation(id: task.id, checks: checks, runs: summaries)
    }

    /// The bug folders of a task that did not load, so its checks keep their names.
    private static func bugFolders(_ folder: String) -> [String] {
        let bugs = folder + "/bugs"
        return ((try? FileManager.default.contentsOfDirectory(atPath: bugs)) ?? [])
            .filter { !$0.hasPrefix(".") && FileTree.isDirectory(bugs + "/" + $0) }.sorted()
    }

    private static func describe(_ result: Result<SuiteRun, GradingError>) -> String {
        switch result {
        case .failure(let error): return "error: \(error)"
        case .success(let run):
            if let problem = run.problem { return "\(problem.prefix { $0 != "\n" })" }
            let failed = run.results.values.filter(\.outcome.isFailure).count
            return "\(run.results.count - failed) passed, \(failed) not passed, \(run.wallMS) ms"
        }
    }
}
