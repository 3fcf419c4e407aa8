import Sandbox
import TaskBank

/// One sandboxed pytest run of a task's tests against one tree, resolved against the tests
/// the task's manifest expects.
public struct SuiteRun: Sendable {
    /// What was tested: a variant's name or the submission folder's.
    public var label: String
    /// The sandbox's verdict, without the result channel's raw bytes.
    public var verdict: Verdict
    /// Node id → result, for every expected test and every test pytest collected.
    public var results: [String: TestResult]
    /// What pytest collected with each test's rubric markers; nil if collection never finished.
    public var collected: [(id: String, rubric: [RubricTag])]?
    /// Module node id → collection error.
    public var collectErrors: [String: String]
    /// pytest's exit status as the plugin saw it at the end of the session.
    public var exitStatus: Int?
    /// The test that was running when the last run hit its time limit, if one did.
    public var hungTest: String?
    /// How many times the run was resumed after a hung test.
    public var resumes = 0
    /// Wall time of every run made, resumes included.
    public var wallMS: UInt64
    /// Canary node id → its result; every canary must fail. See ``CanaryTests``.
    public var canaries: [String: TestResult] = [:]
    /// What the stream, the canaries and the grader folder say about the run's honesty.
    public var integrity: [IntegrityFinding] = []

    /// Why the run produced no per-test results at all (the sandbox failed, pytest never got
    /// through collection), or nil. A run killed later still has a result for every test: the
    /// one running is `timeout` or `error`, the rest `not-run`, each with the verdict's reason.
    public var problem: String? {
        if verdict.status == .setupError { return "the sandbox could not be built: \(verdict.reason)" }
        if collected == nil { return "pytest stopped before collecting any test (\(verdict.reason))\(stderrTail)" }
        if verdict.channelTruncated { return "the result stream passed its size limit, so later results are missing" }
        return nil
    }

    private var stderrTail: String {
        let text = (verdict.stdout + verdict.stderr).split(separator: "\n").suffix(8).joined(separator: "\n")
        return text.isEmpty ? "" : "; last output:\n" + text
    }

    init(label: String, verdict: Verdict, stream: ResultStream, expected: [TestID], canaries: [String] = [], graderChanged: Bool = false,
         checks: CheckResponder? = nil) {
        self.label = label
        var verdict = verdict
        verdict.channel = []
        self.verdict = verdict
        // A clone of a parametrized test is collected once per parameter: `name[1]`, `name[3]`.
        let collectedCanaries = (stream.collected ?? []).map(\.nodeid).filter { id in canaries.contains { id == $0 || id.hasPrefix($0 + "[") } }
        let uncollected = canaries.filter { planted in !collectedCanaries.contains { $0 == planted || $0.hasPrefix(planted + "[") } }
        let canarySet = Set(collectedCanaries + uncollected)
        collected = stream.collected.map { $0.filter { !canarySet.contains($0.nodeid) }.map { (id: $0.nodeid, rubric: $0.rubric) } }
        collectErrors = stream.collectErrors
        exitStatus = stream.exitStatus
        wallMS = verdict.wallMS
        if verdict.status == .wallTimeLimit || verdict.status == .cpuTimeLimit { hungTest = stream.running }
        results = stream.results.filter { !canarySet.contains($0.key) }
        for id in expected.map(\.raw) where results[id] == nil {
            results[id] = Self.missingResult(id, stream: stream, verdict: verdict)
        }
        if let running = stream.running, results[running] == nil, !canarySet.contains(running) {
            results[running] = Self.missingResult(running, stream: stream, verdict: verdict)
        }
        for canary in canarySet {
            self.canaries[canary] = stream.results[canary] ?? Self.missingResult(canary, stream: stream, verdict: verdict)
        }
        integrity = Self.findings(stream: stream, verdict: verdict, expected: expected, canaries: canarySet, graderChanged: graderChanged)
        if let checks {
            // The assertion as written and what the test computed, for the grader's report.
            for (id, message) in checks.failureMessages() where results[id]?.outcome == .failed {
                results[id]?.message = "call: " + message
            }
            integrity += checks.findings(results: stream.results, canaryNodes: canarySet)
        }
    }

    /// The collected tests that have no real result yet: never started, or cut off by the end
    /// of the run. The hung test itself is not among them.
    var unfinished: [String] {
        (collected ?? []).map(\.id).filter { id in
            id != hungTest && (results[id].map { !$0.executed && $0.outcome == .notRun } ?? true)
        }
    }

    /// Takes in a resumed run of the unfinished tests: its results replace the inferred ones.
    mutating func absorb(_ resumed: SuiteRun) {
        for (id, result) in resumed.results where results[id].map({ !$0.executed && $0.outcome == .notRun }) ?? true {
            results[id] = result
        }
        canaries.merge(resumed.canaries) { first, _ in first }
        integrity += resumed.integrity.filter { !integrity.contains($0) }
        collectErrors.merge(resumed.collectErrors) { first, _ in first }
        exitStatus = resumed.exitStatus
        hungTest = resumed.hungTest
        wallMS += resumed.wallMS
        resumes += 1
    }

    /// Why an expected test has no result: its module failed to import, it was running when
    /// the run was killed, or it never ran.
    private static func missingResult(_ id: String, stream: ResultStream, verdict: Verdict) -> TestResult {
        let module = String(id.prefix { $0 != ":" })
        if let error = stream.collectErrors.first(where: { $0.key == module || id.hasPrefix($0.key + "::") }) {
            return TestResult(id: id, outcome: .error, message: "collection failed: " + error.value)
        }
        if stream.running == id {
            switch verdict.status {
            case .wallTimeLimit, .cpuTimeLimit:
                return TestResult(id: id, outcome: .timeout, message: "was running when the run hit its limit: \(verdict.reason)")
            default:
                return TestResult(id: id, outcome: .error, message: "was running when the run ended: \(verdict.reason)")
            }
        }
        if stream.collected != nil && stream.collected?.contains(where: { $0.nodeid == id }) == false && stream.exitStatus != nil {
            return TestResult(id: id, outcome: .notRun, message: "not collected: pytest found no such test")
        }
        return TestResult(id: id, outcome: .notRun, message: "the run ended before this test: \(verdict.reason)")
    }
}
