import ArgumentParser

struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "List, show and export the tasks of the task bank.",
        subcommands: [TasksListCommand.self, TasksShowCommand.self, TasksExportCommand.self]
    )
}
