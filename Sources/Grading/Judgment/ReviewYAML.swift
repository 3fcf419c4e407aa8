import Foundation
import TaskBank
import Yams

/// Reads `review.yaml`: a list of findings, at the top level or under `findings:`, each a
/// mapping with `file`, `line` (a number) or `range` (`"40-52"` or `[40, 52]`), `category`,
/// `severity`, `comment` and an optional `fix`. Problems name the line they are on.
enum ReviewYAML {
    static let fields: Set<String> = ["file", "line", "range", "lines", "category", "severity", "comment", "fix"]

    static func parse(_ text: String, file: String) -> ReviewDocument {
        var document = ReviewDocument(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            document.problems.append("\(file): not valid YAML: \(error)")
            return document
        } catch {
            document.problems.append("\(file): not valid YAML: \(error)")
            return document
        }
        var list = root
        if let mapping = root?.mapping {
            list = mapping["findings"]
            if list == nil { document.problems.append("\(file):\(line(root)): expected a `findings:` list") }
        }
        guard let items = list?.sequence else {
            if list != nil { document.problems.append("\(file):\(line(list)): expected a list of findings") }
            return document
        }
        for (index, item) in items.enumerated() {
            let source = "\(file):\(line(item))"
            guard let mapping = item.mapping else {
                document.problems.append("\(source): finding \(index + 1) is not a mapping with file, line or range, category, severity and comment")
                continue
            }
            if let finding = finding(mapping, source: source, number: index + 1, problems: &document.problems) {
                document.findings.append(finding)
            }
        }
        if document.findings.isEmpty && document.problems.isEmpty {
            document.problems.append("\(file): no findings")
        }
        return document
    }

    private static func finding(_ mapping: Node.Mapping, source: String, number: Int, problems: inout [String]) -> ReviewFinding? {
        for key in mapping.keys {
            let name = key.string ?? ""
            if !fields.contains(name) {
                problems.append("\(source): finding \(number) has an unknown field '\(name)'; expected \(fields.sorted().joined(separator: ", "))")
            }
        }
        guard let path = mapping["file"]?.string, !path.isEmpty else {
            problems.append("\(source): finding \(number) has no `file`")
            return nil
        }
        guard let (first, last) = lines(mapping, source: source, number: number, problems: &problems) else { return nil }
        var category: AnswerKey.Category?, severity: AnswerKey.Severity?
        if let value = mapping["category"]?.string {
            category = AnswerKey.Category(rawValue: ReviewDocument.normalizedWord(value))
            if category == nil { problems.append("\(file(mapping["category"], source)): category '\(value)' is not one of: \(ReviewDocument.categoryList)") }
        }
        if let value = mapping["severity"]?.string {
            severity = AnswerKey.Severity(rawValue: ReviewDocument.normalizedWord(value))
            if severity == nil { problems.append("\(file(mapping["severity"], source)): severity '\(value)' is not one of: \(ReviewDocument.severityList)") }
        }
        let comment = (mapping["comment"]?.string ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if comment.isEmpty { problems.append("\(source): finding \(number) has no `comment`") }
        let fix = mapping["fix"]?.string?.trimmingCharacters(in: .whitespacesAndNewlines)
        return ReviewFinding(file: path, first: first, last: last, category: category, severity: severity, comment: comment,
                             fix: fix?.isEmpty == false ? fix : nil, source: source)
    }

    private static func lines(_ mapping: Node.Mapping, source: String, number: Int, problems: inout [String]) -> (Int, Int)? {
        let node = mapping["line"] ?? mapping["range"] ?? mapping["lines"]
        var bounds: [Int] = []
        if let items = node?.sequence {
            bounds = items.compactMap(\.int)
            if bounds.count != 2 { bounds = [] }
        } else if let value = node?.int {
            bounds = [value, value]
        } else if let text = node?.string {
            bounds = text.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if bounds.count == 1 { bounds.append(bounds[0]) }
        }
        guard bounds.count == 2, bounds[0] >= 1, bounds[1] >= 1 else {
            problems.append("\(file(node, source)): finding \(number) needs `line: N` or `range: \"start-end\"` (lines count from 1)")
            return nil
        }
        if bounds[1] < bounds[0] {
            problems.append("\(file(node, source)): the range \(bounds[0])-\(bounds[1]) runs backwards; write start-end (read as \(bounds[1])-\(bounds[0]))")
            return (bounds[1], bounds[0])
        }
        return (bounds[0], bounds[1])
    }

    private static func line(_ node: Node?) -> Int { node?.mark?.line ?? 1 }

    /// `review.yaml:LINE` of `node`, else the finding's own source.
    private static func file(_ node: Node?, _ source: String) -> String {
        guard let line = node?.mark?.line, let name = source.split(separator: ":").first else { return source }
        return "\(name):\(line)"
    }
}
