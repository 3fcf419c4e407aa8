import Foundation
import TaskBank

/// Finds the code tree in an unpacked submission. Three layouts are accepted:
///
/// - a `probe submit` bundle: `probe-submission.json` at the root, every file checked
///   against it;
/// - the candidate's copy of the exported task: `probe-task.json` and `starter/`, whose
///   `starter/` is the code;
/// - any other tree, which is the code itself (a stamp at its root is read and taken out).
///
/// An archive whose only entry is a folder that is not a Python package (as zipping a folder
/// makes) is stepped into, and a
/// `.git` folder is moved out of the tree, so pytest never sees it.
enum SubmissionLayout {
    static func resolve(_ unpacked: String, origin: String, form: String, sha256: String, staging: String) throws -> Submission {
        let manager = FileManager.default
        var root = unpacked
        let top = try entries(root)
        // An archive of a folder holds just that folder; a Python package alone at the top
        // is the code itself.
        if form != "directory", top.count == 1, FileTree.isDirectory(root + "/" + top[0]), top[0] != "starter", top[0] != ".git",
           !FileManager.default.fileExists(atPath: root + "/" + top[0] + "/__init__.py") {
            root += "/" + top[0]
        }
        var form = form
        var stamp: TaskStamp?
        var tree = root
        var gitCandidates = [root + "/.git"]
        if manager.fileExists(atPath: root + "/" + SubmissionManifest.fileName) {
            let manifest = try checkBundle(root)
            stamp = manifest.stamp
            form = "bundle"
        } else if manager.fileExists(atPath: root + "/" + TaskStamp.fileName) {
            stamp = try readStamp(root + "/" + TaskStamp.fileName)
            try manager.removeItem(atPath: root + "/" + TaskStamp.fileName)
            if FileTree.isDirectory(root + "/starter") {
                tree = root + "/starter"
                gitCandidates.insert(tree + "/.git", at: 0)
            }
        }
        var git: String?
        if let found = gitCandidates.first(where: FileTree.isDirectory) {
            git = staging + "/git"
            try manager.moveItem(atPath: found, toPath: git!)
        }
        try? manager.removeItem(atPath: tree + "/.git")
        return Submission(origin: origin, form: form, sha256: sha256, tree: tree, git: git, stamp: stamp, files: try listing(tree),
                          staging: staging)
    }

    private static func entries(_ folder: String) throws -> [String] {
        do { return try FileManager.default.contentsOfDirectory(atPath: folder).sorted() } catch {
            throw GradingError(.io, "\(folder): \(error.localizedDescription)")
        }
    }

    static func readStamp(_ path: String) throws -> TaskStamp {
        guard let data = FileManager.default.contents(atPath: path),
              let stamp = try? JSONDecoder().decode(TaskStamp.self, from: data) else {
            throw GradingError(.submission, "\((path as NSString).lastPathComponent): not a task stamp Probe can read; expected the probe-task.json of an exported task")
        }
        return stamp
    }

    /// Checks a bundle against its manifest: every listed file is there with its digest, and
    /// nothing else is. Removes the manifest from the tree.
    private static func checkBundle(_ root: String) throws -> SubmissionManifest {
        let path = root + "/" + SubmissionManifest.fileName
        guard let data = FileManager.default.contents(atPath: path),
              let manifest = try? JSONDecoder().decode(SubmissionManifest.self, from: data) else {
            throw GradingError(.submission, "\(SubmissionManifest.fileName): not a manifest Probe can read; expected the one `probe submit` writes")
        }
        try FileManager.default.removeItem(atPath: path)
        var listed = Set<String>()
        for entry in manifest.files {
            listed.insert(entry.path)
            guard let bytes = FileManager.default.contents(atPath: root + "/" + entry.path) else {
                throw GradingError(.submission, "entry '\(entry.path)': listed in \(SubmissionManifest.fileName) but missing from the bundle")
            }
            guard ContentDigest.sha256(bytes) == entry.sha256 else {
                throw GradingError(.submission, "entry '\(entry.path)': its SHA-256 differs from \(SubmissionManifest.fileName); the bundle was changed after `probe submit`")
            }
        }
        let present = try FileTree.files(under: root).files.filter { !$0.hasPrefix(".git/") }
        if let extra = present.first(where: { !listed.contains($0) }) {
            throw GradingError(.submission, "entry '\(extra)': not listed in \(SubmissionManifest.fileName); the bundle was changed after `probe submit`")
        }
        return manifest
    }

    private static func listing(_ tree: String) throws -> [SubmittedFile] {
        try FileTree.files(under: tree).files.map { path in
            let data = FileManager.default.contents(atPath: tree + "/" + path) ?? Data()
            let lines = String(data: data, encoding: .utf8).map { _ in FileTree.lineCount(data) }
            return SubmittedFile(path: path, bytes: data.count, lines: lines)
        }
    }
}
