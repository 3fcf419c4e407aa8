import ArgumentParser
import Foundation
import Grading

/// The files `probe grade` writes per submission. `report.json` is always written: resuming
/// and `probe score` read it.
enum ReportFormat: String, CaseIterable, ExpressibleByArgument {
    case json, md, html, junit, gradescope

    var fileName: String {
        switch self {
        case .json: "report.json"
        case .md: "report.md"
        case .html: "report.html"
        case .junit: "junit.xml"
        case .gradescope: "results.json"
        }
    }

    func render(_ report: GradeReport) throws -> Data {
        switch self {
        case .json: try report.encoded()
        case .md: Data(report.markdown.utf8)
        case .html: Data(report.html.utf8)
        case .junit: Data(JUnitReport.xml(report).utf8)
        case .gradescope: try report.gradescope()
        }
    }

    /// Writes `report` in every format of `formats` (and JSON) into `folder`.
    static func write(_ report: GradeReport, formats: Set<ReportFormat>, to folder: String) throws {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw ValidationError("\(folder): cannot create the report folder: \(error.localizedDescription)")
        }
        for format in formats.union([.json]) {
            let path = folder + "/" + format.fileName
            guard FileManager.default.createFile(atPath: path, contents: try format.render(report)) else {
                throw ValidationError("\(path): cannot write")
            }
        }
    }
}

extension GradeReport.Audience: ExpressibleByArgument {}
