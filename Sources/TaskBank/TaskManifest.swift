import Foundation

/// `task.yaml`: what a task is, its limits, its rubric and its test buckets.
/// Tasks/README.md documents every field; decoding is strict, so a misspelt field is an error.
public struct TaskManifest: Decodable, Sendable {
    public var id: String
    public var type: TaskType
    public var title: String
    public var timebox: TimeSpan
    public var python: Python
    public var limits: Limits
    public var sandbox: SandboxSettings
    /// Dimension → weight, for the dimensions this task is evidence for.
    public var rubric: [RubricDimension: Int]
    public var tests: Buckets
    /// How a regression-tests task scores the candidate's tests with mutants.
    public var mutation: Mutation?
    /// How a load-hardening task's service starts, for its load probes.
    public var service: ServiceSpec?
    /// Load probes run against the live service; each names the rubric dimension it scores.
    public var probes: [ProbeSpec]

    public struct Mutation: Decodable, Sendable {
        /// Python files of the reference tree whose generated mutants the tests must catch.
        public var modules: [String]
        /// The bug under `bugs/` that is the regression the candidate's tests guard against.
        public var originalBug: String

        enum CodingKeys: String, CodingKey, CaseIterable {
            case modules
            case originalBug = "original_bug"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            modules = try c.decode([String].self, forKey: .modules)
            for module in modules where module.hasPrefix("/") || module.split(separator: "/").contains("..") || !module.hasSuffix(".py") {
                throw DecodingError.dataCorruptedError(forKey: .modules, in: c, debugDescription: "expected .py paths relative to the tree, got '\(module)'")
            }
            guard !modules.isEmpty else {
                throw DecodingError.dataCorruptedError(forKey: .modules, in: c, debugDescription: "expected at least one module to mutate")
            }
            originalBug = try c.decode(.originalBug, parse: { TaskManifest.isValidID($0) ? $0 : nil }, expected: "the name of a folder under bugs/")
        }
    }

    public struct Python: Decodable, Sendable {
        public var version: String
        /// Pinned `name==version` lines beyond the grading venv's pytest.
        public var requirements: [Requirement]

