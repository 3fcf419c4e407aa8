import Foundation
import Testing
import ProbeTestSupport
@testable import Grading
import TaskBank

/// pr-review and incident-debug judgment on the real tasks, with the fixtures in Judgment/.
@Suite struct ReviewJudgmentTests {
    static func task(_ id: String) throws -> TaskDefinition {
        try TaskLoader(root: ProbeProcess.repository.appendingPathComponent("Tasks").path).load(folder: id).get()
    }

    /// The starter with a fixture folder (or nothing) laid over it.
    static func tree(_ task: TaskDefinition, fixture: String?, extra: [String: String] = [:]) throws -> String {
        let tree = try FileTree.makeTemporaryDirectory(prefix: "judgment")
        try FileTree.overlay(task.starter, onto: tree)
        if let fixture {
            try FileTree.overlay(ProbeProcess.repository.appendingPathComponent("Tests/GradingTests/Judgment/" + fixture).path, onto: tree)
        }
        for (path, text) in extra { try Data(text.utf8).write(to: URL(fileURLWithPath: tree + "/" + path)) }
        return tree
    }

    static func review(_ fixture: String?, extra: [String: String] = [:], results: [String: TestResult] = [:]) throws -> ReviewAssessment {
        let task = try task("rates-pr-review")
        let tree = try tree(task, fixture: fixture, extra: extra)
        defer { try? FileManager.default.removeItem(atPath: tree) }
        return ReviewAssessment(document: ReviewDocument.read(in: tree), key: try #require(task.answerKey), results: results)
    }

    @Test func theKeyAsAReviewCatchesEveryDefectWithFullCredit() throws {
        let review = try Self.review("rates-key-review")
        #expect(review.problems == [])
        #expect(review.defects.count == 5)
        #expect(review.defects.filter { !$0.caught || $0.credit != 1 }.isEmpty)
        #expect(review.precision == 1 && review.recall == 1 && review.f1 == 1)
        // The nested ranges (82-84 inside 76-89) are told apart by category.
        let timeout = try #require(review.defects.first { $0.id == "no-attempt-timeout" })
        let entry = try Self.line(of: "range: \"82-84\"", in: "rates-key-review/review.yaml") - 1
        #expect(timeout.by == "review.yaml:\(entry)")
        #expect(review.points.score == review.points.max)
    }

    @Test func onlyFalsePositivesScorePrecisionZero() throws {
        let review = try Self.review("rates-false-positives")
        #expect(review.findings.count == 4)
        #expect(review.precision == 0 && review.recall == 0 && review.f1 == 0)
        #expect(review.unmatched.count == 4)
        #expect(review.defects.filter(\.caught).isEmpty)
        #expect(review.points.score == 0)
    }

    @Test func anEmptySubmissionScoresZeroWithoutAReview() throws {
        let review = try Self.review(nil)
        #expect(review.file == nil)
        #expect(review.findings.isEmpty && review.precision == 0 && review.recall == 0)
        #expect(review.points.score == 0 && review.points.max == 15)
        #expect(review.evidence(grader: true).first == "review: no REVIEW.md or review.yaml in the submission")
    }

    @Test func malformedMarkdownEntriesAreReportedByLineAndKeptWhereTheyCanBeRead() throws {
        let review = try Self.review("rates-malformed")
        #expect(review.problems == [
            "REVIEW.md:12: the range 60-40 runs backwards; write start-end (read as 40-60)",
            "REVIEW.md:20: severity 'urgent' is not one of: nit, minor, major, critical",
        ])
        #expect(review.findings.map(\.source) == ["REVIEW.md:3", "REVIEW.md:12", "REVIEW.md:20"])
        let timeout = try #require(review.defects.first { $0.id == "no-attempt-timeout" })
        #expect(timeout.by == "REVIEW.md:20" && timeout.credit == 0.75)
        #expect(review.defects.first { $0.id == "cache-stampede" }?.credit == 1)
    }

    /// A review saved on Windows reads as the same findings, lines and problems: its `"\r\n"`
    /// is one Character, which a Character split would not see, so it read as one line.
    @Test func aCRLFReviewReadsLikeTheLFOne() throws {
        let path = ProbeProcess.repository.appendingPathComponent("Tests/GradingTests/Judgment/rates-malformed/REVIEW.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let plain = ReviewMarkdown.parse(text, file: "REVIEW.md")
        let windows = ReviewMarkdown.parse(text.replacingOccurrences(of: "\n", with: "\r\n"), file: "REVIEW.md")
        #expect(plain.findings.count == 3)
        #expect(windows.findings == plain.findings)
        #expect(windows.problems == plain.problems)
    }

    @Test func malformedYAMLEntriesAreReportedByLine() throws {
        let review = try Self.review("rates-malformed-yaml")
        #expect(review.problems.contains("review.yaml:10: finding 2 has no `file`"))
        #expect(review.problems.contains { $0.hasPrefix("review.yaml:16: category 'style' is not one of") })
        #expect(review.findings.count == 2)
        #expect(review.defects.first { $0.id == "mutable-default-batch-rates" }?.credit == 1)
    }

    @Test func severityIsCalibrated() throws {
        let text = """
        # Review

        - `fxrates/cache.py:48-56` **category:** concurrency, **severity:** nit. Concurrent misses all call the loader.
        - fxrates/service.py:82 (resource-management, critical): no timeout is passed to fetch.
        """
        let review = try Self.review(nil, extra: ["REVIEW.md": text])
        #expect(review.problems == [])
        let stampede = try #require(review.defects.first { $0.id == "cache-stampede" })
        #expect(stampede.caught && stampede.credit == 0.25)
        #expect(stampede.notes == ["severity nit for a major defect (×0.25)"])
        #expect(review.defects.first { $0.id == "no-attempt-timeout" }?.credit == 1)
        #expect(review.precision == 1)
    }

    @Test func aFlaggedAndFixedDefectEarnsMostAndTheCandidateViewNamesNoAnswer() throws {
        let key = try #require(try Self.task("rates-pr-review").answerKey)
        let stampede = try #require(key.answers.first { $0.id == "cache-stampede" })
        let passed = Dictionary(uniqueKeysWithValues: stampede.tests.map { ($0.raw, TestResult(id: $0.raw, outcome: .passed)) })
        let review = try Self.review("rates-malformed", results: passed)
        #expect(review.defects.first { $0.id == "cache-stampede" }?.fixed == true)
        #expect(review.defects.filter(\.fixed).count == 1)
        let candidate = Judgment(review: review).redactedForCandidate()
        #expect(candidate.review?.defects.isEmpty == true && candidate.review?.unmatched.isEmpty == true)
        let candidateEvidence = review.evidence(grader: false).joined()
        #expect(!candidateEvidence.contains("cache-stampede"))
        #expect(review.evidence(grader: true).contains { $0.hasPrefix("caught cache-stampede") && $0.hasSuffix("; fixed") })
    }

    @Test func aPostmortemBlamingTheSymptomDoesNotMatchTheRootCause() throws {
        let task = try Self.task("notifications-incident")
        let tree = try Self.tree(task, fixture: "notifications-symptom")
        defer { try? FileManager.default.removeItem(atPath: tree) }
        let postmortem = PostmortemAssessment(tree: tree, key: try #require(task.answerKey), type: task.manifest.type)
        #expect(postmortem.sections.filter { !$0.present }.isEmpty)
        #expect(postmortem.rootCauseReferences == ["relay/store.py:111", "relay/client.py:32", "relay/dispatcher.py:42"])
        #expect(postmortem.matchedRootCauses == [])
        #expect(postmortem.points.score == 7 && postmortem.points.max == 14)
        #expect(JudgmentFormat(tree: tree, type: .incidentDebug).problems == [])
    }

    @Test func theReferencePostmortemMatchesTheRootCauseAndAnEmptyOneScoresZero() throws {
        let task = try Self.task("notifications-incident")
        let key = try #require(task.answerKey)
        let tree = try FileTree.makeTemporaryDirectory(prefix: "judgment")
        defer { try? FileManager.default.removeItem(atPath: tree) }
        try task.materialize(.reference, into: tree)
        let full = PostmortemAssessment(tree: tree, key: key, type: task.manifest.type)
        #expect(full.matchedRootCauses == ["exception-path-releases-without-attempt"])
        #expect(full.citedContributingFactors == ["client-leaks-read-timeouts"])
        #expect(full.points.score == full.points.max)

        try FileManager.default.removeItem(atPath: tree + "/INCIDENT.md")
        let none = PostmortemAssessment(tree: tree, key: key, type: task.manifest.type)
        #expect(none.file == nil && none.points.score == 0)
        #expect(JudgmentFormat(tree: tree, type: .incidentDebug).missing == "no INCIDENT.md yet: write the postmortem there (see the brief)")
        try Data("# Summary\nA slow tenant.\n\n## Root cause\nThe dispatcher.\n".utf8).write(to: URL(fileURLWithPath: tree + "/INCIDENT.md"))
        let problems = JudgmentFormat(tree: tree, type: .incidentDebug).problems
        #expect(problems.contains("INCIDENT.md: no 'Impact' section (a Markdown heading)"))
        #expect(problems.contains("INCIDENT.md: the Root cause section has no path:line reference, like relay/module.py:123"))
    }

    static func line(of text: String, in fixture: String) throws -> Int {
        let content = try String(contentsOf: ProbeProcess.repository.appendingPathComponent("Tests/GradingTests/Judgment/" + fixture), encoding: .utf8)
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        return try #require(lines.firstIndex { $0.contains(text) }) + 1
    }
}
