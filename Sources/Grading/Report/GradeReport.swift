import Foundation
import LoadProbes
import TaskBank

/// `report.json`: everything `probe grade` found about one submission, tied to the rubric.
/// The schema is documented in `docs/report-schema.md`; ``schemaVersion`` changes whenever a
/// stable key changes meaning.
public struct GradeReport: Codable, Sendable {
    public static let currentSchemaVersion = 1

    public enum Audience: String, Codable, Sendable, CaseIterable {
        /// Everything: hidden test names, messages and integrity details.
        case grader
        /// Nothing hidden: public tests by name, hidden tests only as counts.
        case candidate
    }

    public var schemaVersion = GradeReport.currentSchemaVersion
    public var audience: Audience
    public var task: TaskInfo
    public var submission: SubmissionInfo
    public var verdict: VerdictInfo
    public var score: ScoreSummary
    public var tests: [TestEntry]
    /// Hidden tests as counts, for the candidate's view (nil in the grader's).
    public var hiddenSummary: HiddenSummary?
    public var dimensions: [String: Dimension]
    public var integrity: [IntegrityFinding]
    public var codeQuality: CodeQualityReport?
    /// The judgment graders' findings: review matching, mutation scoring, the postmortem.
    public var judgment: Judgment?
    /// Load-probe results (load-hardening tasks): checks, figures, load phases, RSS samples.
    public var probes: [ProbeResult]
    public var tooling: [String: String]
    public var sandbox: SandboxInfo
    public var timing: Timing

    public struct TaskInfo: Codable, Sendable {
        public var id: String
        public var type: TaskType
        public var title: String
        public var digest: String
        /// The digest in the candidate's stamp, when it differs: they worked on another version.
        public var stampDigest: String?

        enum CodingKeys: String, CodingKey {
            case id, type, title, digest
            case stampDigest = "stamp_digest"
        }
    }

    public struct SubmissionInfo: Codable, Sendable {
        /// The file or folder name the grader gave.
        public var name: String
        public var form: String
        public var sha256: String
        public var files: [SubmittedFile]
    }

    public struct VerdictInfo: Codable, Sendable, Equatable {
        public enum Status: String, Codable, Sendable {
            case graded
            case integrityViolation = "integrity-violation"
            case notGraded = "not-graded"
        }

        public var status: Status
        public var reason: String?
    }

    public struct ScoreSummary: Codable, Sendable {
        /// 0–100 over the dimensions that have a score; nil when none has.
        public var percent: Double?
        /// Dimensions whose human part has no score yet.
        public var humanPending: [String]

        enum CodingKeys: String, CodingKey {
            case percent
            case humanPending = "human_pending"
        }
    }

    public struct TestEntry: Codable, Sendable {
        public var id: String
        public var outcome: TestOutcome
        /// `FAIL_TO_PASS` or `PASS_TO_PASS`.
        public var bucket: String
        public var rubric: [String]
        /// Points the test carries in each of its rubric dimensions.
        public var weight: Int
        public var durationMS: Int
        public var message: String

        enum CodingKeys: String, CodingKey {
            case id, outcome, bucket, rubric, weight, message
            case durationMS = "duration_ms"
        }
    }

    public struct HiddenSummary: Codable, Sendable {
        public var total: Int
        public var passed: Int
    }

    public struct Dimension: Codable, Sendable {
        public var title: String
        /// The task's weight for this dimension in the overall score.
        public var weight: Int
        /// Points from the automated checks, out of ``max``.
        public var score: Double
        public var max: Double
        public var evidence: [String]
        /// The human-judged part, for Communication and Decomposition.
        public var human: HumanSlot?
    }

    public struct HumanSlot: Codable, Sendable {
        public var score: Double?
        public var max: Double
        /// What the human grader should read before scoring.
        public var evidence: [String]
        public var citations: [Citation]
        public var grader: String?
    }

    /// A moment a human score rests on: a file and line, a commit, or a quote from the notes.
    public struct Citation: Codable, Sendable, Equatable {
        public var file: String?
        public var line: Int?
        public var commit: String?
        public var quote: String?
        public var comment: String?
    }

    public struct SandboxInfo: Codable, Sendable {
        public var profile: String
        /// Layer name → applied, from the test run's verdict.
        public var layers: [String: Bool]
    }

    public struct Timing: Codable, Sendable {
        public var startedAt: String
        public var wallMS: UInt64
        public var testsMS: UInt64
        public var codeQualityMS: UInt64
        public var probesMS: UInt64 = 0
        /// Taking the submission in: extraction or copy, hashing, neutralizing.
        public var intakeMS: UInt64? = nil
        public var judgmentMS: UInt64? = nil

        enum CodingKeys: String, CodingKey {
            case startedAt = "started_at"
            case wallMS = "wall_ms"
            case testsMS = "tests_ms"
            case codeQualityMS = "code_quality_ms"
            case probesMS = "probes_ms"
            case intakeMS = "intake_ms"
            case judgmentMS = "judgment_ms"
        }
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case audience, task, submission, verdict, score, tests
        case hiddenSummary = "hidden_summary"
        case dimensions, integrity
        case codeQuality = "code_quality"
        case judgment, probes, tooling, sandbox, timing
    }
}

extension GradeReport {
    /// Dimension names in rubric order.
    public var orderedDimensions: [(key: String, value: Dimension)] {
        dimensions.sorted { (RubricDimension(rawValue: $0.key) ?? .communication) < (RubricDimension(rawValue: $1.key) ?? .communication) }
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    public static func decode(_ data: Data, source: String) throws -> GradeReport {
        do {
            let report = try JSONDecoder().decode(GradeReport.self, from: data)
            guard report.schemaVersion == currentSchemaVersion else {
                throw GradingError(.invalidInput, "\(source): schema_version \(report.schemaVersion); this Probe reads version \(currentSchemaVersion)")
            }
            return report
        } catch let error as DecodingError {
            let (field, message) = error.fieldAndMessage
            throw GradingError(.invalidInput, "\(source): \(field.map { $0 + ": " } ?? "")\(message)")
        }
    }
}
