import ArgumentParser
import Foundation
import TaskBank

struct TasksExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the candidate bundle: brief.md, starter/, public/ and the task stamp, nothing else.",
        discussion: "The bundle is checked for leaks (by path and by content digest) before this command succeeds."
    )

    @OptionGroup var tasks: TasksOptions

    @Argument(help: "The task's id.")
    var id: String

    @Option(help: ArgumentHelp("A new or empty folder to write the bundle into.", valueName: "DIR"))
    var out: String

    func run() throws {
        let task = try tasks.task(id)
        do {
            try BundleExporter.export(task, to: out)
            let leaks = try LeakScanner.scan(bundle: out, task: task)
            guard leaks.isEmpty else {
                try? FileManager.default.removeItem(atPath: out)
                FileHandleOutput.standardError("probe: the bundle for \(task.id) would leak, so \(out) was removed:\n" + leaks.map { "  \($0)" }.joined(separator: "\n"))
                throw ExitCode(1)
            }
        } catch let error as TaskError {
            throw ValidationError(error.description)
        }
        FileHandleOutput.standardError("probe: exported \(task.id) to \(out)")
    }
}
