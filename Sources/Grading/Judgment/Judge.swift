import Foundation
import TaskBank

/// What the judgment graders found, in `report.json` under `judgment`.
public struct Judgment: Codable, Sendable {
    /// pr-review: the findings against the answer key.
    public var review: ReviewAssessment?
    /// regression-tests and incident-debug: the candidate's own tests against mutants or the
    /// original code.
    public var tests: TestsAssessment?
    /// incident-debug: INCIDENT.md's sections and root cause.
    public var postmortem: PostmortemAssessment?
    /// Why part of the judgment is missing.
    public var problems: [String]?
}

/// Grades judgment for the three task types that need it: pr-review (findings against the
/// key), regression-tests (mutation scoring of the candidate's tests) and incident-debug
/// (the postmortem, and a regression test that must fail on the original code).
public final class Judge: Sendable {
    public let mutation: MutationRunner
    /// The reference tests' generated-mutant score, per task: measured once a session, and
    /// kept between sessions in `referenceCache` when there is one.
    private let referenceScores = PerTaskCache<Double?>()
    public let referenceCache: ReferenceScoreCache?
    /// Task digests for the cache's key, shared with the grader that made this judge.
    private let digests: TaskDigests

    public init(mutation: MutationRunner, referenceCache: ReferenceScoreCache? = nil, digests: TaskDigests = TaskDigests()) {
        self.mutation = mutation
        self.referenceCache = referenceCache
        self.digests = digests
    }

    /// Whether a task type's judgment reads the hidden-suite results (a review's findings are
    /// checked against them); the others can be judged while the suite runs.
    public static func readsTestResults(_ type: TaskType) -> Bool {
        type == .prReview
    }

    /// The judgment of `tree` (a submission's gradable tree); nil for task types judged by
    /// their tests alone. `results` are the submission's hidden and public test results, used
    /// only when ``readsTestResults(_:)`` says so.
    public func assess(_ tree: String, task: TaskDefinition, results: [String: TestResult]) throws -> Judgment? {
        switch task.manifest.type {
        case .prReview:
            guard let key = task.answerKey else { return nil }
            return Judgment(review: ReviewAssessment(document: ReviewDocument.read(in: tree), key: key, results: results))
        case .incidentDebug:
            guard let key = task.answerKey else { return nil }
            return Judgment(tests: try incidentTests(tree, task: task),
                            postmortem: PostmortemAssessment(tree: tree, key: key, type: task.manifest.type))
        case .regressionTests:
            return Judgment(tests: try regressionTests(tree, task: task))
        case .loadHardening, .featureExtension:
            return nil
        }
    }

    /// The candidate's test modules: `test_*.py` or `*_test.py` files that are new or changed
    /// against the starter.
    public static func candidateTestFiles(in tree: String, starter: String) throws -> [String] {
        try FileTree.files(under: tree).files.filter { path in
            guard CodeQuality.isTestModule(path), !path.hasPrefix("public/") else { return false }
            return FileManager.default.contents(atPath: tree + "/" + path) != FileManager.default.contents(atPath: starter + "/" + path)
        }.sorted()
    }

    // MARK: regression-tests

