/// The outcome of `probe validate`: one entry per task, one check per thing proven.
public struct ValidationReport: Encodable, Sendable {
    public var valid: Bool
    public var tasks: [TaskValidation]
    public var wallMS: UInt64

    enum CodingKeys: String, CodingKey {
        case valid, tasks
        case wallMS = "wall_ms"
    }
}

public struct TaskValidation: Encodable, Sendable {
    public var id: String
    public var valid: Bool { checks.allSatisfy { $0.status != .failed } }
    public var checks: [ValidationCheck]
    /// Every sandboxed pytest run made for the task.
    public var runs: [RunSummary]

    enum CodingKeys: String, CodingKey { case id, valid, checks, runs }

    public init(id: String, checks: [ValidationCheck], runs: [RunSummary]) {
        self.id = id
        self.checks = checks
        self.runs = runs
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(valid, forKey: .valid)
        try c.encode(checks, forKey: .checks)
        try c.encode(runs, forKey: .runs)
    }
}

public struct ValidationCheck: Encodable, Sendable {
    public enum Status: String, Encodable, Sendable {
        case passed, failed, skipped
    }

    /// `schema`, `manifest`, `reference`, `starter`, `bug:<name>` or `export`.
    public var name: String
    public var status: Status
    /// One line: what was proven, or why not.
    public var reason: String
    /// One line per test or file at fault.
    public var details: [String]

    static func passed(_ name: String, _ reason: String) -> Self { .init(name: name, status: .passed, reason: reason, details: []) }
    static func skipped(_ name: String, _ reason: String) -> Self { .init(name: name, status: .skipped, reason: reason, details: []) }
    static func failed(_ name: String, _ reason: String, _ details: [String] = []) -> Self {
        .init(name: name, status: .failed, reason: reason, details: details)
    }
}

public struct RunSummary: Encodable, Sendable {
    public var variant: String
    /// The sandbox verdict's status (`ok`, `runtime-error` when tests failed, …).
    public var status: String
    public var wallMS: UInt64
    /// Outcome → number of tests.
    public var outcomes: [String: Int]

    enum CodingKeys: String, CodingKey {
        case variant, status, outcomes
        case wallMS = "wall_ms"
    }
}
