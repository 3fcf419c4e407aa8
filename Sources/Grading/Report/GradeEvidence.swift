import Foundation
import LoadProbes
import TaskBank

/// What grading one submission gathered, before it becomes a report for one audience.
struct GradeEvidence {
    var task: TaskDefinition
    /// The task's content digest (`BundleExporter.digest`), computed once per session.
    var taskDigest = ""
    var origin: String
    var tooling: [String: String]
    var startedAt: String
    var submission: Submission?
    var run: SuiteRun?
    var quality: CodeQualityReport?
    var qualityMS: UInt64 = 0
    var integrity: [IntegrityFinding] = []
    var rubric: [String: [RubricTag]] = [:]
    var judgment: Judgment?
    var probes: [ProbeResult] = []
    var probesMS: UInt64 = 0
    var intakeMS: UInt64 = 0
    var judgmentMS: UInt64 = 0
    var notGraded: String?
    var wallMS: UInt64 = 0

    /// Points of the human-judged parts, on a 0–5 scale.
    static let humanMax = 5.0
    static let humanDimensions: Set<RubricDimension> = [.communication, .decomposition]

    func report(for audience: GradeReport.Audience) -> GradeReport {
        let manifest = task.manifest
        let digest = taskDigest
        let stampDigest = submission?.stamp.flatMap { $0.digest == digest ? nil : $0.digest }
        let tests = testEntries()
        let visible = audience == .grader ? tests : tests.filter { TestID($0.id)?.suite != .hidden }
        let hidden = tests.filter { TestID($0.id)?.suite == .hidden }
        let integrity = audience == .grader ? integrity : integrity.map { finding in
            guard finding.mentionsHidden else { return finding }
            var redacted = finding
            redacted.subject = "a hidden test"
            redacted.detail = finding.violation ? "the run's results could not be trusted (\(finding.kind.rawValue))" : "a hidden test was affected"
            return redacted
        }
        let verdict: GradeReport.VerdictInfo
        if let notGraded {
            verdict = .init(status: .notGraded, reason: notGraded)
        } else if let violation = integrity.first(where: \.violation) {
            verdict = .init(status: .integrityViolation, reason: "\(violation.subject): \(violation.detail)")
        } else {
            verdict = .init(status: .graded, reason: nil)
        }
        var dimensions: [String: GradeReport.Dimension] = [:]
        for (dimension, weight) in manifest.rubric {
            dimensions[dimension.rawValue] = self.dimension(dimension, weight: weight, tests: tests, audience: audience)
        }
        var report = GradeReport(
            audience: audience,
            task: .init(id: task.id, type: manifest.type, title: manifest.title, digest: digest, stampDigest: stampDigest),
            submission: .init(name: (origin as NSString).lastPathComponent, form: submission?.form ?? "unknown",
                              sha256: submission?.sha256 ?? "", files: submission?.files ?? []),
            verdict: verdict, score: .init(percent: nil, humanPending: []), tests: visible,
            hiddenSummary: audience == .candidate ? .init(total: hidden.count, passed: hidden.filter { $0.outcome == .passed }.count) : nil,
            dimensions: dimensions, integrity: integrity, codeQuality: quality,
            judgment: audience == .grader ? judgment : judgment?.redactedForCandidate(), probes: audience == .grader ? probes : probes.map(\.redactedForCandidate), tooling: tooling,
            sandbox: .init(profile: manifest.sandbox.profile,
                           layers: run?.verdict.layers.reported ?? [:]),
            timing: .init(startedAt: startedAt, wallMS: wallMS, testsMS: run?.wallMS ?? 0, codeQualityMS: qualityMS,
                          probesMS: probesMS, intakeMS: intakeMS, judgmentMS: judgmentMS))
        report.rescore()
        return report
    }

    /// One entry per test of the manifest, in manifest order.
    private func testEntries() -> [GradeReport.TestEntry] {
        guard let run else { return [] }
        let buckets = task.manifest.tests
        return (buckets.failToPass.map { ($0, "FAIL_TO_PASS") } + buckets.passToPass.map { ($0, "PASS_TO_PASS") })
            .sorted { $0.0 < $1.0 }
            .map { id, bucket in
                let result = run.results[id.raw] ?? TestResult(id: id.raw, outcome: .notRun, message: "no result was recorded")
                let tags = rubric[id.raw] ?? []
                return GradeReport.TestEntry(id: id.raw, outcome: result.outcome, bucket: bucket, rubric: tags.map(\.dimension),
                                             weight: tags.map(\.weight).max() ?? 0, durationMS: result.durationMS,
                                             message: String(result.message.suffix(2000)))
            }
    }

