import Foundation
import TaskBank

/// How one test ended. Every test of a run ends as exactly one of these: never silently a
/// pass, never silently missing.
public enum TestOutcome: String, Codable, Sendable, CaseIterable {
    case passed
    case failed
    case error
    case timeout
    case notRun = "not-run"

    /// A test that did not pass, for whatever reason, cannot count as passing.
    public var isFailure: Bool { self != .passed }
}

/// A rubric marker on a test: `@pytest.mark.rubric("verification", weight=2)`.
public struct RubricTag: Codable, Sendable, Equatable {
    /// As written in the marker; checked against ``RubricDimension`` by the validator.
    public var dimension: String
    public var weight: Int
}

public struct TestResult: Codable, Sendable, Equatable {
    public var id: String
    public var outcome: TestOutcome
    /// pytest's short report for a failure, the skip reason, or why the test did not run.
    public var message: String
    public var durationMS: Int
    /// True when pytest ran the test and reported on it; false for an outcome Probe had to
    /// infer (its module failed to import, the run ended before or while it ran).
    public var executed: Bool

    public init(id: String, outcome: TestOutcome, message: String = "", durationMS: Int = 0, executed: Bool = false) {
        self.id = id
        self.outcome = outcome
        self.message = message
        self.durationMS = durationMS
        self.executed = executed
    }

    /// The first line of the message, short enough for a one-line report.
    public var headline: String {
        let line = message.split(separator: "\n").first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) ?? ""
        return line.count > 160 ? String(line.prefix(157)) + "..." : String(line)
    }
}
