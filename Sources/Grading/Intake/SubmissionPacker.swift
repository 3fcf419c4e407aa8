import Foundation
import TaskBank

/// `probe submit`: packs a candidate's code tree, their `.git` history and a manifest (the
/// task stamp, and every file's SHA-256) into a deterministic `.tar.gz`. Build junk (`.venv`,
/// `__pycache__`…) stays out; the same caps as grading apply, so a submission that packs is
/// one that grading takes in.
public struct SubmissionPacker: Sendable {
    public var python: String
    public var limits = SubmissionLimits()

    public init(python: String) {
        self.python = python
    }

    /// Packs `workspace` into `output`; returns the manifest written into it.
    public func pack(_ workspace: CandidateWorkspace, to output: String) throws -> SubmissionManifest {
        let staging = try FileTree.makeTemporaryDirectory(prefix: "probe-submit")
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let tree = staging + "/tree"
        do { try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: false) } catch {
            throw GradingError(.io, "\(tree): \(error.localizedDescription)")
        }
        var copier = SafeCopy(limits: limits)
        try copier.copy(workspace.tree, to: tree, skipping: [".git", SubmissionManifest.fileName, TaskStamp.fileName])
        if let git = workspace.git {
            do { try FileManager.default.createDirectory(atPath: tree + "/.git", withIntermediateDirectories: false) } catch {
                throw GradingError(.io, "\(tree)/.git: \(error.localizedDescription)")
            }
            try copier.copy(git, to: tree + "/.git")
        }
        let files = try FileTree.files(under: tree).files
        let entries = try files.map { path -> SubmissionManifest.Entry in
            guard let data = FileManager.default.contents(atPath: tree + "/" + path) else { throw GradingError(.io, "\(path): cannot read") }
            return .init(path: path, sha256: ContentDigest.sha256(data), bytes: data.count)
        }
        let manifest = SubmissionManifest(format: 1, probe: ProbeVersion.current, stamp: workspace.stamp, files: entries, git: workspace.git != nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard FileManager.default.createFile(atPath: tree + "/" + SubmissionManifest.fileName, contents: try encoder.encode(manifest)) else {
            throw GradingError(.io, "\(tree)/\(SubmissionManifest.fileName): cannot write")
        }
        try runPacker(source: tree, files: [SubmissionManifest.fileName] + files, output: output, staging: staging)
        return manifest
    }

    private func runPacker(source: String, files: [String], output: String, staging: String) throws {
        let script = staging + "/pack.py"
        guard FileManager.default.createFile(atPath: script, contents: Data(SubmissionScripts.packer.utf8)) else {
            throw GradingError(.io, "\(script): cannot write")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-I", "-S", script, source, output]
        let input = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = input
        process.standardOutput = stdout
        process.standardError = stderr
        do { try process.run() } catch { throw GradingError(.environment, "\(python): cannot start: \(error.localizedDescription)") }
        input.fileHandleForWriting.write(try JSONEncoder().encode(files))
        try? input.fileHandleForWriting.close()
        let reply = stdout.fileHandleForReading.readDataToEndOfFile()
        let problems = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        struct Reply: Decodable { var ok: Bool; var entry: String?; var error: String? }
        let line = String(decoding: reply, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        guard let decoded = try? JSONDecoder().decode(Reply.self, from: Data(line.utf8)) else {
            throw GradingError(.io, "\(output): the packer failed (exit \(process.terminationStatus)): \(String(decoding: problems, as: UTF8.self).suffix(400))")
        }
        guard decoded.ok else {
            throw GradingError(.submission, "\(decoded.entry.map { "entry '\($0)': " } ?? "")\(decoded.error ?? "cannot pack")")
        }
    }
}
