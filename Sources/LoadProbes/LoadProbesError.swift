/// Every error of the load probes that is not a measurement: a service that cannot be
/// started, a stub that cannot bind, files that cannot be written.
public struct LoadProbesError: Error, CustomStringConvertible, Equatable, Sendable {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        public var description: String { name }

        /// The service never became ready, or exited, crashed or was killed.
        public static let serviceFailed = Kind(name: "service-failed")
        /// The grader's own machinery failed (files, stub, namespaces).
        public static let system = Kind(name: "system")
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
