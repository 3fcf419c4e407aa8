import Foundation
import TaskBank

/// Reads `REVIEW.md`. The convention is forgiving on purpose: a finding is any line whose
/// first word (after list markers, heading marks, bold, backticks or a link bracket) is a
/// `path:line` or `path:start-end` reference (`path#L40-L52` works too). The entry runs to the
/// next such line or the next heading without one (a closing "Verdict" section, say).
/// `category: X`, `severity: Y` and `fix: …` may appear anywhere in the entry, bold or not;
/// without them, a category or severity word in the reference line counts. The rest is the
/// comment.
enum ReviewMarkdown {
    static func parse(_ text: String, file: String) -> ReviewDocument {
        var document = ReviewDocument(file: file)
        var current: (line: Int, reference: Reference, header: String, body: [String])?

        func finish() {
            guard let entry = current else { return }
            document.findings.append(finding(entry.line, entry.reference, header: entry.header, body: entry.body, file: file, problems: &document.problems))
            current = nil
        }

        for (index, line) in text.lines().enumerated() {
            if let (reference, rest) = Reference.leading(line) {
                finish()
                current = (index + 1, reference, rest, [])
            } else if line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
                finish()
            } else {
                current?.body.append(line)
            }
        }
        finish()
        if document.findings.isEmpty {
            document.problems.append("\(file): no findings; start each finding with a path:line or path:start-end reference, like fxrates/cache.py:40-52")
        }
        return document
    }

    private static func finding(_ line: Int, _ reference: Reference, header: String, body: [String], file: String,
                                problems: inout [String]) -> ReviewFinding {
        let source = "\(file):\(line)"
        var first = reference.first, last = reference.last
        if last < first {
            problems.append("\(source): the range \(first)-\(last) runs backwards; write start-end (read as \(last)-\(first))")
            swap(&first, &last)
        }
        var category: AnswerKey.Category?, severity: AnswerKey.Severity?
        var comment: [String] = [], fix: [String] = []
        var inFix = false
        for text in [header] + body {
            let (fields, remainder) = Self.fields(in: text)
            for (name, value) in fields {
                switch name {
                case "category":
                    category = parse(value, as: AnswerKey.Category.self, field: name, source: source, problems: &problems) ?? category
                case "severity":
                    severity = parse(value, as: AnswerKey.Severity.self, field: name, source: source, problems: &problems) ?? severity
                default:
                    break
                }
            }
            let plain = remainder
            if let range = plain.range(of: #"^(suggested )?fix\s*[:=]\s*"#, options: [.regularExpression, .caseInsensitive]) {
                inFix = true
                fix.append(String(plain[range.upperBound...]))
            } else if !(plain.isEmpty && !fields.isEmpty) {
                if plain.isEmpty { inFix = false }
                if inFix { fix.append(plain) } else { comment.append(plain) }
            }
        }
        // Without explicit fields, a category or severity word in the reference line counts.
        let words = header.lowercased().split { !($0.isLetter || $0 == "-") }.map(String.init)
        if category == nil { category = words.lazy.compactMap(AnswerKey.Category.init(rawValue:)).first }
        if severity == nil { severity = words.lazy.compactMap(AnswerKey.Severity.init(rawValue:)).first }
        let commentText = comment.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if commentText.isEmpty { problems.append("\(source): the finding has no comment; say what goes wrong and how to fix it") }
        let fixText = fix.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return ReviewFinding(file: reference.path, first: first, last: last, category: category, severity: severity,
                             comment: commentText, fix: fixText.isEmpty ? nil : fixText, source: source)
    }

    /// `category: X` and `severity: Y` pairs anywhere in a line, bold or not, and the line's
    /// plain text without them.
    private static func fields(in line: String) -> (fields: [(String, String)], remainder: String) {
        let plain = Self.plain(line)
        guard let regex = try? NSRegularExpression(pattern: #"\b(category|severity)\s*[:=]\s*([A-Za-z][A-Za-z-]*(?:[ _][A-Za-z][A-Za-z-]*)?)"#,
                                                   options: [.caseInsensitive]) else { return ([], plain) }
        let ns = plain as NSString
        let matches = regex.matches(in: plain, range: NSRange(location: 0, length: ns.length))
        let fields = matches.map { match in
            (ns.substring(with: match.range(at: 1)).lowercased(), ns.substring(with: match.range(at: 2)))
        }
        let remainder = regex.stringByReplacingMatches(in: plain, range: NSRange(location: 0, length: ns.length), withTemplate: "")
        return (fields, remainder.trimmingCharacters(in: CharacterSet(charactersIn: " \t,.;:|·—-")))
    }

    /// A value of `type`: the two-word reading first (`error handling`), then the first word.
    private static func parse<T: RawRepresentable>(_ value: String, as type: T.Type, field: String, source: String,
                                                   problems: inout [String]) -> T? where T.RawValue == String {
        let whole = ReviewDocument.normalizedWord(value)
        if let parsed = T(rawValue: whole) { return parsed }
        let firstWord = ReviewDocument.normalizedWord(String(value.split(whereSeparator: { $0 == " " || $0 == "_" }).first ?? ""))
        if let parsed = T(rawValue: firstWord) { return parsed }
        let allowed = field == "category" ? ReviewDocument.categoryList : ReviewDocument.severityList
        problems.append("\(source): \(field) '\(firstWord)' is not one of: \(allowed)")
        return nil
    }

    /// The line without list markers, emphasis and backticks.
    static func plain(_ line: String) -> String {
        var text = line.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: "")
        text = text.trimmingCharacters(in: .whitespaces)
        for marker in ["- ", "* ", "+ ", "> "] where text.hasPrefix(marker) { text = String(text.dropFirst(2)) }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// A `path:line`, `path:start-end` or `path#Lstart-Lend` reference.
    struct Reference {
        var path: String
        var first: Int
        var last: Int

        private static let pattern = try? NSRegularExpression(
            pattern: #"^([A-Za-z0-9_./-]*[A-Za-z0-9_-]\.[A-Za-z0-9]+)(?::|#)L?(\d+)(?:\s*[-–]\s*L?(\d+))?"#)

        /// The reference a line starts with, and the rest of the line after it.
        static func leading(_ line: String) -> (Reference, String)? {
            var text = Substring(line)
            // Strip what Markdown puts before the first word: indentation, list markers and
            // numbers, heading marks, quotes, emphasis, backticks and a link's bracket.
            while let first = text.first {
                if " \t#>*_`[-+".contains(first) {
                    text = text.dropFirst()
                } else if first.isNumber, let end = text.firstIndex(where: { !$0.isNumber }), ".)".contains(text[end]),
                          text.index(after: end) < text.endIndex, text[text.index(after: end)] == " " {
                    text = text[text.index(after: end)...]
                } else {
                    break
                }
            }
            let candidate = String(text)
            let ns = candidate as NSString
            guard let match = pattern?.firstMatch(in: candidate, range: NSRange(location: 0, length: ns.length)),
                  let first = Int(ns.substring(with: match.range(at: 2))) else { return nil }
            let last = match.range(at: 3).location == NSNotFound ? first : Int(ns.substring(with: match.range(at: 3))) ?? first
            guard first >= 1, last >= 1 else { return nil }
            let rest = ns.substring(from: match.range.location + match.range.length)
            return (Reference(path: ns.substring(with: match.range(at: 1)), first: first, last: last), rest)
        }
    }
}
