import Foundation
import Sandbox
import TaskBank

/// Measures the code-quality signals of a submission against its task's starter: the files
/// changed and the lines added and removed, ruff and mypy findings on the changed Python
/// files, the test functions the candidate added, their notes, and their commit history.
///
/// ruff, mypy and git read candidate-controlled files, and mypy and git can be made to run
/// code by config files, so all three run inside the sandbox, with Probe's own settings
/// (`--isolated`, an empty mypy config, no system or global git config).
public struct CodeQuality: Sendable {
    public var sandbox: SandboxRunner
    public var python: String
    public var workRoot: String

    public init(sandbox: SandboxRunner, python: String, workRoot: String) {
        self.sandbox = sandbox
        self.python = python
        self.workRoot = workRoot
    }

    /// ruff's rules: pyflakes, pycodestyle errors and warnings, and bugbear, without line length.
    static let ruffRules = ["--select", "E,F,W,B", "--ignore", "E501"]

    public func measure(_ submission: Submission, task: TaskDefinition) throws -> CodeQualityReport {
        let changes = try changedFiles(submission.tree, starter: task.starter)
        let python = changes.filter { $0.change != "deleted" && $0.path.hasSuffix(".py") }.map(\.path)
        var problems: [String] = []
        // The tree is copied: the sandbox hands its work dir to the sandbox user for the run.
        let copy = try FileTree.makeTemporaryDirectory(prefix: "quality", in: workRoot)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try FileTree.overlay(submission.tree, onto: copy)
        var ruff: [CodeQualityReport.Finding] = [], mypy: [CodeQualityReport.Finding] = []
        if !python.isEmpty {
            ruff = try runRuff(python, in: copy, problems: &problems)
            mypy = try runMypy(python, in: copy, problems: &problems)
        }
        let tests = python.filter(Self.isTestFile).flatMap { path in
            Self.testFunctions(in: (try? String(contentsOfFile: submission.tree + "/" + path, encoding: .utf8)) ?? "").map { "\(path)::\($0)" }
        }
        let notes = changes.filter { $0.change != "deleted" && $0.path.lowercased().hasSuffix(".md") }.map { change in
            let text = (try? String(contentsOfFile: submission.tree + "/" + change.path, encoding: .utf8)) ?? ""
            return CodeQualityReport.Note(path: change.path, text: String(text.utf8.prefix(65536)) ?? "")
        }
        let commits = try submission.git.map { try history($0, problems: &problems) }
        return CodeQualityReport(changedFiles: changes, linesAdded: changes.map(\.added).reduce(0, +),
                                 linesRemoved: changes.map(\.removed).reduce(0, +), ruff: ruff, mypy: mypy,
                                 toolProblems: problems, candidateTests: tests, commits: commits, notes: notes)
    }

    /// Every file that differs from the starter's, with its line counts.
    func changedFiles(_ tree: String, starter: String) throws -> [CodeQualityReport.FileChange] {
        let mine = Set(try FileTree.files(under: tree).files)
        let theirs = Set(try FileTree.files(under: starter).files)
        var changes: [CodeQualityReport.FileChange] = []
        for path in mine.union(theirs).sorted() {
            let new = FileManager.default.contents(atPath: tree + "/" + path)
            let old = FileManager.default.contents(atPath: starter + "/" + path)
            if new == old { continue }
            let newLines = new.map { LineDiff.lines(String(decoding: $0, as: UTF8.self)) } ?? []
            let oldLines = old.map { LineDiff.lines(String(decoding: $0, as: UTF8.self)) } ?? []
            let (added, removed) = LineDiff.count(from: oldLines, to: newLines)
            changes.append(.init(path: path, change: old == nil ? "added" : new == nil ? "deleted" : "modified", added: added, removed: removed))
        }
        return changes
    }

    private func runRuff(_ files: [String], in tree: String, problems: inout [String]) throws -> [CodeQualityReport.Finding] {
        let ruff = ((python as NSString).deletingLastPathComponent as NSString).appendingPathComponent("ruff")
        let verdict = try run([ruff, "check", "--isolated", "--no-cache", "--output-format", "json", "--exit-zero"] + Self.ruffRules + files, in: tree)
        struct Item: Decodable {
            struct Location: Decodable { var row: Int }
            var code: String?
            var filename: String
            var message: String
            var location: Location
        }
        guard verdict.status == .ok, let items = try? JSONDecoder().decode([Item].self, from: Data(verdict.stdout.utf8)) else {
            problems.append("ruff did not finish: \(verdict.reason)")
            return []
        }
        return items.map { item in
            let path = item.filename.hasPrefix(tree + "/") ? String(item.filename.dropFirst(tree.count + 1)) : item.filename
            return .init(path: path, line: item.location.row, code: item.code ?? "syntax", message: item.message)
        }.sorted { ($0.path, $0.line) < ($1.path, $1.line) }
    }

