import ArgumentParser
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
            try tasks.converting { try BundleExporter.exportChecked(task, to: out) }
        } catch let error as LeakError {
            FileHandleOutput.standardError("probe: \(task.id): \(error)")
            throw ExitCode(1)
        }
        FileHandleOutput.standardError("probe: exported \(task.id) to \(out)")
    }
}
