import ArgumentParser

@main
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Grades practical take-home exercises for Python engineers, safely and fairly.",
        subcommands: [RunCommand.self, TasksCommand.self, ValidateCommand.self, GradeCommand.self, ScoreCommand.self,
                      CheckCommand.self, SubmitCommand.self, MutateCommand.self, LoadCommand.self, ProbesCommand.self]
    )

    /// `probe run` is on the critical path of every sandboxed launch, so it is parsed as a root
    /// of its own: that skips building the other commands' argument sets and the
    /// completion-script check, about 0.6 ms of CPU per launch.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == RunCommand.configuration.commandName {
            RunCommand.main(Array(arguments.dropFirst()))
        } else {
            main(arguments)
        }
    }
}
