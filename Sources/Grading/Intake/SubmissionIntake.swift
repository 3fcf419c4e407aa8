import Foundation
import Sandbox
import TaskBank

/// Takes a submission in: a folder, a `.tar.gz`, `.tar` or `.zip`, or a `probe submit` bundle.
///
/// Archives are opened by CPython's tarfile and zipfile inside the sandbox (see
/// ``SubmissionScripts``), never by the grader's own process, and every entry is checked:
/// no absolute paths or `..`, no links out, no devices, and caps on bytes, files and the
/// compression ratio. A folder gets the same checks as it is copied. Either way the result is
/// a private copy, which grading may change.
public struct SubmissionIntake: Sendable {
    public var sandbox: SandboxRunner
    public var python: String
    public var workRoot: String
    public var limits = SubmissionLimits()

    public init(sandbox: SandboxRunner, python: String, workRoot: String) {
        self.sandbox = sandbox
        self.python = python
        self.workRoot = workRoot
    }

    /// Folders that are never part of a submission.
    static let skippedFolders: Set<String> = [".venv", "venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache",
                                              "node_modules", ".tox", ".eggs", "build", "dist"]

    /// Takes `path` in under a fresh folder in ``workRoot``. Throws ``GradingError`` of kind
    /// `submission` for a submission Probe refuses, naming the entry.
    public func take(_ path: String) throws -> Submission {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw GradingError(.invalidInput, "\(path): \(String(cString: strerror(errno)))")
        }
        let staging = try FileTree.makeTemporaryDirectory(prefix: "intake", in: workRoot)
        let unpacked = staging + "/unpacked"
        do {
            try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: false)
        } catch { throw GradingError(.io, "\(unpacked): \(error.localizedDescription)") }
        let form: String
        let sha256 = try Self.fingerprint(path)
        if info.st_mode & S_IFMT == S_IFDIR {
            var copier = SafeCopy(limits: limits)
            try copier.copy(path, to: unpacked)
            form = "directory"
        } else {
            form = try extract(path, into: unpacked, staging: staging)
        }
        return try SubmissionLayout.resolve(unpacked, origin: path, form: form, sha256: sha256, staging: staging)
    }

    /// SHA-256 of an archive's bytes, or of a folder's sorted (path, content digest) list: what
    /// `probe grade` compares to skip a submission it has already graded.
    public static func fingerprint(_ path: String) throws -> String {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw GradingError(.invalidInput, "\(path): \(String(cString: strerror(errno)))") }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            do { return try FileTree.digest(of: path) } catch { throw GradingError(.invalidInput, "\(error)") }
        case S_IFREG:
            guard let bytes = FileManager.default.contents(atPath: path) else { throw GradingError(.invalidInput, "\(path): cannot read") }
            return ContentDigest.sha256(bytes)
        default:
            throw GradingError(.submission, "\(path): expected a folder, .tar.gz, .tar or .zip, got a special file")
        }
    }

    /// Unpacks an archive in the sandbox; returns its format.
    private func extract(_ archive: String, into destination: String, staging: String) throws -> String {
        // The archive and the script go in a folder the sandbox sees read-only.
        let inbox = staging + "/inbox"
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: inbox, withIntermediateDirectories: false)
            try manager.copyItem(atPath: archive, toPath: inbox + "/archive")
        } catch { throw GradingError(.io, "\(inbox): cannot stage the archive: \(error.localizedDescription)") }
        guard manager.createFile(atPath: inbox + "/extract.py", contents: Data(SubmissionScripts.extractor.utf8)) else {
            throw GradingError(.io, "\(inbox)/extract.py: cannot write")
        }
        for file in ["/archive", "/extract.py"] { _ = chmod(inbox + file, 0o644) }
        _ = chmod(inbox, 0o755)
        _ = chmod(staging, 0o755)

        var c = SandboxConfiguration()
        c.profile = "pytest"
        c.cpuTimeSeconds = 60
        c.wallTimeSeconds = 120
        c.memoryMiB = 256
        c.fileSizeMiB = max(1, (limits.maxBytes + (1 << 20) - 1) >> 20)
        c.workdir = destination
        c.readOnlyPaths = [inbox]
        c.environment = ["LANG=C.UTF-8"]
        c.command = [python, "-I", "-S", inbox + "/extract.py", inbox + "/archive", ".",
                     "--max-bytes", String(limits.maxBytes), "--max-files", String(limits.maxFiles),
                     "--max-ratio", String(limits.maxRatio)]
        let verdict = try sandbox.run(c)
        let name = (archive as NSString).lastPathComponent
        let line = verdict.stdout.split(separator: "\n").last.map(String.init) ?? ""
        guard let reply = try? JSONDecoder().decode(ExtractReply.self, from: Data(line.utf8)) else {
            throw GradingError(.submission, "\(name): the archive could not be opened (\(verdict.reason))\(verdict.stderr.isEmpty ? "" : ": " + verdict.stderr.suffix(400))")
        }
        guard reply.ok, let format = reply.format else {
            let entry = reply.entry.map { "entry '\($0)': " } ?? ""
            throw GradingError(.submission, "\(name): \(entry)\(reply.error ?? "refused")")
        }
        return format
    }

    private struct ExtractReply: Decodable {
        var ok: Bool
        var format: String?
        var entry: String?
        var error: String?
    }
}
