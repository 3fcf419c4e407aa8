import ArgumentParser
import Foundation
import Grading
import Sandbox
import TaskBank

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Prove that tasks work: the reference passes (3 runs), the starter fails exactly fail_to_pass, every bug fails each caught_by test, and the bundle leaks nothing.",
        discussion: "Every pytest run is sandboxed. Exits 1 if any task is invalid, naming the task, the check and the reason."
    )

    @OptionGroup var tasks: TasksOptions

    @Argument(help: "Task ids to validate. Default: every task.")
    var ids: [String] = []

    @Flag(help: "Print the report as one JSON object on stdout.")
    var json = false

    @Option(help: ArgumentHelp("Also write a JUnit XML file with one test case per check.", valueName: "FILE"))
    var junit: String?

    @Option(help: "Runs at once. Default: the number of online cores.")
    var jobs: Int?

    @OptionGroup var grading: GradingOptions

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs: expected at least 1, got \(jobs)") }
    }

    func run() throws {
        let root = try tasks.converting { try WorkRoot.make(prefix: "probe-validate") }
        defer { root.remove() }
        let workRoot = root.path
        let loader = try tasks.loader()
        let catalog = try tasks.converting { ids.isEmpty ? try loader.loadAll() : try loader.load(ids: ids) }
        let environment = try grading.environment()

        let runner = PytestRunner(sandbox: try grading.sandbox(), python: environment.python, workRoot: workRoot)
        let validator = TaskValidator(runner: runner, environment: environment, sandboxesDirectory: try Locations.sandboxes(),
                                      jobs: jobs ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let interactive = isatty(2) == 1
        let report = validator.validate(catalog) { line in
            if interactive { FileHandleOutput.standardError("  … \(line)") }
        }

        if let junit {
            guard FileManager.default.createFile(atPath: junit, contents: Data(JUnitReport.xml(report).utf8)) else {
                FileHandleOutput.standardError("probe: --junit \(junit): cannot write the file")
                printReport(report)
                throw ExitCode(1)
            }
        }
        printReport(report)
        if !report.valid { throw ExitCode(1) }
    }

    private func printReport(_ report: ValidationReport) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            if let data = try? encoder.encode(report) { print(String(decoding: data, as: UTF8.self)) }
            return
        }
        for task in report.tasks {
            let runs = task.runs.reduce(0) { $0 + $1.wallMS }
            print("\(task.valid ? "valid  " : "INVALID") \(task.id)  (\(task.runs.count) sandboxed pytest runs, \(Self.seconds(runs)) s)")
            for check in task.checks {
                let mark = switch check.status { case .passed: "ok  "; case .failed: "FAIL"; case .skipped: "skip" }
                print("  \(mark) \(check.name): \(check.reason)")
                for detail in check.details { print("         - \(detail)") }
            }
        }
        let invalid = report.tasks.filter { !$0.valid }.map(\.id)
        print(invalid.isEmpty ? "all \(report.tasks.count) tasks valid in \(Self.seconds(report.wallMS)) s"
              : "\(invalid.count) of \(report.tasks.count) tasks invalid: \(invalid.joined(separator: ", "))")
    }

    private static func seconds(_ ms: UInt64) -> String {
        String(format: "%.1f", Double(ms) / 1000)
    }
}
