import Foundation
import TaskBank

/// A pr-review submission's findings scored against the task's answer key.
///
/// A finding catches a planted defect when it names the same file and its lines overlap the
/// key's, widened by ``tolerance`` lines on each side. When one finding overlaps several
/// defects, the one with the same category, then the larger overlap, then the narrower
/// range wins. Each caught
/// defect earns a flag credit of up to 1, calibrated by category and severity (see
/// ``credit(for:answer:)``); docs/judgment.md has the whole rule.
public struct ReviewAssessment: Codable, Sendable {
    public static let tolerance = 3

    public struct Defect: Codable, Sendable {
        public var id: String
        public var file: String
        public var lines: String
        public var category: AnswerKey.Category
        public var severity: AnswerKey.Severity
        public var caught: Bool
        /// The finding that caught it, like `REVIEW.md:12`.
        public var by: String?
        /// 0–1 after category and severity calibration.
        public var credit: Double
        public var notes: [String]
        /// Every hidden test proving the defect passed on the submission: the candidate fixed it.
        public var fixed: Bool
    }

    /// `REVIEW.md` or `review.yaml`; nil when the submission has neither.
    public var file: String?
    public var findings: [ReviewFinding]
    public var problems: [String]
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public var defects: [Defect]
    /// Findings that match no planted defect, for the human grader: they may be real finds
    /// the key lacks.
    public var unmatched: [ReviewFinding]

    public init(document: ReviewDocument?, key: AnswerKey, results: [String: TestResult]) {
        file = document?.file
        findings = document?.findings ?? []
        problems = document?.problems ?? []
        let answers = key.answers
        // Each finding goes to its best-overlapping answer, if any.
        var byAnswer: [Int: [ReviewFinding]] = [:]
        var matched = 0
        unmatched = []
        for finding in findings {
            // Same category first, then the larger overlap, then the narrower answer.
            let scored = answers.indices.compactMap { index -> (Int, Int, Int, Int)? in
                guard let overlap = Self.overlap(finding, answers[index]) else { return nil }
                let span = answers[index].lines.last - answers[index].lines.first
                return (index, finding.category == answers[index].category ? 1 : 0, overlap, -span)
            }
            if let best = scored.max(by: { ($0.1, $0.2, $0.3) < ($1.1, $1.2, $1.3) }) {
                byAnswer[best.0, default: []].append(finding)
                matched += 1
            } else {
                unmatched.append(finding)
            }
        }
        defects = answers.enumerated().map { index, answer in
            let candidates = (byAnswer[index] ?? []).map { ($0, Self.credit(for: $0, answer: answer)) }
            let best = candidates.max { $0.1.credit < $1.1.credit }
            let fixed = !answer.tests.isEmpty && answer.tests.allSatisfy { results[$0.raw]?.outcome == .passed }
            return Defect(id: answer.id, file: answer.file, lines: answer.lines.description, category: answer.category,
                          severity: answer.severity, caught: best != nil, by: best?.0.source, credit: best?.1.credit ?? 0,
                          notes: best?.1.notes ?? [], fixed: fixed)
        }
        precision = findings.isEmpty ? 0 : Double(matched) / Double(findings.count)
        recall = answers.isEmpty ? 0 : Double(defects.filter(\.caught).count) / Double(answers.count)
        f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }

    /// Lines shared by the finding and the answer, widened by the tolerance; nil when none.
    static func overlap(_ finding: ReviewFinding, _ answer: AnswerKey.Answer) -> Int? {
        guard finding.file == answer.file else { return nil }
        let low = max(finding.first, answer.lines.first - tolerance)
        let high = min(finding.last, answer.lines.last + tolerance)
        return high >= low ? high - low + 1 : nil
    }

    /// The flag credit of a finding that caught `answer`: 1, times 0.9 without a category or
    /// 0.75 for another one, times 0.75 without a severity, 0.75 one step off, 0.25 two or
    /// more steps off (a race called a nit).
    static func credit(for finding: ReviewFinding, answer: AnswerKey.Answer) -> (credit: Double, notes: [String]) {
        var credit = 1.0
        var notes: [String] = []
        switch finding.category {
        case nil:
            credit *= 0.9
            notes.append("no category given (×0.9)")
        case answer.category?:
            break
        case let other?:
            credit *= 0.75
            notes.append("category \(other.rawValue), the key says \(answer.category.rawValue) (×0.75)")
        }
        if let severity = finding.severity {
            let steps = abs(severity.rank - answer.severity.rank)
            if steps > 0 {
                let factor = steps == 1 ? 0.75 : 0.25
                credit *= factor
                notes.append("severity \(severity.rawValue) for a \(answer.severity.rawValue) defect (×\(factor))")
            }
        } else {
            credit *= 0.75
            notes.append("no severity given (×0.75)")
        }
        return (credit, notes)
    }

    /// Points for Judgment with AI: 2 per defect for flagging it (times its credit) and 1 per
    /// defect times the review's precision, so noise costs something but never more than
    /// what was found.
    var points: (score: Double, max: Double) {
        let count = Double(defects.count)
        return (2 * defects.map(\.credit).reduce(0, +) + count * precision, 3 * count)
    }
}
