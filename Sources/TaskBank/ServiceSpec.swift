import Foundation

/// `task.yaml`'s `service:` section: how a load-hardening task's service starts and when it is
/// ready. The grader starts it in the sandbox with the `service` profile, on a private
/// loopback that only the grader joins.
public struct ServiceSpec: Decodable, Sendable {
    /// The start command; it begins with `python`, which runs as the grading interpreter.
    public var start: [String]
    /// Run to completion before each start, in the same fresh work dir (to seed a database).
    /// Arguments under `load/` name the task's grader-only `load/` folder.
    public var setup: [String]?
    /// The environment variable that carries the port the service must listen on.
    public var portEnv: String
    /// The path whose 200 answer means the service is ready.
    public var readiness: String
    public var startupTimeout: TimeSpan
    /// Extra environment for the service, in task.yaml order.
    public var env: [(String, String)]
    /// A grader-owned stub the service calls as its downstream dependency.
    public var downstream: Downstream?

    public struct Downstream: Decodable, Sendable {
        /// The environment variable that carries the stub's base URL.
        public var env: String
        /// What the stub answers when healthy: a 200 with this JSON body.
        public var body: String
        /// How long the healthy stub takes to answer.
        public var delay: Double

        enum CodingKeys: String, CodingKey, CaseIterable { case env, body, delay }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            env = try c.decode(.env, parse: { ServiceSpec.isEnvName($0) ? $0 : nil }, expected: "an environment variable name")
            body = try c.decode(String.self, forKey: .body)
            delay = try c.decodeIfPresent(TimeSpan.self, forKey: .delay)?.seconds ?? 0
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case start, setup, env, readiness, downstream
        case portEnv = "port_env"
        case startupTimeout = "startup_timeout"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        start = try c.decode([String].self, forKey: .start)
        guard start.first == "python", start.count > 1 else {
            throw DecodingError.dataCorruptedError(forKey: .start, in: c, debugDescription: "expected a command list starting with python, like [python, -m, catalog]")
        }
        setup = try c.decodeIfPresent([String].self, forKey: .setup)
        if let setup, setup.first != "python" || setup.count < 2 {
            throw DecodingError.dataCorruptedError(forKey: .setup, in: c, debugDescription: "expected a command list starting with python, like [python, load/seed.py]")
        }
        for argument in (setup ?? []) + start where argument.hasPrefix("load/") && argument.split(separator: "/").contains("..") {
            throw DecodingError.dataCorruptedError(forKey: .setup, in: c, debugDescription: "'\(argument)': a load/ path may not contain '..'")
        }
        portEnv = try c.decode(.portEnv, parse: { Self.isEnvName($0) ? $0 : nil }, expected: "an environment variable name, like PORT")
        readiness = try c.decode(.readiness, parse: { $0.hasPrefix("/") ? $0 : nil }, expected: "a path starting with /, like /health")
        startupTimeout = try c.decode(TimeSpan.self, forKey: .startupTimeout)
        downstream = try c.decodeIfPresent(Downstream.self, forKey: .downstream)
        env = []
        if c.contains(.env) {
            let nested = try c.nestedContainer(keyedBy: AnyKey.self, forKey: .env)
            for key in nested.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                guard Self.isEnvName(key.stringValue) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: nested, debugDescription: "expected an environment variable name")
                }
                env.append((key.stringValue, try nested.decode(String.self, forKey: key)))
            }
        }
    }

    static func isEnvName(_ name: String) -> Bool {
        guard let first = name.first, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { ($0.isLetter || $0.isNumber || $0 == "_") && $0.isASCII }
    }
}
