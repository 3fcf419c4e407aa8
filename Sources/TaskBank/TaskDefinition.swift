/// A task that loaded and passed every static check: its manifest, where it lives, its bugs
/// and its answer key.
public struct TaskDefinition: Sendable {
    public struct Bug: Sendable {
        /// The folder name under `bugs/`.
        public var name: String
        public var manifest: BugManifest
        /// The overlay folder, `bugs/<name>/tree`.
        public var tree: String
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
    /// plus a bug's overlay.
    public func materialize(_ variant: TaskVariant, into destination: String) throws {
        try FileTree.overlay(starter, onto: destination)
        if variant == .starter { return }
        try FileTree.overlay(reference, onto: destination)
        if case .bug(let name) = variant {
            guard let bug = bug(named: name) else {
                throw TaskError(.missingFile, file: directory + "/bugs/" + name, "\(id) has no bug named '\(name)'")
            }
            try FileTree.overlay(bug.tree, onto: destination)
        }
    }
}
