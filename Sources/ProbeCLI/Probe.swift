import ArgumentParser

@main
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Grades practical take-home exercises for Python engineers, safely and fairly.",
        subcommands: [RunCommand.self, TasksCommand.self, ValidateCommand.self, GradeCommand.self, ScoreCommand.self,
                      CheckCommand.self, SubmitCommand.self, MutateCommand.self, LoadCommand.self, ProbesCommand.self]
    )
}
