import Foundation

/// A task that loaded and passed every static check: its manifest, where it lives, its bugs
/// and its answer key.
public struct TaskDefinition: Sendable {
    public struct Bug: Sendable {
        /// How a bug is written: a folder of whole files, or a unified diff.
        public enum Change: Sendable {
            /// `bugs/<name>/tree/`, files that replace the reference's.
            case overlay(String)
            /// `bugs/<name>/bug.patch`, a unified diff against the reference.
            case patch(String)
        }

        /// The folder name under `bugs/`.
        public var name: String
        public var manifest: BugManifest
        public var change: Change
    }

    public var manifest: TaskManifest
    /// Absolute path of `Tasks/<id>`.
    public var directory: String
    public var bugs: [Bug]
    public var answerKey: AnswerKey?

    public var id: String { manifest.id }
    public var starter: String { directory + "/starter" }
    public var reference: String { directory + "/reference" }
    public var brief: String { directory + "/brief.md" }
    public var keyFile: String { directory + "/key.yaml" }

    public func suite(_ suite: TestID.Suite) -> String { directory + "/" + suite.rawValue }

    public func bug(named name: String) -> Bug? { bugs.first { $0.name == name } }
}

/// One tree a task's tests run against.
public enum TaskVariant: Hashable, Sendable, CustomStringConvertible {
    case starter
    case reference
    case bug(String)

    public var description: String {
        switch self {
        case .starter: "starter"
        case .reference: "reference"
        case .bug(let name): "bug:\(name)"
        }
    }
}

extension TaskDefinition {
    /// Writes the variant's tree into `directory`: the starter, plus the reference overlay,
    /// plus a bug's changes.
    public func materialize(_ variant: TaskVariant, into destination: String) throws {
        try FileTree.overlay(starter, onto: destination)
        if variant == .starter { return }
        try FileTree.overlay(reference, onto: destination)
        if case .bug(let name) = variant {
            guard let bug = bug(named: name) else {
                throw TaskError(.missingFile, file: directory + "/bugs/" + name, "\(id) has no bug named '\(name)'")
            }
            for (path, contents) in try changes(of: bug) {
                let target = destination + "/" + path
                if FileManager.default.fileExists(atPath: target) { try? FileManager.default.removeItem(atPath: target) }
                guard let contents else { continue }
                try? FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                guard FileManager.default.createFile(atPath: target, contents: contents) else {
                    throw TaskError(.io, file: target, "cannot write the bug's version of \(path)")
                }
            }
        }
    }

    /// The reference's version of a file: the reference overlay's, else the starter's.
    public func referenceFile(_ path: String) -> String? {
        [reference + "/" + path, starter + "/" + path].first(where: FileTree.isFile)
    }

    /// What a bug changes in the reference tree: each path with its new contents, or nil for
    /// a file the bug deletes. Errors name the patch and the hunk that does not apply.
    public func changes(of bug: Bug) throws -> [(path: String, contents: Data?)] {
        switch bug.change {
        case .overlay(let tree):
            return try FileTree.files(under: tree).files.map { ($0, try FileTree.read(tree + "/" + $0)) }
        case .patch(let file):
            let patch = try UnifiedPatch(String(decoding: try FileTree.read(file), as: UTF8.self), source: file)
            return try patch.files.map { change in
                let original = try referenceFile(change.path).map { String(decoding: try FileTree.read($0), as: UTF8.self) }
                return (change.path, try patch.apply(change, to: original, source: file).map { Data($0.utf8) })
            }
        }
    }
}