    private func dimension(_ dimension: RubricDimension, weight: Int, tests: [GradeReport.TestEntry],
                           audience: GradeReport.Audience) -> GradeReport.Dimension {
        var score = 0.0, max = 0.0
        var evidence: [String] = []
        var hiddenPassed = 0, hiddenTotal = 0
        for test in tests {
            guard let tag = (rubric[test.id] ?? []).first(where: { $0.dimension == dimension.rawValue }) else { continue }
            let points = Double(tag.weight)
            max += points
            if test.outcome == .passed { score += points }
            if audience == .candidate, TestID(test.id)?.suite == .hidden {
                hiddenTotal += 1
                if test.outcome == .passed { hiddenPassed += 1 }
                continue
            }
            let mark = test.outcome == .passed ? "passed" : test.outcome.rawValue
            let headline = TestResult(id: test.id, outcome: test.outcome, message: test.message).headline
            evidence.append("\(test.id) \(mark) (weight \(tag.weight))\(test.outcome == .passed || headline.isEmpty ? "" : ": " + headline)")
        }
        if hiddenTotal > 0 { evidence.append("hidden tests: \(hiddenPassed) of \(hiddenTotal) passed") }
        // Each load probe counts like a test of its weight, with what it measured as evidence.
        for probe in probes where probe.rubric == dimension {
            max += Double(probe.weight)
            if probe.passed { score += Double(probe.weight) }
            let detail = probe.passed ? probe.checks.map { "\($0.name) \($0.actual)" } : probe.failures
            evidence.append("load probe \(probe.name) \(probe.passed ? "passed" : "failed") (weight \(probe.weight))"
                            + (detail.isEmpty ? "" : ": " + detail.joined(separator: "; ")))
        }
        evidence += qualityEvidence(for: dimension)
        if let judged = judgment?.points(for: dimension, type: task.manifest.type, audience: audience) {
            evidence += judged.evidence
            if judged.max > 0 {
                // The judgment carries its share of the dimension, the tests the rest, on a
                // 100-point scale.
                let share = max > 0 ? Judgment.share(of: dimension, in: task.manifest.type) : 1
                let tests = max > 0 ? String(format: "tests %.1f/%.0f (%.0f%%), ", score, max, (1 - share) * 100) : ""
                evidence.append("score: " + tests + String(format: "judgment %.1f/%.0f (%.0f%%)", judged.score, judged.max, share * 100))
                let combined = (max > 0 ? (1 - share) * score / max : 0) + share * judged.score / judged.max
                score = (combined * 1000).rounded() / 10
                max = 100
            }
        }
        let human = Self.humanDimensions.contains(dimension)
            ? GradeReport.HumanSlot(score: nil, max: Self.humanMax, evidence: humanEvidence(for: dimension), citations: [], grader: nil)
            : nil
        return GradeReport.Dimension(title: dimension.title, weight: weight, score: score, max: max, evidence: evidence, human: human)
    }

    private func qualityEvidence(for dimension: RubricDimension) -> [String] {
        guard let quality else { return [] }
        switch dimension {
        case .codeQuality:
            var lines = ["ruff (\(CodeQuality.ruffRules.joined(separator: " "))): \(quality.ruff.count) finding\(quality.ruff.count == 1 ? "" : "s") in changed files"]
            lines += quality.ruff.prefix(20).map { "ruff \($0.code) at \($0.path):\($0.line): \($0.message)" }
            lines.append("mypy: \(quality.mypy.count) error\(quality.mypy.count == 1 ? "" : "s") in changed files")
            lines += quality.mypy.prefix(20).map { "mypy [\($0.code)] at \($0.path):\($0.line): \($0.message)" }
            lines += quality.toolProblems
            return lines
        case .verification:
            return ["tests the candidate added: \(quality.candidateTests.count)"] + quality.candidateTests.prefix(30).map { "added \($0)" }
        case .decomposition:
            return ["diff against the starter: \(quality.changedFiles.count) file\(quality.changedFiles.count == 1 ? "" : "s"), +\(quality.linesAdded) −\(quality.linesRemoved)"]
                + quality.changedFiles.map { "\($0.change) \($0.path) (+\($0.added) −\($0.removed))" }
        default:
            return []
        }
    }

    /// What a human reads before scoring: the notes, the history, the diff.
    private func humanEvidence(for dimension: RubricDimension) -> [String] {
        guard let quality else { return [] }
        let notes = quality.notes.map { note in
            let lines = submission?.files.first { $0.path == note.path }?.lines ?? 0
            return "notes: \(note.path) (\(lines) lines)"
        }
        let commits: [String]
        if let history = quality.commits {
            commits = ["commits: \(history.count)"] + history.map { "commit \($0.hash.prefix(10)) \($0.subject)" }
        } else {
            commits = ["commits: no .git history in the submission"]
        }
        switch dimension {
        case .communication: return notes.isEmpty ? ["notes: the candidate changed no Markdown file"] : notes
        case .decomposition: return commits + ["diff: \(quality.changedFiles.count) files, +\(quality.linesAdded) −\(quality.linesRemoved)"]
        default: return []
        }
    }
}

extension GradeReport {
    /// Recomputes the overall score from the dimensions: each dimension's share is its
    /// automated part and its human part, averaged over the parts that have a score; the
    /// overall percent weighs dimensions by the task's rubric. A violation scores 0.
    public mutating func rescore() {
        var weighted = 0.0, weights = 0.0
        var pending: [String] = []
        for (name, dimension) in orderedDimensions {
            var parts: [Double] = []
            if dimension.max > 0 { parts.append(dimension.score / dimension.max) }
            if let human = dimension.human {
                if let score = human.score { parts.append(score / human.max) } else { pending.append(name) }
            }
            guard !parts.isEmpty else { continue }
            weighted += Double(dimension.weight) * parts.reduce(0, +) / Double(parts.count)
            weights += Double(dimension.weight)
        }
        let percent: Double? = switch verdict.status {
        case .notGraded: nil
        case .integrityViolation: 0
        case .graded: weights > 0 ? (weighted / weights * 1000).rounded() / 10 : nil
        }
        score = ScoreSummary(percent: percent, humanPending: pending)
    }
}