    private func runMypy(_ files: [String], in tree: String, problems: inout [String]) throws -> [CodeQualityReport.Finding] {
        // A fresh copy of the standard library's warm cache (scripts/setup builds it from no
        // code), so nothing one submission leaves in a cache reaches another.
        let venv = ((python as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        var cache = "/dev/null"
        var writable: [String] = []
        if FileTree.isDirectory(venv + "/probe-mypy-cache") {
            let folder = try FileTree.makeTemporaryDirectory(prefix: "mypy-cache", in: workRoot)
            if (try? FileTree.overlay(venv + "/probe-mypy-cache", onto: folder)) != nil {
                cache = folder
                writable = [folder]
            } else {
                try? FileManager.default.removeItem(atPath: folder)
            }
        }
        defer { if cache != "/dev/null" { try? FileManager.default.removeItem(atPath: cache) } }
        let verdict = try run([python, "-I", "-m", "mypy", "--config-file", "", "--cache-dir", cache, "--follow-imports", "skip",
                               "--ignore-missing-imports", "--no-error-summary", "--show-error-codes", "--no-color-output",
                               "--hide-error-context", "--no-pretty"] + files, in: tree, readWrite: writable)
        // mypy exits 1 when it found errors, 2 when it could not run.
        guard verdict.status == .ok || verdict.exitCode == 1 else {
            problems.append("mypy did not finish: \(verdict.reason)")
            return []
        }
        return verdict.stdout.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, let number = Int(parts[1]), parts[2].trimmingCharacters(in: .whitespaces) == "error" else { return nil }
            var message = parts[3].trimmingCharacters(in: .whitespaces)
            var code = "mypy"
            if message.hasSuffix("]"), let open = message.lastIndex(of: "[") {
                code = String(message[message.index(after: open)..<message.index(before: message.endIndex)])
                message = message[..<open].trimmingCharacters(in: .whitespaces)
            }
            return .init(path: String(parts[0]), line: number, code: code, message: message)
        }
    }

    /// The commits in the candidate's `.git`, oldest first.
    private func history(_ git: String, problems: inout [String]) throws -> [CodeQualityReport.Commit] {
        let scratch = try FileTree.makeTemporaryDirectory(prefix: "git", in: workRoot)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let verdict = try run(["/usr/bin/git", "-c", "safe.directory=*", "-c", "core.fsmonitor=false", "--git-dir", git,
                               "log", "--reverse", "--no-color", "--format=%H%x1f%an%x1f%s"],
                              in: scratch, readOnly: [git], environment: ["GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null"])
        guard verdict.status == .ok else {
            problems.append("git log did not finish: \(verdict.reason)\(verdict.stderr.isEmpty ? "" : ": " + verdict.stderr.prefix(200))")
            return []
        }
        return verdict.stdout.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\u{1f}", omittingEmptySubsequences: false).map(String.init)
            return fields.count == 3 ? .init(hash: fields[0], author: fields[1], subject: fields[2]) : nil
        }
    }

    private func run(_ command: [String], in workdir: String, readOnly: [String] = [], readWrite: [String] = [],
                     environment: [String] = []) throws -> Verdict {
        var c = SandboxConfiguration()
        c.profile = "pytest"
        c.cpuTimeSeconds = 60
        c.wallTimeSeconds = 120
        c.memoryMiB = 1024
        c.outputLimitKiB = 4096
        c.workdir = workdir
        c.readOnlyPaths = readOnly
        c.readWritePaths = readWrite
        c.environment = ["HOME=/tmp", "LANG=C.UTF-8", "PATH=/usr/bin:/bin"] + environment
        c.command = command
        return try sandbox.run(c)
    }

    /// A test module or anything else under a `tests/` folder (helpers, data).
    static func isTestFile(_ path: String) -> Bool {
        isTestModule(path) || path.hasPrefix("tests/") || path.contains("/tests/")
    }

    /// A module pytest collects: `test_*.py` or `*_test.py`.
    static func isTestModule(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        return name.hasSuffix(".py") && (name.hasPrefix("test_") || name.hasSuffix("_test.py"))
    }

    static func testFunctions(in text: String) -> [String] {
        text.lines().compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            for prefix in ["def test", "async def test"] where trimmed.hasPrefix(prefix) {
                let name = trimmed.dropFirst(prefix.count - 4).prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                return String(name)
            }
            return nil
        }
    }
}
