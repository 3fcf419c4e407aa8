import Foundation

/// `bugs/<name>/bug.yaml`: what a planted bug plays, and which tests and load probes must catch it.
public struct BugManifest: Decodable, Sendable {
    /// One line, for reports.
    public var description: String
    /// Tests that must each fail on the bug.
    public var caughtBy: [TestID]
    /// Load probes (by name, from task.yaml's `probes`) that must each fail on the bug.
    public var caughtByProbes: [String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case description
        case caughtBy = "caught_by"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        description = try c.decode(.description, parse: { text in
            let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return line.isEmpty || line.contains("\n") ? nil : line
        }, expected: "a one-line description")
        // A test id has `::`; anything else must be the name of one of the task's load probes,
        // which TaskChecker verifies once task.yaml is known.
        let entries = try c.decode([String].self, forKey: .caughtBy)
        caughtBy = []
        caughtByProbes = []
        for entry in entries {
            if entry.contains("::") {
                guard let id = TestID(entry) else {
                    throw DecodingError.dataCorruptedError(forKey: .caughtBy, in: c, debugDescription: "'\(entry)': expected \(TestID.expected)")
                }
                caughtBy.append(id)
            } else if ProbeSpec.isValidName(entry) {
                caughtByProbes.append(entry)
            } else {
                throw DecodingError.dataCorruptedError(forKey: .caughtBy, in: c, debugDescription: "'\(entry)': expected \(TestID.expected), or the name of a load probe")
            }
        }
        guard !entries.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .caughtBy, in: c, debugDescription: "expected at least one test id (or load probe) that must fail on this bug")
        }
    }
}

/// `key.yaml`: the answer key for pr-review (planted defects) and incident-debug (root causes).
public struct AnswerKey: Decodable, Sendable {
    public var answers: [Answer]

    public enum Category: String, CaseIterable, Sendable, Codable {
        case correctness, concurrency, security, performance, testing
        case errorHandling = "error-handling"
        case resourceManagement = "resource-management"
        case apiCompatibility = "api-compatibility"
        case dataIntegrity = "data-integrity"
    }

    public enum Severity: String, CaseIterable, Sendable, Codable, Comparable {
        case nit, minor, major, critical

        /// nit 0 … critical 3, for calibration.
        public var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    /// What an answer is: a planted defect (pr-review), or an incident's root cause or a
    /// contributing factor (incident-debug). A postmortem is matched on its root causes only.
    public enum Kind: String, CaseIterable, Sendable, Codable {
        case defect
        case rootCause = "root-cause"
        case contributingFactor = "contributing-factor"
    }

    public struct Answer: Decodable, Sendable {
        public var id: String
        /// Path in `starter/`, the tree the candidate reads.
        public var file: String
        public var lines: LineRange
        public var category: Category
        public var severity: Severity
        public var summary: String
        /// Hidden tests that prove the answer is real.
        public var tests: [TestID]
        /// Absent: `defect` in a pr-review key, `root-cause` in an incident-debug key.
        public var kind: Kind?

        enum CodingKeys: String, CodingKey, CaseIterable { case id, file, lines, category, severity, summary, tests, kind }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(.id, parse: { TaskManifest.isValidID($0) ? $0 : nil }, expected: "lowercase letters, digits and dashes")
            file = try c.decode(.file, parse: { path in
                path.hasPrefix("/") || path.split(separator: "/").contains("..") || path.isEmpty ? nil : path
            }, expected: "a path relative to starter/")
            lines = try c.decode(LineRange.self, forKey: .lines)
            category = try c.decodeEnum(.category)
            severity = try c.decodeEnum(.severity)
            summary = try c.decode(String.self, forKey: .summary)
            tests = try c.decode([TestID].self, forKey: .tests)
            kind = c.contains(.kind) ? try c.decodeEnum(.kind) : nil
        }

        /// The answer's kind in a task of `type`.
        public func kind(in type: TaskType) -> Kind {
            kind ?? (type == .incidentDebug ? .rootCause : .defect)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case answers }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        answers = try c.decode([Answer].self, forKey: .answers)
        guard !answers.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .answers, in: c, debugDescription: "expected at least one answer")
        }
    }
}
