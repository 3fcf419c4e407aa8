import ArgumentParser
import Sandbox
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one command in the sandbox and report a typed verdict.",
        discussion: """
        Without --json, prints a one-line summary on stderr and exits with the command's exit \
        code, or 128 + signal. A sandbox that cannot be built exits 125 with status setup-error.
        """
    )

    @OptionGroup var sandbox: SandboxOptions

    @Flag(help: "Print the verdict as one JSON object on stdout.")
    var json = false

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("expected a command after --, e.g. probe run -- python3 -c pass") }
    }

    func run() throws {
        try Self.execute(sandbox.configuration(command: command), json: json, runner: Self.runner())
    }

    /// The runner `probe run` uses: it kills the sandbox on SIGINT, SIGTERM or SIGHUP.
    static func runner() throws -> SandboxRunner {
        var runner = SandboxRunner(launcherPath: try Locations.launcher(), sandboxesDirectory: try Locations.sandboxes())
        runner.handlesInterrupts = true
        return runner
    }

    /// Runs one configuration and exits with its verdict; shared with the launch fast path,
    /// which passes the launcher it started.
    static func execute(_ configuration: SandboxConfiguration, json: Bool, runner: SandboxRunner,
                        started: StartedLauncher? = nil) throws -> Never {
        let verdict: Verdict
        do {
            verdict = try runner.run(configuration, started: started)
        } catch let error as SandboxError where error.kind == .invalidProfile || error.kind == .invalidConfiguration {
            throw ValidationError(error.message)
        } catch let error as SandboxError {
            // A layer that cannot be applied, or the host refusing us: the sandbox failed, closed.
            verdict = Verdict.setupFailure(stage: error.kind.description, message: error.message)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(verdict)
            FileHandleOutput.standardOutput(String(decoding: data, as: UTF8.self) + "\n")
        } else {
            FileHandleOutput.standardError(verdict.summary)
            if !verdict.stdout.isEmpty { FileHandleOutput.standardOutput(verdict.stdout) }
            if !verdict.stderr.isEmpty { FileHandleOutput.standardError(verdict.stderr, newline: false) }
        }
        // Exit here rather than throw ExitCode: ArgumentParser would build this command's
        // usage text on the way out, a measurable part of every launch.
        Glibc.exit(verdict.processExitCode)
    }
}

enum FileHandleOutput {
    static func standardError(_ text: String, newline: Bool = true) {
        write(2, text + (newline ? "\n" : ""))
    }

    static func standardOutput(_ text: String) {
        write(1, text)
    }

    private static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            bytes = bytes.dropFirst(n)
        }
    }
}
