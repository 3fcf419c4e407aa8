import Foundation
import Yams

/// `probe score REPORT --scores FILE`: merges a human grader's scores into a report. Every
/// score must cite at least one moment the report can check: a file and line of the
/// submission, a commit of its history, or a quote from the candidate's notes.
///
///     grader: Ada
///     scores:
///       - dimension: communication
///         score: 4
///         citations:
///           - file: INCIDENT.md
///             line: 12
///             comment: names the release path, not the symptom
///           - quote: "the lease was released before the send finished"
///       - dimension: decomposition
///         score: 3
///         citations:
///           - commit: 4f2a9c1
public struct HumanScores: Decodable, Sendable {
    public struct Entry: Decodable, Sendable {
        public var dimension: String
        public var score: Double
        public var citations: [GradeReport.Citation]
    }

    public var grader: String?
    public var scores: [Entry]

    public static func load(_ path: String) throws -> HumanScores {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GradingError(.invalidInput, "\(path): cannot read the scores file")
        }
        do {
            return try YAMLDecoder().decode(HumanScores.self, from: data)
        } catch let error as DecodingError {
            let (field, message) = error.fieldAndMessage
            throw GradingError(.invalidInput, "\(path): \(field.map { $0 + ": " } ?? "")\(message)")
        } catch {
            throw GradingError(.invalidInput, "\(path): not YAML Probe can read: \(error)")
        }
    }

    /// Checks every score and citation against `report` and writes them into its human slots.
    /// Nothing is merged unless everything checks out; errors name the entry and field.
    public func merge(into report: inout GradeReport, source: String) throws {
        var report2 = report
        for (index, entry) in scores.enumerated() {
            let at = "\(source): scores[\(index)]"
            guard var dimension = report2.dimensions[entry.dimension] else {
                throw GradingError(.invalidInput, "\(at).dimension: '\(entry.dimension)' is not a dimension of this task; expected one of \(report2.dimensions.keys.sorted().joined(separator: ", "))")
            }
            guard var slot = dimension.human else {
                let open = report2.dimensions.filter { $0.value.human != nil }.keys.sorted().joined(separator: ", ")
                throw GradingError(.invalidInput, "\(at).dimension: '\(entry.dimension)' is scored by the automated checks only; expected one of \(open)")
            }
            guard entry.score >= 0, entry.score <= slot.max else {
                throw GradingError(.invalidInput, "\(at).score: expected 0 to \(GradeReport.format(slot.max)), got \(GradeReport.format(entry.score))")
            }
            guard !entry.citations.isEmpty else {
                throw GradingError(.invalidInput, "\(at).citations: a score must cite at least one moment: a file and line, a commit, or a quote from the notes")
            }
            for (number, citation) in entry.citations.enumerated() {
                try check(citation, report: report2, at: "\(at).citations[\(number)]")
            }
            slot.score = entry.score
            slot.citations = entry.citations
            slot.grader = grader
            dimension.human = slot
            report2.dimensions[entry.dimension] = dimension
        }
        report2.rescore()
        report = report2
    }

    private func check(_ citation: GradeReport.Citation, report: GradeReport, at: String) throws {
        let kinds = [citation.file != nil, citation.commit != nil, citation.quote != nil].filter { $0 }.count
        guard kinds == 1 else {
            throw GradingError(.invalidInput, "\(at): expected exactly one of file (with line), commit or quote, got \(kinds)")
        }
        if let file = citation.file {
            guard let known = report.submission.files.first(where: { $0.path == file }) else {
                throw GradingError(.invalidInput, "\(at).file: '\(file)' is not a file of the submission")
            }
            guard let line = citation.line else { throw GradingError(.invalidInput, "\(at).line: a file citation needs the line it points at") }
            guard let lines = known.lines, line >= 1, line <= lines else {
                throw GradingError(.invalidInput, "\(at).line: \(file) has \(known.lines.map(String.init) ?? "no text") lines; line \(line) is not one of them")
            }
        } else if let commit = citation.commit {
            let commits = report.codeQuality?.commits ?? []
            guard commit.count >= 7, commits.contains(where: { $0.hash.hasPrefix(commit.lowercased()) }) else {
                throw GradingError(.invalidInput, "\(at).commit: '\(commit)' is not a commit of the submission's history (give at least 7 hex digits; it has \(commits.count) commits)")
            }
        } else if let quote = citation.quote {
            let normalize = { (text: String) in text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            let wanted = normalize(quote)
            let notes = report.codeQuality?.notes ?? []
            guard wanted.count >= 8, notes.contains(where: { normalize($0.text).contains(wanted) }) else {
                throw GradingError(.invalidInput, "\(at).quote: not found word for word in the candidate's notes (\(notes.map(\.path).joined(separator: ", ")))")
            }
        }
    }
}
