import Foundation
import TaskBank

/// An incident-debug submission's `INCIDENT.md`: which of the required sections it has, and
/// whether the Root cause section's `path:line` references land on a root cause in the key
/// (same file, a line within the key's range widened by ``ReviewAssessment/tolerance``).
/// Blaming where the symptom showed is not a match: only answers of kind `root-cause` count.
public struct PostmortemAssessment: Codable, Sendable {
    public static let requiredSections = ["Summary", "Impact", "Timeline", "Root cause", "Trigger", "Fix", "Prevention"]

    public struct Section: Codable, Sendable {
        public var name: String
        public var present: Bool
        public var words: Int
    }

    /// Nil when the submission has no INCIDENT.md.
    public var file: String?
    public var sections: [Section]
    /// The references in the Root cause section, as written.
    public var rootCauseReferences: [String]
    /// Key answers of kind `root-cause` the references land on.
    public var matchedRootCauses: [String]
    public var rootCauseCount: Int
    /// Contributing factors cited anywhere in the postmortem.
    public var citedContributingFactors: [String]

    enum CodingKeys: String, CodingKey {
        case file, sections
        case rootCauseReferences = "root_cause_references"
        case matchedRootCauses = "matched_root_causes"
        case rootCauseCount = "root_cause_count"
        case citedContributingFactors = "cited_contributing_factors"
    }

    public init(tree: String, key: AnswerKey, type: TaskType) {
        let roots = key.answers.filter { $0.kind(in: type) == .rootCause }
        rootCauseCount = roots.count
        guard let name = Self.file(in: tree), let data = try? FileTree.read(tree + "/" + name) else {
            file = nil
            sections = Self.requiredSections.map { Section(name: $0, present: false, words: 0) }
            rootCauseReferences = []
            matchedRootCauses = []
            citedContributingFactors = []
            return
        }
        file = name
        let bodies = Self.sections(of: String(decoding: data, as: UTF8.self))
        sections = Self.requiredSections.map { section in
            let words = (Self.body(section, in: bodies) ?? "").split(whereSeparator: \.isWhitespace).count
            return Section(name: section, present: words > 0, words: words)
        }
        let cited = Self.references(in: Self.body("Root cause", in: bodies) ?? "")
        rootCauseReferences = cited.map { "\($0.path):\($0.line)" }
        matchedRootCauses = roots.filter { answer in cited.contains { Self.lands($0, on: answer) } }.map(\.id)
        let everywhere = Self.references(in: bodies.map(\.body).joined(separator: "\n"))
        citedContributingFactors = key.answers.filter { $0.kind(in: type) == .contributingFactor }
            .filter { answer in everywhere.contains { Self.lands($0, on: answer) } }.map(\.id)
    }

    /// The postmortem's file name in `tree`, if it has one.
    static func file(in tree: String) -> String? {
        ["INCIDENT.md", "incident.md", "POSTMORTEM.md"].first { FileTree.isFile(tree + "/" + $0) }
    }

    /// The body of the first section whose heading starts with `name`; nil without one.
    static func body(_ name: String, in sections: [(title: String, body: String)]) -> String? {
        sections.first { $0.title.hasPrefix(name.lowercased()) }?.body
    }

    /// The document's sections by lowercased heading, in order.
    static func sections(of text: String) -> [(title: String, body: String)] {
        var result: [(title: String, body: String)] = []
        for line in text.lines() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") {
                let title = trimmed.drop { $0 == "#" }.trimmingCharacters(in: CharacterSet(charactersIn: " #*_`:"))
                result.append((title.lowercased(), ""))
            } else if !result.isEmpty {
                result[result.count - 1].body += line + "\n"
            }
        }
        return result
    }

    /// `path.py:N` and `path.py:N-M` references (each line of a range counts as cited).
    static func references(in text: String) -> [(path: String, line: Int, last: Int)] {
        guard let regex = try? NSRegularExpression(pattern: #"([A-Za-z0-9_./-]*[A-Za-z0-9_-]\.py):(\d+)(?:\s*[-–]\s*(\d+))?"#) else { return [] }
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).compactMap { match in
            guard let line = Int(ns.substring(with: match.range(at: 2))) else { return nil }
            let last = match.range(at: 3).location == NSNotFound ? line : Int(ns.substring(with: match.range(at: 3))) ?? line
            return (ns.substring(with: match.range(at: 1)), line, max(line, last))
        }
    }

    /// The reference names the answer's file (or ends with its name) and overlaps its lines.
    static func lands(_ reference: (path: String, line: Int, last: Int), on answer: AnswerKey.Answer) -> Bool {
        let path = reference.path.hasPrefix("./") ? String(reference.path.dropFirst(2)) : reference.path
        guard path == answer.file || answer.file.hasSuffix("/" + path) else { return false }
        let tolerance = ReviewAssessment.tolerance
        return reference.line <= answer.lines.last + tolerance && reference.last >= answer.lines.first - tolerance
    }

    /// Points for Communication: 1 per required section with content, and as many again for
    /// naming the root cause(s) the key names.
    var points: (score: Double, max: Double) {
        let present = Double(sections.filter(\.present).count)
        let required = Double(Self.requiredSections.count)
        let causes = rootCauseCount == 0 ? 0 : Double(matchedRootCauses.count) / Double(rootCauseCount)
        return (present + required * causes, 2 * required)
    }
}
