import ArgumentParser
import Foundation
import Grading
import Synchronization
import TaskBank

struct GradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade",
        abstract: "Grade submissions: hidden and public suites in the sandbox, integrity checks, code quality, and a report per rubric dimension.",
        discussion: """
        SUBMISSION is a folder, a .tar.gz, .tar or .zip, or a bundle from `probe submit`. Each gets a \
        report folder under --out, named after it, plus summary.md and summary.csv across all. A \
        submission already graded with the same content, task version and Probe version is skipped \
        unless --regrade. Exits 1 only when a submission could not be graded (its report says why); \
        a candidate failing tests is a result, not an error.
        """
    )

    @OptionGroup var tasks: TasksOptions
    @OptionGroup var grading: GradingOptions

    @Option(name: .customLong("task"), help: "The task the submissions answer.")
    var taskID: String

    @Argument(help: "Submissions to grade.")
    var submissions: [String] = []

    @Option(help: ArgumentHelp("Where report folders go.", valueName: "DIR"))
    var out = "probe-reports"

    @Option(help: "Submissions graded at once.")
    var jobs = 1

    @Option(help: ArgumentHelp("Comma-separated: json, md, html, junit, gradescope. report.json is always written.", valueName: "LIST"),
            transform: Self.parseFormats)
    var format: [ReportFormat] = ReportFormat.allCases

    @Option(help: "grader (everything) or candidate (no hidden test names, sources or output).")
    var audience: GradeReport.Audience = .grader

    @Flag(help: "Grade again even when an identical submission was already graded.")
    var regrade = false

    static func parseFormats(_ text: String) throws -> [ReportFormat] {
        try text.split(separator: ",").map { name in
            guard let format = ReportFormat(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--format: unknown format '\(name)'; expected json, md, html, junit or gradescope")
            }
            return format
        }
    }

    func validate() throws {
        if submissions.isEmpty { throw ValidationError("give at least one SUBMISSION to grade") }
        if jobs < 1 { throw ValidationError("--jobs: expected at least 1, got \(jobs)") }
        for path in submissions where access(path, R_OK) != 0 {
            throw ValidationError("\(path): \(String(cString: strerror(errno))); expected a folder or an archive to grade")
        }
    }

    func run() throws {
        let root = try tasks.converting { try WorkRoot.make(prefix: "probe-grade") }
        defer { root.remove() }
        let workRoot = root.path
        let task = try tasks.task(taskID)
        let grader = try grading.grader(workRoot: workRoot)
        let digest = try tasks.converting { try grader.digest(of: task) }
        let folders = Self.folderNames(submissions).map { out + "/" + $0 }
        let formats = Set(format)
        let audience = self.audience, regrade = self.regrade, submissions = self.submissions
        let failures = Mutex<[String]>([])

        let reports = WorkerPool.run(submissions.count, width: jobs) { index -> GradeReport? in
            let path = submissions[index], folder = folders[index]
            let name = (folder as NSString).lastPathComponent
            if !regrade, let previous = Self.previousReport(folder, submission: path, digest: digest) {
                FileHandleOutput.standardError("[\(name)] already graded (same submission, task version and Probe); --regrade to grade again")
                return previous
            }
            FileHandleOutput.standardError("[\(name)] grading \(path)")
            let outcome = grader.grade(path, task: task) { event in
                switch event {
                case .collected(let count): FileHandleOutput.standardError("[\(name)] collected \(count) tests")
                case .started: break
                case .finished(let id, let outcome):
                    let shown = audience == .candidate && id.hasPrefix("hidden/") ? "a hidden test" : id
                    FileHandleOutput.standardError("[\(name)] \(outcome.padding(toLength: 7, withPad: " ", startingAt: 0)) \(shown)")
                case .canary(let outcome):
                    FileHandleOutput.standardError("[\(name)] canary  \(outcome == "failed" ? "failed, as planted" : "\(outcome): it must fail; see the report's integrity findings")")
                }
            }
            let report = outcome.report(for: audience)
            do { try ReportFormat.write(report, formats: formats, to: folder) } catch {
                failures.withLock { $0.append("\(name): \(error)") }
                return report
            }
            if report.verdict.status == .notGraded { failures.withLock { $0.append("\(name): not graded: \(report.verdict.reason ?? "")") } }
            FileHandleOutput.standardError("[\(name)] \(Self.line(report)) → \(folder)")
            return report
        }
        try Summary.write(zip(folders, reports).compactMap { folder, report in report.map { (folder, $0) } }, to: out)
        print("graded \(reports.compactMap { $0 }.count) submission\(submissions.count == 1 ? "" : "s") of \(task.id); reports in \(out)/ (summary.md, summary.csv)")
        let problems = failures.withLock { $0 }
        if !problems.isEmpty {
            for problem in problems { FileHandleOutput.standardError("probe: \(problem)") }
            throw ExitCode(1)
        }
    }

    static func line(_ report: GradeReport) -> String {
        let passed = report.tests.filter { $0.outcome == .passed }.count
        let score = report.score.percent.map { GradeReport.format($0) + "%" } ?? "no score"
        return "\(report.verdict.status.rawValue), \(score), \(passed)/\(report.tests.count) tests passed"
    }

    /// A report folder name per submission: its file name without archive extensions,
    /// numbered when two submissions share one.
    static func folderNames(_ paths: [String]) -> [String] {
        var seen: [String: Int] = [:]
        return paths.map { path in
            var name = ((path as NSString).standardizingPath as NSString).lastPathComponent
            for suffix in [".tar.gz", ".tgz", ".tar", ".zip"] where name.hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
            name = String(name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
            if name.isEmpty || name == "." || name == ".." { name = "submission" }
            seen[name, default: 0] += 1
            return seen[name]! == 1 ? name : "\(name)-\(seen[name]!)"
        }
    }

    /// The report already in `folder`, if it graded the same submission with the same task
    /// version and Probe version.
    static func previousReport(_ folder: String, submission: String, digest: String) -> GradeReport? {
        guard let data = FileManager.default.contents(atPath: folder + "/report.json"),
              let report = try? GradeReport.decode(data, source: folder),
              report.verdict.status != .notGraded,
              report.task.digest == digest, report.tooling["probe"] == ProbeVersion.current,
              let fingerprint = try? SubmissionIntake.fingerprint(submission), fingerprint == report.submission.sha256 else { return nil }
        return report
    }
}
