@testable import Grading
import ProbeTestSupport
import Sandbox
import TaskBank
import Synchronization
import Testing

/// How the plugin's stream becomes one outcome per test, and how the reference check turns
/// three runs into "flaky, by name".
@Suite struct ResultStreamTests {
    private func stream(_ lines: [String]) -> ResultStream {
        ResultStream(Array((signed(lines).joined(separator: "\n") + "\n").utf8), token: "tok")
    }

    /// The lines as the plugin writes them: with the run's token, and a "start" before each
    /// "result" that has none.
    private func signed(_ lines: [String]) -> [String] {
        var out: [String] = []
        for line in lines {
            if line.contains(#""event":"result""#), let id = line.firstMatch(of: /"nodeid":"([^"]+)"/)?.1,
               out.last?.contains(#""event":"start","nodeid":"\#(id)""#) != true {
                out.append(#"{"t":"tok","event":"start","nodeid":"\#(id)"}"#)
            }
            out.append(line.replacingOccurrences(of: #"{"event""#, with: #"{"t":"tok","event""#))
        }
        return out
    }

    private func verdict(_ status: Verdict.Status) -> Verdict {
        var verdict = Verdict.setupFailure(stage: "-", message: "-")
        verdict.status = status
        verdict.setupError = nil
        verdict.reason = "the \(status.rawValue) reason"
        return verdict
    }

    private static let collected = #"{"event":"collected","tests":[{"nodeid":"hidden/t.py::a","rubric":[{"dimension":"verification","weight":2}]},{"nodeid":"hidden/t.py::b","rubric":[]},{"nodeid":"hidden/t.py::c","rubric":[]}]}"#

    @Test func killedRunKeepsFinishedResultsAndNamesTheRunningTest() {
        let s = stream([
            Self.collected,
            #"{"event":"start","nodeid":"hidden/t.py::a"}"#,
            #"{"event":"result","nodeid":"hidden/t.py::a","outcome":"passed","message":"","duration_ms":3}"#,
            #"{"event":"start","nodeid":"hidden/t.py::b"}"#,
            #"{"event":"res"#,  // cut off by the kill
        ])
        let ids = ["hidden/t.py::a", "hidden/t.py::b", "hidden/t.py::c"].compactMap(TestID.init)
        let run = SuiteRun(label: "reference", verdict: verdict(.wallTimeLimit), stream: s, expected: ids)
        #expect(run.results["hidden/t.py::a"]?.outcome == .passed)
        #expect(run.results["hidden/t.py::b"]?.outcome == .timeout)
        #expect(run.results["hidden/t.py::c"]?.outcome == .notRun)
        #expect(run.results["hidden/t.py::c"]?.message == "the run ended before this test: the wall-time-limit reason")
        #expect(run.collected?.first?.rubric == [RubricTag(dimension: "verification", weight: 2)])
        #expect(run.problem == nil)
        #expect(run.exitStatus == nil)
    }

    @Test func crashWhileRunningIsAnErrorNotATimeout() {
        let s = stream([Self.collected, #"{"event":"start","nodeid":"hidden/t.py::a"}"#])
        let run = SuiteRun(label: "starter", verdict: verdict(.signaled), stream: s, expected: [TestID("hidden/t.py::a")!])
        #expect(run.results["hidden/t.py::a"]?.outcome == .error)
        #expect(run.results["hidden/t.py::a"]?.message == "was running when the run ended: the signaled reason")
    }

    @Test func collectionErrorMakesItsTestsErrors() {
        let s = stream([
            #"{"event":"collect-error","nodeid":"hidden/test_new.py","message":"ImportError: cannot import name 'idempotency'"}"#,
            #"{"event":"collected","tests":[]}"#,
            #"{"event":"finished","exitstatus":1}"#,
        ])
        let run = SuiteRun(label: "starter", verdict: verdict(.runtimeError), stream: s, expected: [TestID("hidden/test_new.py::test_x")!])
        #expect(run.results["hidden/test_new.py::test_x"]?.outcome == .error)
        #expect(run.results["hidden/test_new.py::test_x"]?.message.hasSuffix("cannot import name 'idempotency'") == true)
        #expect(run.problem == nil)
    }

    @Test func skippedTestIsNotRunWithItsReason() {
        let s = stream([Self.collected, #"{"event":"result","nodeid":"hidden/t.py::a","outcome":"skipped","message":"needs linux"}"#,
                        #"{"event":"finished","exitstatus":0}"#])
        let run = SuiteRun(label: "reference", verdict: verdict(.ok), stream: s, expected: [TestID("hidden/t.py::a")!])
        #expect(run.results["hidden/t.py::a"] == TestResult(id: "hidden/t.py::a", outcome: .notRun, message: "skipped: needs linux", executed: true))
    }

    @Test func unexpectedPassOfAnXfailTestIsAFailure() {
        let s = stream([Self.collected, #"{"event":"result","nodeid":"hidden/t.py::a","outcome":"xpassed","message":"flaky upstream"}"#,
                        #"{"event":"finished","exitstatus":0}"#])
        let run = SuiteRun(label: "reference", verdict: verdict(.ok), stream: s, expected: [TestID("hidden/t.py::a")!])
        #expect(run.results["hidden/t.py::a"]?.outcome == .failed)
    }

    @Test func garbageLinesAreSkippedAndNothingAfterFinishedCounts() {
        let s = stream([
            Self.collected,
            "not json at all",
            #"{"event":"result","nodeid":"hidden/t.py::a","outcome":"failed","message":"call: boom"}"#,
            #"{"event":"finished","exitstatus":1}"#,
            #"{"event":"result","nodeid":"hidden/t.py::a","outcome":"passed","message":""}"#,
        ])
        let run = SuiteRun(label: "reference", verdict: verdict(.runtimeError), stream: s, expected: [TestID("hidden/t.py::a")!])
        #expect(run.results["hidden/t.py::a"]?.outcome == .failed)
        #expect(run.exitStatus == 1)
    }

    @Test func flakyTestIsReportedByName() throws {
        let fixture = try TaskFixture()
        defer { fixture.cleanUp() }
        let task = try TaskLoader(root: fixture.root.path).load(folder: TaskFixture.id).get()
        func run(flakyPasses: Bool) -> Result<SuiteRun, GradingError> {
            let tests = task.manifest.tests.all.map { #"{"nodeid":"\#($0.raw)","rubric":[]}"# }.joined(separator: ",")
            var lines = [#"{"event":"collected","tests":[\#(tests)]}"#]
            for id in task.manifest.tests.all.map(\.raw) {
                let outcome = id.hasSuffix("test_empty_order_is_free") && !flakyPasses ? "failed" : "passed"
                lines.append(#"{"event":"result","nodeid":"\#(id)","outcome":"\#(outcome)","message":"call: assert 1 == 0"}"#)
            }
            lines.append(#"{"event":"finished","exitstatus":0}"#)
            return .success(SuiteRun(label: "reference", verdict: verdict(.ok), stream: stream(lines), expected: task.manifest.tests.all))
        }
        let validator = TaskValidator(
            runner: PytestRunner(sandbox: SandboxRunner(launcherPath: "/nonexistent", sandboxesDirectory: "/nonexistent"),
                                 python: ProbeProcess.python, workRoot: "/tmp"),
            environment: try PythonEnvironment(python: ProbeProcess.python), sandboxesDirectory: "/nonexistent", jobs: 1)
        let check = validator.referenceCheck(task, [run(flakyPasses: true), run(flakyPasses: false), run(flakyPasses: true)])
        #expect(check.status == .failed)
        #expect(check.reason == "1 flaky test: hidden/test_pricing.py::test_empty_order_is_free")
        #expect(check.details == ["hidden/test_pricing.py::test_empty_order_is_free: flaky, passed 2 of 3 runs; otherwise failed: call: assert 1 == 0"])
        #expect(validator.referenceCheck(task, [run(flakyPasses: true), run(flakyPasses: true), run(flakyPasses: true)]).status == .passed)
    }

    // MARK: what the tested code cannot forge

    private func findings(_ lines: [String], raw: [String] = [], canaries: [String] = [], status: Verdict.Status = .runtimeError) -> [String] {
        let bytes = Array(((signed(lines) + raw).joined(separator: "\n") + "\n").utf8)
        let run = SuiteRun(label: "submission", verdict: verdict(status), stream: ResultStream(bytes, token: "tok"),
                           expected: ["hidden/t.py::a", "hidden/t.py::b", "hidden/t.py::c"].compactMap(TestID.init), canaries: canaries)
        return run.integrity.filter(\.violation).map { "\($0.kind.rawValue): \($0.subject)" }
    }

    @Test func aLineWithoutTheRunsTokenIsForged() {
        let found = findings([Self.collected], raw: [#"{"event":"result","nodeid":"hidden/t.py::a","outcome":"passed"}"#])
        #expect(found == ["forged-stream: result stream"])
    }

    @Test func aSecondResultForATestIsForged() {
        let found = findings([Self.collected,
                              #"{"event":"result","nodeid":"hidden/t.py::a","outcome":"failed","message":"call: boom"}"#,
                              #"{"event":"result","nodeid":"hidden/t.py::a","outcome":"passed","message":""}"#])
        #expect(found == ["forged-stream: result stream"])
    }

    @Test func aResultBeforeCollectionIsForged() {
        let found = findings([#"{"event":"result","nodeid":"hidden/t.py::a","outcome":"passed","message":""}"#, Self.collected])
        #expect(found.contains("forged-stream: result stream"))
    }

    @Test func aPassThatRaisedIsAViolation() {
        let found = findings([Self.collected, #"{"event":"result","nodeid":"hidden/t.py::a","outcome":"passed","message":"","raised":"AssertionError"}"#])
        #expect(found == ["passed-after-raising: hidden/t.py::a"])
        let skipped = findings([Self.collected, #"{"event":"result","nodeid":"hidden/t.py::a","outcome":"skipped","message":"","raised":"Skipped"}"#])
        #expect(skipped.isEmpty)
    }

    @Test func aPassingCanaryIsAViolationAndAFailingOneIsNot() {
        let passing = findings([Self.collected, #"{"event":"result","nodeid":"hidden/t.py::c","outcome":"passed","message":""}"#],
                               canaries: ["hidden/t.py::c"])
        #expect(passing == ["canary-passed: hidden/t.py::c"])
        let failing = findings([Self.collected, #"{"event":"result","nodeid":"hidden/t.py::c","outcome":"failed","message":"call: assert"}"#],
                               canaries: ["hidden/t.py::c"])
        #expect(failing.isEmpty)
    }

    @Test func exitingZeroBeforePytestFinishesIsAViolation() {
        #expect(findings([Self.collected], status: .ok) == ["exited-early: test process"])
        #expect(findings([Self.collected, #"{"event":"finished","exitstatus":1}"#], status: .runtimeError).isEmpty)
    }

    @Test func aLastLineCutOffByAKillIsNotForged() {
        let bytes = Array((signed([Self.collected]).joined(separator: "\n") + "\n" + #"{"t":"tok","event":"res"#).utf8)
        let run = SuiteRun(label: "submission", verdict: verdict(.signaled), stream: ResultStream(bytes, token: "tok"),
                           expected: [TestID("hidden/t.py::a")!])
        #expect(run.integrity.filter(\.violation).isEmpty)
    }

    /// The live progress names a planted canary (or one of its parameters) as a canary, never
    /// as a failed hidden test, and passes other results through with their ids.
    @Test func progressShowsCanariesAsCanaries() {
        let events = Mutex<[String]>([])
        let decoder = ProgressDecoder { event in
            let shown = switch event {
            case .collected(let count): "collected \(count)"
            case .started(let id): "started \(id)"
            case .finished(let id, let outcome): "\(outcome) \(id)"
            case .canary(let outcome): "canary \(outcome)"
            }
            events.withLock { $0.append(shown) }
        }
        decoder.expectCanaries(["hidden/t.py::test_total_keeps"])
        let lines = [
            #"{"event":"result","nodeid":"hidden/t.py::a","outcome":"passed"}"#,
            #"{"event":"result","nodeid":"hidden/t.py::test_total_keeps","outcome":"failed"}"#,
            #"{"event":"result","nodeid":"hidden/t.py::test_total_keeps[2]","outcome":"passed"}"#,
            #"{"event":"result","nodeid":"hidden/t.py::test_total_keeps_2","outcome":"failed"}"#,
        ]
        // Split mid-line: the decoder waits for the newline.
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        decoder.feed(Array(bytes[..<40]))
        decoder.feed(Array(bytes[40...]))
        #expect(events.withLock { $0 } == ["passed hidden/t.py::a", "canary failed", "canary passed",
                                            "failed hidden/t.py::test_total_keeps_2"])
    }
}
