import ArgumentParser
import Glibc

/// The root command; `Sources/ProbeMain/main.swift` calls ``main()``.
public struct Probe: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Grades practical take-home exercises for Python engineers, safely and fairly.",
        subcommands: [RunCommand.self, TasksCommand.self, ValidateCommand.self, GradeCommand.self, ScoreCommand.self,
                      CheckCommand.self, SubmitCommand.self, MutateCommand.self, LoadCommand.self, ProbesCommand.self]
    )

    /// `probe run` is on the critical path of every sandboxed launch, so its well-formed
    /// command lines skip ArgumentParser (see ``RunCommand/FastPath``). Everything else, help
    /// and usage errors included, goes through the whole command tree.
    public init() {}

    public static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == RunCommand.configuration.commandName {
            // The launcher first: its start-up and its clone of init overlap reading the
            // command line, the profile and the host side. Unused, it is abandoned.
            let runner = try? RunCommand.runner()
            let started = try? runner?.startLauncher()
            if let runner, let run = RunCommand.FastPath(arguments.dropFirst()) {
                finish(RunCommand.self) { try RunCommand.execute(run.configuration, json: run.json, runner: runner, started: started) }
            }
            started?.abandon()
        }
        var command: ParsableCommand
        do { command = try parseAsRoot(arguments) } catch { exit(withError: error) }
        finish(type(of: command)) { try command.run() }
    }

    /// Runs a parsed command and exits.
    private static func finish(_ type: ParsableCommand.Type, _ body: () throws -> Void) -> Never {
        do {
            try body()
        } catch let error as ValidationError {
            // Bad input found while running (a task that does not load, an unreadable
            // profile): ArgumentParser, which no longer knows which command ran, would show
            // the root's usage; show the command's own.
            let path = (["probe"] + commandPath(to: type, from: self)).joined(separator: " ")
            FileHandleOutput.standardError("Error: \(error.message)\nUsage: \(usageString(for: type))\n  See '\(path) --help' for more information.")
            Glibc.exit(ExitCode.validationFailure.rawValue)
        } catch {
            exit(withError: error)
        }
        exit()
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
