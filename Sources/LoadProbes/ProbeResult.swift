import Load
import TaskBank

/// What one probe found on one tree, with the evidence behind the verdict. Part of
/// `report.json`'s `probes` list.
public struct ProbeResult: Codable, Sendable {
    /// One assertion: what was measured, against what limit.
    public struct Check: Codable, Sendable, Equatable {
        public var name: String
        public var passed: Bool
        public var actual: String
        public var limit: String
    }

    /// One load run of the probe, for the report's tables and plots.
    public struct Phase: Codable, Sendable {
        public var label: String
        public var load: LoadReport
    }

    public var name: String
    public var kind: ProbeSpec.Kind
    public var rubric: RubricDimension
    public var weight: Int
    public var defect: String?
    public var passed: Bool
    /// Why the probe could not measure (a service that never became ready, crashed…); a
    /// probe that could not measure has failed.
    public var error: String?
    public var checks: [Check]
    public var metrics: [String: Double]
    /// The reference solution's figures from the same run, where thresholds are relative.
    public var referenceMetrics: [String: Double]?
    public var phases: [Phase]
    /// The service tree's RSS and threads, every 250 ms.
    public var samples: [ProcessTree.Sample]
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case name, kind, rubric, weight, defect, passed, error, checks, metrics, phases, samples, notes
        case referenceMetrics = "reference_metrics"
    }

    /// One line per failed check (or the error), for evidence lists.
    public var failures: [String] {
        if let error { return [error] }
        return checks.filter { !$0.passed }.map { "\($0.name): \($0.actual) (limit \($0.limit))" }
    }
}

/// What measuring one probe on one service produced, before it is judged.
public struct ProbeMeasurement: Sendable {
    public var metrics: [String: Double] = [:]
    var phases: [ProbeResult.Phase] = []
    var samples: [ProcessTree.Sample] = []
    var notes: [String] = []
    /// Checks that are facts of the run rather than thresholds (unique ids, a counter that adds up).
    var facts: [ProbeResult.Check] = []

    subscript(_ key: String) -> Double? {
        get { metrics[key] }
        set { metrics[key] = newValue }
    }
}

extension ProbeResult.Check {
    static func atMost(_ name: String, _ actual: Double, _ limit: Double, unit: String = "") -> Self {
        .init(name: name, passed: actual <= limit, actual: format(actual) + unit, limit: "≤ " + format(limit) + unit)
    }

    static func atLeast(_ name: String, _ actual: Double, _ limit: Double, unit: String = "") -> Self {
        .init(name: name, passed: actual >= limit, actual: format(actual) + unit, limit: "≥ " + format(limit) + unit)
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        let scaled = (value * 100).rounded() / 100
        return String(scaled)
    }
}

extension ProbeResult {
    /// The candidate's view: what was measured and whether it held, without the defect the
    /// probe was written to catch (that is the answer key) or the grader's notes.
    public var redactedForCandidate: ProbeResult {
        var copy = self
        copy.defect = nil
        copy.notes = []
        return copy
    }
}
