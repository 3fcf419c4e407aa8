import Foundation

extension GradeReport {
    /// `report.md`: short enough for an ATS note or a PR comment.
    public var markdown: String {
        var out = "# \(task.title): \(submission.name)\n\n"
        out += "- **Task:** `\(task.id)` (\(task.type.rawValue))\n"
        out += "- **Verdict:** \(verdict.status.rawValue)\(verdict.reason.map { " — " + $0 } ?? "")\n"
        out += "- **Score:** \(score.percent.map { Self.format($0) + "%" } ?? "none")"
        out += score.humanPending.isEmpty ? "\n" : " (human scores pending: \(score.humanPending.joined(separator: ", ")))\n"
        out += "- **Submission:** \(submission.form), sha256 `\(submission.sha256.prefix(16))…`, \(submission.files.count) files\n"
        if let stamp = task.stampDigest { out += "- **Note:** the candidate worked on task version `\(stamp.prefix(12))`; graded with `\(task.digest.prefix(12))`\n" }
        out += "\n## Dimensions\n\n| Dimension | Weight | Automated | Human |\n|---|---|---|---|\n"
        for (_, dimension) in orderedDimensions {
            let automated = dimension.max > 0 ? "\(Self.format(dimension.score)) / \(Self.format(dimension.max))" : "—"
            let human = dimension.human.map { slot in slot.score.map { "\(Self.format($0)) / \(Self.format(slot.max))" } ?? "pending" } ?? "—"
            out += "| \(dimension.title) | \(dimension.weight) | \(automated) | \(human) |\n"
        }
        for (_, dimension) in orderedDimensions {
            out += "\n### \(dimension.title)\n\n"
            out += dimension.evidence.map { "- \(Self.inline($0))\n" }.joined()
            if let human = dimension.human {
                out += "\nFor the human grader:\n\n" + human.evidence.map { "- \(Self.inline($0))\n" }.joined()
                for citation in human.citations { out += "- cited: \(Self.inline(citation.summary))\n" }
            }
        }
        if let hiddenSummary {
            out += "\n## Hidden tests\n\n\(hiddenSummary.passed) of \(hiddenSummary.total) passed.\n"
        }
        out += "\n## Tests\n\n| Test | Bucket | Outcome | ms |\n|---|---|---|---|\n"
        for test in tests { out += "| `\(test.id)` | \(test.bucket) | \(test.outcome.rawValue) | \(test.durationMS) |\n" }
        out += probesMarkdown
        if !integrity.isEmpty {
            out += "\n## Integrity\n\n"
            for finding in integrity {
                out += "- **\(finding.violation ? "violation" : "notice")** \(finding.kind.rawValue) `\(finding.subject)`: \(Self.inline(finding.detail))\n"
            }
        }
        out += "\n_Probe \(tooling["probe"] ?? "?"), report schema \(schemaVersion), \(timing.wallMS) ms._\n"
        return out
    }

    public static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// One line of evidence, safe inside a Markdown list item.
    static func inline(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "|", with: "\\|")
    }
}

extension GradeReport.Citation {
    public var summary: String {
        var parts: [String] = []
        if let file { parts.append(line.map { "\(file):\($0)" } ?? file) }
        if let commit { parts.append("commit \(commit)") }
        if let quote { parts.append("\"\(quote)\"") }
        if let comment { parts.append("— \(comment)") }
        return parts.joined(separator: " ")
    }
}
