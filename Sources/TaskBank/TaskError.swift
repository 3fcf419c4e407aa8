/// Every problem the task bank reports. It names the file and, where there is one, the field,
/// and says what was expected; `kind` lets callers react without matching on text.
public struct TaskError: Error, CustomStringConvertible, Equatable, Sendable {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        public var description: String { name }

        /// A file that is not valid YAML or JSON.
        public static let syntax = Kind(name: "syntax")
        /// A field that is missing, unknown or has a value of the wrong shape.
        public static let invalidField = Kind(name: "invalid-field")
        /// A file or folder the format requires is not there.
        public static let missingFile = Kind(name: "missing-file")
        /// Something that must be unique is not: a task id, a test id, an answer id.
        public static let duplicate = Kind(name: "duplicate")
        /// A test id that names no test.
        public static let unknownTest = Kind(name: "unknown-test")
        /// An overlay that changes nothing, so the variant it plays is not what it claims.
        public static let identicalOverlay = Kind(name: "identical-overlay")
        /// Reading or writing files failed.
        public static let io = Kind(name: "io")
    }

    public var kind: Kind
    /// The file at fault, as a path the user can open.
    public var file: String
    /// The field inside it, e.g. `limits.cpu` or `tests.fail_to_pass[3]`.
    public var field: String?
    public var message: String

    public init(_ kind: Kind, file: String, field: String? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String {
        "\(file)\(field.map { ": \($0)" } ?? ""): \(message)"
    }
}

/// Several problems found at once: a loader reports everything wrong with a task, not just the
/// first thing.
public struct TaskProblems: Error, CustomStringConvertible, Sendable {
    public var errors: [TaskError]

    public init(_ errors: [TaskError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
