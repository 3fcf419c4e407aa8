import Foundation
import LoadProbes
import Sandbox
import TaskBank

/// `probe grade` for one submission: takes it in, neutralizes what could change pytest, runs
/// the public and hidden suites with canaries in the sandbox while measuring code quality,
/// checks the run's integrity and scores the rubric. Never throws for what the candidate did:
/// a submission that cannot be graded is a `not-graded` report with the reason.
public final class Grader: Sendable {
    public let runner: PytestRunner
    public let intake: SubmissionIntake
    public let quality: CodeQuality
    public let judge: Judge
    public let tooling: [String: String]
    /// Rubric markers of each task's tests, from a reference run, for tests whose module a
    /// submission broke.
    private let referenceRubric = PerTaskCache<[String: [RubricTag]]>()
    /// The reference solution's load-probe figures per task, for relative thresholds.
    private let probeBaselines = PerTaskCache<[String: ProbeMeasurement]>()
    /// Each task's content digest, for the reports and the judge's reference-score cache.
    private let digests = TaskDigests()
    /// The reference's test durations per task, so that canaries clone quick tests.
    private let durations: ReferenceDurations

    /// A grader whose parts all run `python` in `sandbox`, with their run folders under `workRoot`.
    public init(sandbox: SandboxRunner, python: String, workRoot: String, tooling: [String: String]) {
        runner = PytestRunner(sandbox: sandbox, python: python, workRoot: workRoot)
        intake = SubmissionIntake(sandbox: sandbox, python: python, workRoot: workRoot)
        quality = CodeQuality(sandbox: sandbox, python: python, workRoot: workRoot)
        // The reference bar depends on the venv's tools, not on the machine's kernel.
        let context = tooling.filter { $0.key != "kernel" }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "\n")
        judge = Judge(mutation: MutationRunner(sandbox: sandbox, python: python, workRoot: workRoot),
                      referenceCache: .standard(context: python + "\n" + context), digests: digests)
        durations = .standard(context: python + "\n" + context)
        self.tooling = tooling
    }

    /// The task's content digest (``BundleExporter/digest(of:)``), computed once per session.
    public func digest(of task: TaskDefinition) throws -> String {
        try digests.digest(of: task)
    }

    /// Milliseconds since `start`, an uptime in nanoseconds.
    private static func since(_ start: UInt64) -> UInt64 { (DispatchTime.now().uptimeNanoseconds - start) / 1_000_000 }

    /// The grader's view and the candidate's view of one submission.
    public func grade(_ path: String, task: TaskDefinition, progress: @escaping @Sendable (TestProgress) -> Void = { _ in }) -> GradeOutcome {
        let began = DispatchTime.now().uptimeNanoseconds
        let startedAt = ISO8601DateFormatter().string(from: Date())
        var evidence = GradeEvidence(task: task, origin: path, tooling: tooling, startedAt: startedAt)
        evidence.taskDigest = (try? digest(of: task)) ?? ""
        do {
            let submission = try intake.take(path)
            defer { try? FileManager.default.removeItem(atPath: submission.staging) }
            evidence.submission = submission
            if let stamp = submission.stamp, stamp.id != task.id {
                throw GradingError(.submission, "\(TaskStamp.fileName): the submission is for task '\(stamp.id)', not '\(task.id)'; grade it with --task \(stamp.id)")
            }
            evidence.integrity = try Neutralizer.neutralize(submission.tree)
            evidence.intakeMS = Self.since(began)
            let (run, quality, early) = try runSideBySide(submission, task: task, progress: progress)
            evidence.run = run
            evidence.integrity += run.integrity
            evidence.quality = quality.0
            evidence.qualityMS = quality.1
            evidence.rubric = try rubric(for: task, run: run)
            if let early {
                (evidence.judgment, evidence.judgmentMS) = early
            } else {
                let judging = DispatchTime.now().uptimeNanoseconds
                evidence.judgment = judgment(of: submission.tree, task: task, results: run.results)
                evidence.judgmentMS = Self.since(judging)
            }
            // Load probes run alone, after the tests: measurements need the cores to themselves.
            if !task.manifest.probes.isEmpty && !evidence.integrity.contains(where: \.violation) {
                let probing = DispatchTime.now().uptimeNanoseconds
                evidence.probes = try runProbes(on: submission.tree, task: task)
                evidence.probesMS = Self.since(probing)
            }
        } catch let error as GradingError {
            evidence.notGraded = error.message
        } catch {
            evidence.notGraded = "\(error)"
        }
        evidence.wallMS = Self.since(began)
        return GradeOutcome(grader: evidence.report(for: .grader), candidate: evidence.report(for: .candidate))
    }

    /// The test run and the code-quality measurement, side by side on the two cores, and the
    /// judgment too when it does not read the test results (everything but pr-review): it
    /// runs the candidate's own tests in the sandbox, a third stream of mostly CPU work that
    /// would otherwise wait for the other two. Returns the judgment and its time, or nil when
    /// it must wait for the results.
    private func runSideBySide(_ submission: Submission, task: TaskDefinition,
                               progress: @escaping @Sendable (TestProgress) -> Void) throws
        -> (SuiteRun, (CodeQualityReport?, UInt64), (Judgment?, UInt64)?) {
        enum Part: Sendable {
            case tests(Result<SuiteRun, GradingError>)
            case quality(CodeQualityReport, UInt64)
            case judgment(Judgment?, UInt64)
        }
        let judgesEarly = !Judge.readsTestResults(task.manifest.type)
        let parts = WorkerPool.run(judgesEarly ? 3 : 2, width: judgesEarly ? 3 : 2) { [self] index -> Part in
            switch index {
            case 0:
                var plan = SuitePlan(task: task, canaries: true)
                plan.referenceDurations = durations.durations(of: task, digest: try? digest(of: task), runner: runner)
                return .tests(Result { try runner.run(plan, tree: .directory(submission.tree), progress: progress) }
                    .mapError { $0 as? GradingError ?? GradingError(.io, "\($0)") })
            case 1:
                let began = DispatchTime.now().uptimeNanoseconds
                let report: CodeQualityReport
                do { report = try quality.measure(submission, task: task) } catch {
                    report = CodeQualityReport(changedFiles: [], linesAdded: 0, linesRemoved: 0, ruff: [], mypy: [],
                                               toolProblems: ["code quality could not be measured: \(error)"],
                                               candidateTests: [], commits: nil, notes: [])
                }
                return .quality(report, Self.since(began))
            default:
                let began = DispatchTime.now().uptimeNanoseconds
                let judgment = judgment(of: submission.tree, task: task, results: [:])
                return .judgment(judgment, Self.since(began))
            }
        }
        guard case .tests(let run) = parts[0], case .quality(let report, let elapsed) = parts[1] else {
            throw GradingError(.io, "the grading jobs returned out of order")
        }
        var early: (Judgment?, UInt64)?
        if parts.count > 2, case .judgment(let judgment, let elapsed) = parts[2] { early = (judgment, elapsed) }
        return (try run.get(), (report, elapsed), early)
    }

    /// The judgment graders' view of `tree`; one that cannot be made is reported as a
    /// problem, and the test results stand.
    private func judgment(of tree: String, task: TaskDefinition, results: [String: TestResult]) -> Judgment? {
        do {
            return try judge.assess(tree, task: task, results: results)
        } catch {
            return Judgment(problems: ["the judgment graders could not run: \((error as? GradingError)?.message ?? "\(error)")"])
        }
    }

    /// The task's load probes on the submission's tree; relative thresholds against the
    /// reference, measured once per task in the same session.
    private func runProbes(on tree: String, task: TaskDefinition) throws -> [ProbeResult] {
        let host = ServiceHost(runner: runner.sandbox, python: runner.python, memoryMiB: task.manifest.limits.memory.mebibytes,
                               scratch: runner.workRoot)
        let probes = ProbeRunner(task: task, host: host)
        let baseline = try probeBaselines.value(for: task.id) {
            do {
                return try probes.referenceBaseline(scratch: runner.workRoot)
            } catch {
                throw GradingError(.io, "the reference could not be probed: \(error)")
            }
        }
        return probes.run(source: tree, reference: baseline)
    }

    /// Each expected test's rubric markers: from this run's collection, else from a reference run.
    private func rubric(for task: TaskDefinition, run: SuiteRun) throws -> [String: [RubricTag]] {
        var tags = Self.rubricTags(run)
        let missing = task.manifest.tests.all.map(\.raw).filter { tags[$0] == nil }
        guard !missing.isEmpty else { return tags }
        let reference = try referenceRubric.value(for: task.id) {
            Self.rubricTags(try runner.run(task, variant: .reference))
        }
        for id in missing { tags[id] = reference[id] ?? [] }
        return tags
    }

    private static func rubricTags(_ run: SuiteRun) -> [String: [RubricTag]] {
        Dictionary((run.collected ?? []).map { ($0.id, $0.rubric) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Both views of one graded submission.
public struct GradeOutcome: Sendable {
    public var grader: GradeReport
    public var candidate: GradeReport

    public func report(for audience: GradeReport.Audience) -> GradeReport {
        audience == .grader ? grader : candidate
    }
}
