/// Every error the load generator reports; `kind` lets callers react without matching on text.
public struct LoadError: Error, CustomStringConvertible, Equatable, Sendable {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        public var description: String { name }

        /// A plan or URL that cannot run.
        public static let invalidPlan = Kind(name: "invalid-plan")
        /// The generator could not join the network namespace it was given.
        public static let namespace = Kind(name: "namespace")
        /// A system call or event-loop operation of the generator itself failed.
        public static let system = Kind(name: "system")
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func invalidPlan(_ message: String) -> LoadError { LoadError(.invalidPlan, message) }
}
