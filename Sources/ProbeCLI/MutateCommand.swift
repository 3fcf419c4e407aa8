import ArgumentParser
import Foundation
import Grading
import TaskBank

struct MutateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mutate",
        abstract: "Score a tree's own tests by the mutants they catch, as probe grade does for a regression-tests task.",
        discussion: """
        The tests (new or changed test_*.py files against the starter) run in the sandbox on the \
        task's reference code, on every bug in bugs/, and on generated mutants of the modules in \
        task.yaml's `mutation` section. Without TREE, the reference's own tests are scored: \
        how a task author checks the bar candidates are held to.
        """
    )

    @OptionGroup var tasks: TasksOptions
    @OptionGroup var grading: GradingOptions

    @Option(name: .customLong("task"), help: "A regression-tests task.")
    var taskID: String

    @Argument(help: "The tree whose tests are scored. Default: the task's reference.")
    var tree: String?

    @Flag(help: "Run every test against every generated mutant, not only the tests that reach its line.")
    var allTests = false

    @Flag(help: "Print the assessment as JSON.")
    var json = false

    func validate() throws {
        if let tree, !FileTree.isDirectory(tree) { throw ValidationError("\(tree): not a folder; expected a tree with test files") }
    }

    func run() throws {
        let root = try tasks.converting { try WorkRoot.make(prefix: "probe-mutate") }
        defer { root.remove() }
        let workRoot = root.path
        let task = try tasks.task(taskID)
        guard task.manifest.mutation != nil else {
            throw ValidationError("\(task.directory)/task.yaml: task '\(task.id)' has no mutation section; only regression-tests tasks are scored by mutants")
        }
        let environment = try grading.environment()
        var runner = MutationRunner(sandbox: try grading.sandbox(), python: environment.python, workRoot: workRoot)
        runner.selectByCoverage = !allTests
        let source: String
        if let tree {
            source = tree
        } else {
            source = try tasks.converting { try FileTree.makeTemporaryDirectory(prefix: "reference", in: workRoot) }
            try tasks.converting { try task.materialize(.reference, into: source) }
        }
        let assessment: TestsAssessment
        do {
            assessment = try Judge(mutation: runner).regressionTests(source, task: task, compare: tree != nil)
        } catch let error as GradingError {
            throw ValidationError(error.message)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(assessment), as: UTF8.self))
        } else {
            for line in assessment.evidence(grader: true, incident: false) { print(line) }
            let mutants = assessment.generatedTotal + assessment.planted.count + (assessment.original == nil ? 0 : 1)
            print(String(format: "%d mutants in %.1f s (%.1f per second)", mutants, Double(assessment.ms) / 1000,
                         Double(mutants) / max(0.001, Double(assessment.ms) / 1000)))
        }
        if !assessment.problems.isEmpty { throw ExitCode(1) }
    }
}