        enum CodingKeys: String, CodingKey, CaseIterable { case version, requirements }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            version = try c.decode(.version, parse: { text in
                let parts = text.split(separator: ".")
                return parts.count == 2 && parts.allSatisfy { Int($0) != nil } ? text : nil
            }, expected: "a CPython version like \"3.11\" (quoted, so YAML keeps it text)")
            requirements = try c.decodeIfPresent([Requirement].self, forKey: .requirements) ?? []
        }
    }

    public struct Requirement: TextDecodable, Sendable, Equatable, CustomStringConvertible {
        static let expected = "a pinned requirement like name==1.2.3"
        public var name: String
        public var version: String
        public var description: String { "\(name)==\(version)" }

        public init?(_ text: String) {
            let parts = text.pieces(separatedBy: "==")
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
                  parts[0].allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }),
                  parts[1].allSatisfy({ $0.isLetter || $0.isNumber || "._+!".contains($0) }) else { return nil }
            name = parts[0]
            version = parts[1]
        }
    }

    public struct Limits: Decodable, Sendable {
        public var cpu: TimeSpan
        public var wall: TimeSpan
        public var memory: ByteSize

        enum CodingKeys: String, CodingKey, CaseIterable { case cpu, wall, memory }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            cpu = try c.decode(TimeSpan.self, forKey: .cpu)
            wall = try c.decode(TimeSpan.self, forKey: .wall)
            memory = try c.decode(ByteSize.self, forKey: .memory)
            for (key, seconds) in [(CodingKeys.cpu, cpu.seconds), (.wall, wall.seconds)] where seconds > 24 * 3600 {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected at most 24h for a test run, got \(seconds) s")
            }
            guard memory.bytes <= 64 << 30 else {
                throw DecodingError.dataCorruptedError(forKey: .memory, in: c, debugDescription: "expected at most 64GiB, got \(memory)")
            }
        }
    }

    public struct SandboxSettings: Decodable, Sendable {
        public enum Network: String, CaseIterable, Sendable { case none, loopback }
        /// A profile name under `Sandboxes/`.
        public var profile: String = "pytest"
        public var network: Network = .none

        enum CodingKeys: String, CodingKey, CaseIterable { case profile, network }

        public init() {}

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if c.contains(.profile) {
                profile = try c.decode(.profile, parse: { name in
                    name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } && !name.isEmpty ? name : nil
                }, expected: "a profile name under Sandboxes/, like pytest or service")
            }
            if c.contains(.network) { network = try c.decodeEnum(.network) }
        }
    }

    public struct Buckets: Decodable, Sendable {
        /// Hidden tests that fail on the starter and pass on the reference.
        public var failToPass: [TestID]
        /// Tests that pass on both.
        public var passToPass: [TestID]
        public var all: [TestID] { failToPass + passToPass }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case failToPass = "fail_to_pass"
            case passToPass = "pass_to_pass"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            failToPass = try c.decode([TestID].self, forKey: .failToPass)
            passToPass = try c.decode([TestID].self, forKey: .passToPass)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, type, title, timebox, python, limits, sandbox, rubric, tests, mutation, service, probes
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(.id, parse: { Self.isValidID($0) ? $0 : nil },
                          expected: "lowercase letters, digits and single dashes, like catalog-load-hardening")
        type = try c.decodeEnum(.type)
        title = try c.decode(.title, parse: { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }, expected: "a non-empty title")
        timebox = try c.decode(.timebox, parse: { text in
            TimeSpan(text).flatMap { text.contains("s") ? nil : $0 }
        }, expected: "hours and minutes, like 3h, 90m or 1h30m")
        python = try c.decode(Python.self, forKey: .python)
        limits = try c.decode(Limits.self, forKey: .limits)
        sandbox = try c.decodeIfPresent(SandboxSettings.self, forKey: .sandbox) ?? SandboxSettings()
        rubric = try Self.decodeRubric(c)
        tests = try c.decode(Buckets.self, forKey: .tests)
        mutation = try c.decodeIfPresent(Mutation.self, forKey: .mutation)
        service = try c.decodeIfPresent(ServiceSpec.self, forKey: .service)
        probes = try c.decodeIfPresent([ProbeSpec].self, forKey: .probes) ?? []
        if !probes.isEmpty && service == nil {
            throw DecodingError.dataCorruptedError(forKey: .probes, in: c, debugDescription: "load probes need a service: section that says how to start the service")
        }
        var names: Set<String> = []
        for probe in probes where !names.insert(probe.name).inserted {
            throw DecodingError.dataCorruptedError(forKey: .probes, in: c, debugDescription: "probe name '\(probe.name)' is used twice")
        }
    }

    private static func decodeRubric(_ c: KeyedDecodingContainer<CodingKeys>) throws -> [RubricDimension: Int] {
        let nested = try c.nestedContainer(keyedBy: AnyKey.self, forKey: .rubric)
        var rubric: [RubricDimension: Int] = [:]
        for key in nested.allKeys {
            guard let dimension = RubricDimension(rawValue: key.stringValue) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: nested, debugDescription: "unknown rubric dimension; expected one of \(RubricDimension.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let weight = try nested.decode(Int.self, forKey: key)
            guard weight > 0 else {
                throw DecodingError.dataCorruptedError(forKey: key, in: nested, debugDescription: "expected a positive whole-number weight, got \(weight)")
            }
            rubric[dimension] = weight
        }
        guard !rubric.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .rubric, in: c, debugDescription: "expected at least one dimension with its weight")
        }
        return rubric
    }

    static func isValidID(_ id: String) -> Bool {
        guard let first = id.first, first.isLowercase || first.isNumber, id.last != "-", !id.contains("--") else { return false }
        return id.allSatisfy { ($0.isLowercase && $0.isASCII) || ($0.isNumber && $0.isASCII) || $0 == "-" }
    }
}
