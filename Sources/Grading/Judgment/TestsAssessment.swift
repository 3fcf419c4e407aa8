import Foundation
import TaskBank

/// The candidate's own tests, judged by what they catch.
///
/// For regression-tests: run on the reference code (every test must pass; a failure is a
/// false alarm), on the original bug (at least one must fail), on every other planted bug
/// (the planted mutation score) and on generated mutants of the task's modules (the
/// generated score, shown beside the reference tests' own score on the same mutants).
/// For incident-debug: run on the fix (must pass) and on the original code (one must fail).
/// A test is vacuous when it asserts nothing, or when it passed on every mutant it ran on.
public struct TestsAssessment: Codable, Sendable {
    public struct Alarm: Codable, Sendable {
        public var test: String
        public var outcome: String
        public var message: String
    }

    public struct Variant: Codable, Sendable {
        public var id: String
        public var description: String
        public var caught: Bool
        /// Trusted tests that failed on it.
        public var by: [String]
        public var status: String
    }

    public struct Survivor: Codable, Sendable {
        public var id: String
        public var description: String
        public var tests: Int
    }

    public struct Vacuous: Codable, Sendable {
        public var test: String
        public var reason: String
    }

    public var testFiles: [String]
    public var tests: [String]
    public var falseAlarms: [Alarm]
    /// The regression the tests must catch: the original bug, or the code before the fix.
    public var original: Variant?
    public var planted: [Variant]
    public var generatedTotal: Int
    public var generatedCaught: Int
    public var generatedCapped: Bool
    public var survivors: [Survivor]
    /// The reference tests' generated score on the same mutants, when measured.
    public var referenceGeneratedScore: Double?
    public var vacuous: [Vacuous]
    public var problems: [String]
    public var ms: Int

    enum CodingKeys: String, CodingKey {
        case testFiles = "test_files"
        case tests
        case falseAlarms = "false_alarms"
        case original, planted
        case generatedTotal = "generated_total"
        case generatedCaught = "generated_caught"
        case generatedCapped = "generated_capped"
        case survivors
        case referenceGeneratedScore = "reference_generated_score"
        case vacuous, problems, ms
    }

    public var generatedScore: Double? { generatedTotal == 0 ? nil : Double(generatedCaught) / Double(generatedTotal) }

    /// - Parameter mutantsJudgeTests: a test that no mutant made fail is vacuous. Off when
    ///   the only "mutant" is the original code (incident-debug): there, missing it is
    ///   reported as the regression not being caught.
    init(outcome: MutationOutcome, testFiles: [String], originalID: String?, descriptions: [String: String],
         mutantsJudgeTests: Bool = true, elapsedMS: Int) {
        self.testFiles = testFiles
        let baseline = outcome.baseline
        tests = (baseline?.outcomes.keys).map { $0.sorted() } ?? []
        falseAlarms = tests.compactMap { test in
            let result = baseline?.outcomes[test] ?? ""
            guard ["failed", "error", "xpassed"].contains(result) else { return nil }
            return Alarm(test: test, outcome: result, message: baseline?.messages[test] ?? "")
        }
        let variants = outcome.mutants.filter { $0.kind == "planted" }.map { mutant in
            Variant(id: mutant.id, description: descriptions[mutant.id] ?? mutant.description, caught: outcome.caught(mutant),
                    by: outcome.killers(of: mutant), status: mutant.status)
        }
        original = variants.first { $0.id == originalID }
        planted = variants.filter { $0.id != originalID }
        let generated = outcome.mutants.filter { $0.kind == "generated" }
        generatedTotal = generated.count
        generatedCaught = generated.filter(outcome.caught).count
        generatedCapped = outcome.capped
        survivors = generated.filter { !outcome.caught($0) }.map { Survivor(id: $0.id, description: $0.description, tests: $0.tests.count) }
        referenceGeneratedScore = nil

        // Vacuous: asserts nothing, or a trusted test that no mutant ever made fail.
        let trusted = outcome.trustedTests
        var ranOn: [String: Int] = [:], failedOn: Set<String> = []
        for mutant in outcome.mutants {
            for test in mutant.tests { ranOn[test, default: 0] += 1 }
            failedOn.formUnion(outcome.killers(of: mutant))
        }
        let silent = Set(outcome.noAssert)
        vacuous = tests.compactMap { test in
            if silent.contains(test) { return Vacuous(test: test, reason: "asserts nothing") }
            guard mutantsJudgeTests, trusted.contains(test), !failedOn.contains(test), !outcome.mutants.isEmpty else { return nil }
            let count = ranOn[test] ?? 0
            return Vacuous(test: test, reason: count == 0 ? "reaches none of the mutated code" : "passed on every mutant it ran on (\(count))")
        }
        var problems: [String] = []
        if testFiles.isEmpty {
            problems.append("the submission adds no test files")
        } else if !outcome.finished {
            problems.append("the mutation run ended early (\(outcome.verdict.status.rawValue): \(outcome.verdict.reason)); what finished is kept")
        }
        if !testFiles.isEmpty && (baseline?.status != "ok" || tests.isEmpty) {
            problems.append("the tests did not run on the unaltered code (\(baseline?.status ?? "no baseline")); nothing they catch can count")
        }
        if outcome.ignoredLines > 0 {
            problems.append("\(outcome.ignoredLines) line\(outcome.ignoredLines == 1 ? "" : "s") on the result channel had no valid token or event and were ignored")
        }
        self.problems = problems
        ms = elapsedMS
    }

    /// Verification points: the original caught (3), the planted score (3), the generated
    /// score against the reference tests' (2) and no false alarm (2); nothing without tests.
    var verificationPoints: (score: Double, max: Double) {
        guard !tests.isEmpty else { return (0, 10) }
        var score = original?.caught == true ? 3.0 : 0
        if planted.isEmpty { score += original?.caught == true ? 3 : 0 } else {
            score += 3 * Double(planted.filter(\.caught).count) / Double(planted.count)
        }
        if let mine = generatedScore {
            let target = referenceGeneratedScore ?? 1
            score += 2 * (target > 0 ? min(1, mine / target) : 1)
        }
        if falseAlarms.isEmpty { score += 2 }
        return (score, 10)
    }

    /// Code-quality points: the share of tests that are not vacuous (2).
    var qualityPoints: (score: Double, max: Double) {
        guard !tests.isEmpty else { return (0, 2) }
        return (2 * Double(tests.count - vacuous.count) / Double(tests.count), 2)
    }

    /// Incident verification points: a regression test that fails on the original code (3)
    /// and no test failing on the fix (1).
    var incidentPoints: (score: Double, max: Double) {
        guard !tests.isEmpty else { return (0, 4) }
        return ((original?.caught == true ? 3 : 0) + (falseAlarms.isEmpty ? 1 : 0), 4)
    }
}
