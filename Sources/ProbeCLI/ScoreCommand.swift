import ArgumentParser
import Foundation
import Grading

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Merge a human grader's scores into a report; every score must cite a file and line, a commit, or a quote from the notes.",
        discussion: "The scores file is YAML: `grader: NAME` and `scores:`, a list of {dimension, score, citations}. The report folder's other formats are written again."
    )

    @Argument(help: "A report.json, or the report folder holding it.")
    var report: String

    @Option(help: ArgumentHelp("The human scores (YAML).", valueName: "FILE"))
    var scores: String

    func run() throws {
        let path = report.hasSuffix(".json") ? report : report + "/report.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("\(path): cannot read; expected a report.json written by probe grade")
        }
        var merged: GradeReport
        do {
            merged = try GradeReport.decode(data, source: path)
            try HumanScores.load(scores).merge(into: &merged, source: scores)
        } catch let error as GradingError {
            throw ValidationError(error.message)
        }
        let folder = (path as NSString).deletingLastPathComponent
        let present = ReportFormat.allCases.filter { FileManager.default.fileExists(atPath: folder + "/" + $0.fileName) }
        try ReportFormat.write(merged, formats: Set(present), to: folder.isEmpty ? "." : folder)
        let pending = merged.score.humanPending
        print("\(path): score \(merged.score.percent.map { GradeReport.format($0) + "%" } ?? "none")"
              + (pending.isEmpty ? "" : "; human scores still pending: \(pending.joined(separator: ", "))"))
    }
}
