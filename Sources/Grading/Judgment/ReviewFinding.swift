import Foundation
import TaskBank

/// One finding of a candidate's code review: where, what kind, how bad, and what they said.
/// Read from `REVIEW.md` (``ReviewMarkdown``) or `review.yaml` (``ReviewYAML``); the
/// convention is in docs/judgment.md and in the pr-review brief.
public struct ReviewFinding: Codable, Sendable, Equatable {
    /// A path in the submitted tree, as the candidate wrote it (a leading `./`, `a/` or `b/`
    /// removed when that names a real file).
    public var file: String
    public var first: Int
    public var last: Int
    public var category: AnswerKey.Category?
    public var severity: AnswerKey.Severity?
    public var comment: String
    public var fix: String?
    /// Where the finding starts, like `REVIEW.md:12`.
    public var source: String

    public var range: String { first == last ? "\(first)" : "\(first)-\(last)" }
}

/// The findings of one review file, and what was wrong with the entries that could not be
/// read exactly as written. A problem never silently drops a finding that can be understood.
public struct ReviewDocument: Sendable {
    public var file: String
    public var findings: [ReviewFinding] = []
    /// `REVIEW.md:12: …`, in file order.
    public var problems: [String] = []

    /// The review in `tree`: `review.yaml` when present, else `REVIEW.md`; nil when neither is.
    public static func read(in tree: String) -> ReviewDocument? {
        for name in ["review.yaml", "review.yml", "REVIEW.md", "Review.md", "review.md"] {
            let path = tree + "/" + name
            guard FileTree.isFile(path) else { continue }
            guard let data = try? FileTree.read(path), let text = String(data: data, encoding: .utf8) else {
                return ReviewDocument(file: name, problems: ["\(name): is not UTF-8 text"])
            }
            var document = name.hasSuffix(".md") ? ReviewMarkdown.parse(text, file: name) : ReviewYAML.parse(text, file: name)
            document.checkLocations(in: tree)
            return document
        }
        return nil
    }

    /// Resolves each finding's path in `tree` and reports references to missing files or lines.
    mutating func checkLocations(in tree: String) {
        for index in findings.indices {
            var finding = findings[index]
            let candidates = [finding.file] + ["./", "a/", "b/"].filter { finding.file.hasPrefix($0) }.map { String(finding.file.dropFirst($0.count)) }
            guard let found = candidates.first(where: { FileTree.isFile(tree + "/" + $0) }) else {
                problems.append("\(finding.source): \(finding.file) does not exist in the submitted tree")
                continue
            }
            finding.file = found
            let lines = FileTree.lineCount((try? FileTree.read(tree + "/" + found)) ?? Data())
            if finding.first > lines {
                problems.append("\(finding.source): \(found) has \(lines) lines; line \(finding.first) is past its end")
            }
            findings[index] = finding
        }
    }

    /// A category or severity word, forgivingly: case, spaces and underscores do not matter.
    static func normalizedWord(_ text: String) -> String {
        text.trimmingCharacters(in: CharacterSet(charactersIn: " \t*_`.,;:()[]\"'")).lowercased()
            .replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: " ", with: "-")
    }

    static let categoryList = AnswerKey.Category.allCases.map(\.rawValue).joined(separator: ", ")
    static let severityList = AnswerKey.Severity.allCases.map(\.rawValue).joined(separator: ", ")
}