    /// The candidate's tests in `submission` against the task's bugs and generated mutants;
    /// `compare` also measures the reference tests' generated score (once per task).
    public func regressionTests(_ submission: String, task: TaskDefinition, compare: Bool = true) throws -> TestsAssessment {
        guard let settings = task.manifest.mutation else {
            throw GradingError(.invalidInput, "\(task.id): task.yaml has no mutation section")
        }
        let began = DispatchTime.now().uptimeNanoseconds
        let files = try Self.candidateTestFiles(in: submission, starter: task.starter)
        let tree = try FileTree.makeTemporaryDirectory(prefix: "regression", in: mutation.workRoot)
        defer { try? FileManager.default.removeItem(atPath: tree) }
        // The reference code, without the reference's own tests (they are the key), with the
        // candidate's tests and test helpers.
        try task.materialize(.reference, into: tree)
        for path in try FileTree.files(under: task.reference).files where CodeQuality.isTestFile(path) {
            try? FileManager.default.removeItem(atPath: tree + "/" + path)
        }
        for path in try FileTree.files(under: submission).files where CodeQuality.isTestFile(path) && !path.hasPrefix("public/") {
            try FileTree.copyFile(submission + "/" + path, to: tree + "/" + path)
        }
        // The original bug first, then the others by name.
        let ordered = task.bugs.sorted { ($0.name == settings.originalBug ? 0 : 1, $0.name) < ($1.name == settings.originalBug ? 0 : 1, $1.name) }
        var variants: [MutationRunner.Variant] = []
        var descriptions: [String: String] = [:]
        for bug in ordered {
            let id = "bug:" + bug.name
            var changed: [String: String] = [:]
            for (path, contents) in try task.changes(of: bug) where path.hasSuffix(".py") && !CodeQuality.isTestFile(path) {
                if let contents { changed[path] = String(decoding: contents, as: UTF8.self) }
            }
            guard !changed.isEmpty else { continue }
            variants.append(.init(id: id, files: changed))
            descriptions[id] = bug.manifest.description
        }
        var request = MutationRunner.Request(tree: tree, tests: files, settings: task.manifest.runSettings)
        request.modules = settings.modules
        request.variants = variants
        request.generate = true
        let outcome = try files.isEmpty ? nil : mutation.run(request)
        var assessment = TestsAssessment(outcome: outcome ?? .empty, testFiles: files, originalID: "bug:" + settings.originalBug,
                                         descriptions: descriptions, elapsedMS: Self.elapsed(since: began))
        if compare && !files.isEmpty { assessment.referenceGeneratedScore = try referenceScore(task) }
        return assessment
    }

    /// The generated-mutant score of the reference's own tests, the bar a candidate is held to.
    func referenceScore(_ task: TaskDefinition) throws -> Double? {
        try referenceScores.value(for: task.id) {
            guard let settings = task.manifest.mutation else { return nil }
            // A key that cannot be made (the task unreadable) only means measuring.
            let key = try? referenceCache?.key(for: task, digest: digests.digest(of: task), runner: mutation)
            if let key, let score = referenceCache?.score(key) { return score }
            let tree = try FileTree.makeTemporaryDirectory(prefix: "reference", in: mutation.workRoot)
            defer { try? FileManager.default.removeItem(atPath: tree) }
            try task.materialize(.reference, into: tree)
            let tests = try Self.candidateTestFiles(in: tree, starter: task.starter)
            var request = MutationRunner.Request(tree: tree, tests: tests, settings: task.manifest.runSettings)
            request.modules = settings.modules
            request.generate = true
            let outcome = try mutation.run(request)
            let generated = outcome.mutants.filter { $0.kind == "generated" }
            guard outcome.finished, !generated.isEmpty else { return nil }
            let score = Double(generated.filter(outcome.caught).count) / Double(generated.count)
            if let key { referenceCache?.store(score, key: key) }
            return score
        }
    }

    // MARK: incident-debug

    /// The candidate's tests on their fix, and on the original code of every module they changed.
    func incidentTests(_ submission: String, task: TaskDefinition) throws -> TestsAssessment {
        let began = DispatchTime.now().uptimeNanoseconds
        let files = try Self.candidateTestFiles(in: submission, starter: task.starter)
        var original: [String: String] = [:]
        for path in try FileTree.files(under: submission).files where path.hasSuffix(".py") && !CodeQuality.isTestFile(path) {
            guard let before = FileManager.default.contents(atPath: task.starter + "/" + path),
                  before != FileManager.default.contents(atPath: submission + "/" + path) else { continue }
            original[path] = String(decoding: before, as: UTF8.self)
        }
        var request = MutationRunner.Request(tree: submission, tests: files, settings: task.manifest.runSettings)
        request.variants = original.isEmpty ? [] : [.init(id: "original", files: original)]
        let outcome = try files.isEmpty ? nil : mutation.run(request)
        var assessment = TestsAssessment(outcome: outcome ?? .empty, testFiles: files, originalID: "original",
                                         descriptions: ["original": "the code as shipped, before the fix"], mutantsJudgeTests: false,
                                         elapsedMS: Self.elapsed(since: began))
        if original.isEmpty { assessment.problems.append("the submission changes no module of the starter, so there is no fix to test") }
        return assessment
    }

    private static func elapsed(since began: UInt64) -> Int {
        Int((DispatchTime.now().uptimeNanoseconds - began) / 1_000_000)
    }
}
