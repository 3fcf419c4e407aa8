import ArgumentParser
import Foundation
import LoadProbes
import TaskBank

struct ProbesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probes",
        abstract: "Run a load-hardening task's load probes on a tree, as probe grade does.",
        discussion: """
        Each probe starts the service afresh in the sandbox (profile service, a private \
        loopback the generator joins), measures, and is judged against its thresholds; a \
        relative threshold compares with the reference solution, measured in the same run. \
        Without TREE, the starter is probed; --variant picks reference or bug:NAME instead.
        """
    )

    @OptionGroup var tasks: TasksOptions
    @OptionGroup var grading: GradingOptions

    @Option(name: .customLong("task"), help: "A task with probes in its task.yaml.")
    var taskID: String

    @Option(help: "starter, reference or bug:NAME, when no TREE is given.")
    var variant = "starter"

    @Option(name: .customLong("only"), help: "Run only this probe (repeatable).")
    var only: [String] = []

    @Argument(help: "The tree to probe. Default: the task's --variant.")
    var tree: String?

    @Flag(help: "Print the results as JSON.")
    var json = false

    func validate() throws {
        if let tree, !FileTree.isDirectory(tree) { throw ValidationError("\(tree): not a folder") }
        guard ["starter", "reference"].contains(variant) || variant.hasPrefix("bug:") else {
            throw ValidationError("--variant \(variant): expected starter, reference or bug:NAME")
        }
    }

    func run() throws {
        let root = try tasks.converting { try WorkRoot.make(prefix: "probe-probes") }
        defer { root.remove() }
        let scratch = root.path
        let task = try tasks.task(taskID)
        guard !task.manifest.probes.isEmpty else {
            throw ValidationError("\(task.directory)/task.yaml: task '\(task.id)' declares no probes")
        }
        for name in only where !task.manifest.probes.contains(where: { $0.name == name }) {
            throw ValidationError("--only \(name): task '\(task.id)' has no such probe; it has \(task.manifest.probes.map(\.name).joined(separator: ", "))")
        }
        let runner = ProbeRunner(task: task, host: ServiceHost(runner: try grading.sandbox(), python: try grading.environment().python,
                                                               memoryMiB: task.manifest.limits.memory.mebibytes, scratch: scratch))
        let selected = only.isEmpty ? nil : only
        let chosen: TaskVariant = variant == "starter" ? .starter : variant == "reference" ? .reference : .bug(String(variant.dropFirst(4)))
        let results: [ProbeResult]
        let progress: (ProbeResult) -> Void = { result in
            if !json { for line in ProbeSummary.lines(result) { print(line) } }
        }
        if tree == nil && chosen == .reference {
            // The reference pass judges the reference against its own figures: one pass.
            results = try tasks.converting { try runner.referencePass(scratch: scratch, only: selected, progress: progress).results }
        } else {
            let baseline = try tasks.converting { try runner.referenceBaseline(scratch: scratch, only: selected) }
            if let tree {
                results = runner.run(source: tree, only: selected, reference: baseline, progress: progress)
            } else {
                results = try tasks.converting {
                    try runner.withTree(chosen, scratch: scratch) { runner.run(source: $0, only: selected, reference: baseline, progress: progress) }
                }
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
        }
        if results.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}

/// A probe's result as a few lines of text: verdict, checks, notes.
enum ProbeSummary {
    static func lines(_ result: ProbeResult) -> [String] {
        var lines = ["\(result.passed ? "PASS" : "FAIL") \(result.name) (\(result.kind.rawValue))"]
        if let error = result.error { lines.append("  could not measure: \(error)") }
        for check in result.checks {
            lines.append("  \(check.passed ? "ok  " : "FAIL") \(check.name): \(check.actual) (limit \(check.limit))")
        }
        lines += result.notes.map { "  · " + $0 }
        return lines
    }
}
