import Foundation
import TaskBank

/// The folders of one pytest run, side by side under a run folder:
///
///     <run>/submission/   the tree under test: the sandbox's work dir, read-write
///     <run>/grader/       read-only in the sandbox: pytest.ini, public/, hidden/, _probe/
///
/// The tests live outside the tree under test, so no file of a submission can shadow or
/// replace them, and pytest's rootdir is the grader folder, so node ids read
/// `hidden/test_x.py::test_y`.
struct PytestWorkspace {
    let root: String
    var submission: String { root + "/submission" }
    var grader: String { root + "/grader" }
    var ini: String { grader + "/pytest.ini" }
    var runner: String { grader + "/_probe/run_pytest.py" }

    /// An empty run folder under `parent`: `submission/` and `grader/`, nothing in them yet.
    static func empty(in parent: String, prefix: String) throws -> PytestWorkspace {
        let workspace = PytestWorkspace(root: try FileTree.makeTemporaryDirectory(prefix: prefix, in: parent))
        do {
            try FileManager.default.createDirectory(atPath: workspace.submission, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: workspace.grader, withIntermediateDirectories: true)
        } catch {
            workspace.remove()
            throw GradingError(.io, "\(workspace.root): cannot create the run folders: \(error.localizedDescription)")
        }
        return workspace
    }

    /// Lays out a run of `plan`'s suites against `tree` under `parent`, the hidden suite's
    /// modules replaced by their `rewritten` text (``CheckedAssertions``). Returns the node
    /// ids of the canaries it planted, if the plan asks for them.
    static func make(in parent: String, plan: SuitePlan, tree: TreeSource,
                     rewritten: CheckedAssertions.Suite? = nil) throws -> (PytestWorkspace, canaries: [String]) {
        let workspace = try empty(in: parent, prefix: tree.description.replacingOccurrences(of: ":", with: "-"))
        do {
            try tree.populate(workspace.submission)
            var canaries: [String] = []
            for (name, folder) in plan.suites.sorted(by: { $0.key < $1.key }) {
                try FileTree.overlay(folder, onto: workspace.grader + "/" + name)
                if let rewritten, name == TestID.Suite.hidden.rawValue {
                    for (module, text) in rewritten.modules { try workspace.write(text, to: workspace.grader + "/" + name + "/" + module) }
                }
                if plan.canaries, name == TestID.Suite.hidden.rawValue {
                    canaries += try CanaryTests.plant(in: workspace.grader + "/" + name, suite: name, durations: plan.referenceDurations)
                }
            }
            try workspace.write(PytestPlugin.ini(submission: workspace.submission), to: workspace.ini)
            try workspace.write(PytestPlugin.runner, to: workspace.runner)
            try workspace.write(PytestPlugin.plugin, to: workspace.grader + "/_probe/\(PytestPlugin.moduleName).py")
            try workspace.openGraderForReading()
            return (workspace, canaries)
        } catch {
            workspace.remove()
            throw error
        }
    }

    /// The pytest command line, after the interpreter.
    func arguments(paths: [String]) -> [String] {
        ["-I", "-B", runner, "-c", ini, "--rootdir", grader, "--noconftest", "--strict-markers",
         "-p", PytestPlugin.moduleName, "-p", "no:cacheprovider", "--continue-on-collection-errors",
         "-q", "--tb=short", "--show-capture=no", "--no-header"] + paths.map { grader + "/" + $0 }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Writes a file of the run, creating its folder if needed.
    func write(_ text: String, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil,
              FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw GradingError(.io, "\(path): cannot write")
        }
    }

    /// The sandbox user must read the grader folder and enter the run folder; the submission
    /// is handed over by the sandbox itself for the run.
    func openGraderForReading() throws {
        try Self.openForReading(root, recursive: false)
        try Self.openForReading(grader, recursive: true)
    }

    /// chmod o+rX on a folder (and, if `recursive`, everything in it): the sandbox's uid must
    /// read the grader's files and enter its folders.
    private static func openForReading(_ root: String, recursive: Bool) throws {
        func open(_ path: String) throws {
            var info = stat()
            guard lstat(path, &info) == 0 else { throw GradingError(.io, "\(path): \(String(cString: strerror(errno)))") }
            let isDirectory = info.st_mode & S_IFMT == S_IFDIR
            _ = chmod(path, (info.st_mode & 0o7777) | (isDirectory ? 0o055 : 0o044))
        }
        try open(root)
        guard recursive, let walker = FileManager.default.enumerator(atPath: root) else { return }
        while let relative = walker.nextObject() as? String { try open(root + "/" + relative) }
    }
}
