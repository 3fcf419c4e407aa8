import ArgumentParser
import Foundation
import Grading
import TaskBank

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Package your work as a .tar.gz with a manifest: the task stamp, and every file with its SHA-256.",
        discussion: "Run it in the folder of the exported task (or give it). Your code in starter/ and your .git history go in; .venv, __pycache__ and build junk stay out."
    )

    @OptionGroup var grading: GradingOptions

    @Argument(help: "The task folder. Default: the current folder.")
    var folder = "."

    @Option(help: ArgumentHelp("The .tar.gz to write.", valueName: "FILE"))
    var out: String

    func validate() throws {
        if FileManager.default.fileExists(atPath: out) { throw ValidationError("--out \(out): already exists; choose a new file so nothing is overwritten") }
        if !out.hasSuffix(".tar.gz") && !out.hasSuffix(".tgz") { throw ValidationError("--out \(out): expected a file name ending in .tar.gz") }
    }

    func run() throws {
        let manifest: SubmissionManifest
        do {
            let workspace = try CandidateWorkspace(folder)
            if workspace.stamp == nil {
                FileHandleOutput.standardError("probe: warning: \(folder) has no \(TaskStamp.fileName); the grader must name the task with --task")
            }
            let environment = try grading.environment()
            manifest = try SubmissionPacker(python: environment.python).pack(workspace, to: out)
        } catch let error as GradingError {
            throw ValidationError(error.message)
        }
        let code = manifest.files.filter { !$0.path.hasPrefix(".git/") }
        for file in code { print("  \(file.path) (\(file.bytes) bytes)") }
        let history = manifest.files.count - code.count
        print("wrote \(out): \(code.count) files, \(code.map(\.bytes).reduce(0, +)) bytes"
              + (manifest.git ? ", with .git history (\(history) files)" : ", no .git history")
              + (manifest.stamp.map { ", task \($0.id)" } ?? ""))
    }
}
