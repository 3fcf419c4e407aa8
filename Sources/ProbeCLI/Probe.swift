import ArgumentParser
import Glibc

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
    /// completion-script check, about 0.6 ms of CPU per launch. Help and usage errors, which
    /// are rare, go through the whole command tree, whose messages name `probe run`.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        var command: ParsableCommand
        if arguments.first == RunCommand.configuration.commandName, let run = try? RunCommand.parseAsRoot(Array(arguments.dropFirst())) {
            command = run
        } else {
            do { command = try parseAsRoot(arguments) } catch { exit(withError: error) }
        }
        do {
            try command.run()
        } catch let error as ValidationError {
            // Bad input found while running (a task that does not load, an unreadable
            // profile): ArgumentParser, which no longer knows which command ran, would show
            // the root's usage; show the command's own.
            let path = (["probe"] + commandPath(to: type(of: command), from: self)).joined(separator: " ")
            FileHandleOutput.standardError("Error: \(error.message)\nUsage: \(usageString(for: type(of: command)))\n  See '\(path) --help' for more information.")
            Glibc.exit(ExitCode.validationFailure.rawValue)
        } catch {
            exit(withError: error)
        }
    }

    /// The subcommand names from `root` down to `command`, as typed after `probe`.
    private static func commandPath(to command: ParsableCommand.Type, from root: ParsableCommand.Type) -> [String] {
        for sub in root.configuration.subcommands {
            let name = sub.configuration.commandName ?? "\(sub)"
            if sub == command { return [name] }
            let below = commandPath(to: command, from: sub)
            if !below.isEmpty { return [name] + below }
        }
        return []
    }
}
