import ArgumentParser
import Foundation
import Grading
import TaskBank

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run the public tests on your work, in the same sandbox and with the same limits as grading.",
        discussion: "Run it in the folder of the exported task (or give it). Exits 1 when a public test does not pass, or when REVIEW.md, review.yaml or INCIDENT.md (for the tasks that need them) has a problem."
    )

    @OptionGroup var grading: GradingOptions

    @Argument(help: "The task folder. Default: the current folder.")
    var folder = "."

    func run() throws {
        let root = try WorkRoot.make(prefix: "probe-check")
        defer { root.remove() }
        let workRoot = root.path
        let workspace: CandidateWorkspace
        do { workspace = try CandidateWorkspace(folder) } catch let error as GradingError { throw ValidationError(error.message) }
        guard let stamp = workspace.stamp, let publicTests = workspace.publicTests else {
            throw ValidationError("\(folder): expected the folder of an exported task, with \(TaskStamp.fileName) and public/")
        }
        let environment = try grading.environment()
        let sandbox = try grading.sandbox()
        let run: SuiteRun
        var notices: [IntegrityFinding] = []
        do {
            let copy: String
            (copy, notices) = try workspace.gradableCopy(in: workRoot)
            let runner = PytestRunner(sandbox: sandbox, python: environment.python, workRoot: workRoot)
            let plan = SuitePlan(suites: ["public": publicTests], settings: stamp.run, expected: [])
            run = try runner.run(plan, tree: .directory(copy)) { event in
                if case .finished(let id, let outcome) = event { FileHandleOutput.standardError("  \(outcome.padding(toLength: 7, withPad: " ", startingAt: 0)) \(id)") }
            }
        } catch let error as GradingError {
            throw ValidationError(error.message)
        }
        for notice in notices { print("note: \(notice.subject): \(notice.detail)") }
        if let problem = run.problem { print("problem: \(problem)") }
        let results = run.results.values.sorted { $0.id < $1.id }
        for result in results where result.outcome != .passed {
            print("\n\(result.outcome.rawValue): \(result.id)\n\(result.message.split(separator: "\n").suffix(15).joined(separator: "\n"))")
        }
        let format = JudgmentFormat(tree: workspace.tree, type: stamp.type)
        if let missing = format.missing { print("note: \(missing)") }
        for problem in format.problems { print("problem: \(problem)") }
        let passed = results.filter { $0.outcome == .passed }.count
        print("\n\(stamp.id): \(passed) of \(results.count) public tests passed in \(run.wallMS) ms (sandbox: \(stamp.run.profile), \(Int(stamp.run.wallSeconds)) s wall). The hidden tests run when you are graded.")
        if passed != results.count || results.isEmpty || run.problem != nil || !format.problems.isEmpty { throw ExitCode(1) }
    }
}
