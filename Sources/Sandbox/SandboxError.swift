/// Every error the sandbox's orchestrator reports. It names the file, field or path at fault
/// and says what was expected; `kind` lets callers react without matching on text.
public struct SandboxError: Error, CustomStringConvertible, Equatable, Sendable {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        public var description: String { name }

        /// A seccomp profile that cannot be read, parsed or compiled.
        public static let invalidProfile = Kind(name: "invalid-profile")
        /// A command-line value that makes no sense (a missing path, a zero limit…).
        public static let invalidConfiguration = Kind(name: "invalid-configuration")
        /// A layer that was requested cannot be applied on this machine.
        public static let layerUnavailable = Kind(name: "layer-unavailable")
        /// A system call made by the orchestrator itself failed.
        public static let system = Kind(name: "system")
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func system(_ what: String, errno code: Int32) -> SandboxError {
        SandboxError(.system, "\(what): \(errnoText(code))")
    }
}

#if canImport(Glibc)
import Glibc

func errnoText(_ code: Int32) -> String {
    "\(String(cString: strerror(code))) (errno \(code))"
}
#endif
