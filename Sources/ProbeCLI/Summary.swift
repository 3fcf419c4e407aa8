import ArgumentParser
import Foundation
import Grading
import TaskBank

/// `summary.md` and `summary.csv`: one row per submission, for comparing candidates.
enum Summary {
    static func write(_ rows: [(folder: String, report: GradeReport)], to out: String) throws {
        let dimensions = RubricDimension.allCases.filter { dimension in rows.contains { $0.report.dimensions[dimension.rawValue] != nil } }
        var csv = "submission,verdict,score_percent,tests_passed,tests_total,integrity_violations,"
        csv += dimensions.flatMap { ["\($0.rawValue)_score", "\($0.rawValue)_max", "\($0.rawValue)_human"] }.joined(separator: ",") + ",sha256\n"
        var md = "# Probe summary\n\n| Submission | Verdict | Score | Tests | " + dimensions.map(\.title).joined(separator: " | ") + " |\n"
        md += "|---|---|---|---|" + dimensions.map { _ in "---|" }.joined() + "\n"
        for (folder, report) in rows {
            let name = (folder as NSString).lastPathComponent
            let passed = report.tests.filter { $0.outcome == .passed }.count
            let score = report.score.percent.map { GradeReport.format($0) } ?? ""
            let violations = report.integrity.filter(\.violation).count
            var cells = [name, report.verdict.status.rawValue, score, String(passed), String(report.tests.count), String(violations)]
            var mdCells: [String] = []
            for dimension in dimensions {
                let entry = report.dimensions[dimension.rawValue]
                let human = entry?.human?.score.map { GradeReport.format($0) } ?? ""
                cells += [entry.map { GradeReport.format($0.score) } ?? "", entry.map { GradeReport.format($0.max) } ?? "", human]
                let automated = entry.flatMap { $0.max > 0 ? "\(GradeReport.format($0.score))/\(GradeReport.format($0.max))" : nil } ?? "—"
                mdCells.append(automated + (entry?.human == nil ? "" : " (human \(human.isEmpty ? "pending" : human))"))
            }
            csv += (cells + [report.submission.sha256]).map(csvField).joined(separator: ",") + "\n"
            md += "| [\(name)](\(name)/report.md) | \(report.verdict.status.rawValue) | \(score.isEmpty ? "—" : score + "%") | \(passed)/\(report.tests.count) | "
                + mdCells.joined(separator: " | ") + " |\n"
        }
        for (file, text) in [("summary.csv", csv), ("summary.md", md)] {
            guard FileManager.default.createFile(atPath: out + "/" + file, contents: Data(text.utf8)) else {
                throw ValidationError("\(out)/\(file): cannot write")
            }
        }
    }

    /// RFC 4180: quote a field that holds a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
        text.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
