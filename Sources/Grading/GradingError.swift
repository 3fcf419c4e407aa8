/// Every error the grading layer reports; `kind` lets callers react without matching on text.
public struct GradingError: Error, CustomStringConvertible, Sendable {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        public var description: String { name }

        /// Reading or writing the run's files failed.
        public static let io = Kind(name: "io")
        /// The grading venv is missing or not what a task needs.
        public static let environment = Kind(name: "environment")
        /// A value given on the command line or in a file makes no sense.
        public static let invalidInput = Kind(name: "invalid-input")
        /// A submission Probe refuses to grade: an unsafe archive entry, a cap passed, a
        /// stamp for another task, a bundle that does not match its manifest.
        public static let submission = Kind(name: "submission")
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
