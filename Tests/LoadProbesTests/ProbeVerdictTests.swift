import Sandbox
import TaskBank
import Testing
import Yams

@testable import LoadProbes

/// Judging a measurement, without a service: relative thresholds against the reference's
/// figures, and a visible note when those figures are missing.
struct ProbeVerdictTests {
    static let spec = """
    {name: listing, kind: latency, request: GET /items, p99_ms: 200, relative_p99: 3, relative_rps: 0.5}
    """

    func judge(_ measured: ProbeMeasurement, reference: ProbeMeasurement?) throws -> ProbeResult {
        let spec = try YAMLDecoder().decode(ProbeSpec.self, from: Self.spec)
        return ProbeRunner.result(spec, .success(measured), reference: reference)
    }

    var candidate: ProbeMeasurement {
        var m = ProbeMeasurement()
        m["p99_ms"] = 40
        m["p50_ms"] = 5
        m["rps"] = 900
        m["error_rate"] = 0
        return m
    }

    @Test func relativeThresholdsAreJudgedAgainstTheReference() throws {
        var reference = ProbeMeasurement()
        reference["p99_ms"] = 10
        reference["rps"] = 2000
        let result = try judge(candidate, reference: reference)
        #expect(!result.passed)
        #expect(result.checks.filter { !$0.passed }.map(\.name)
            == ["p99 against the reference's 10 ms", "throughput against the reference's 2000 req/s"])
        #expect(result.notes.isEmpty)
    }

    @Test func missingReferenceFiguresAreANoteNeverASilentPass() throws {
        let result = try judge(candidate, reference: nil)
        // Only the absolute limits apply, and the report says so.
        #expect(result.checks.map(\.name) == ["error rate", "p99"])
        #expect(result.passed)
        #expect(result.notes == ["relative_p99 and relative_rps not checked: the reference solution could not be "
                                 + "measured on this probe, so only the absolute limits apply"])
    }

    /// The reference is measured only for probes with a relative threshold. With no task to
    /// materialize a reference tree from, measuring anything throws, so an empty answer
    /// proves nothing was started.
    @Test func onlyRelativeThresholdsStartTheReference() throws {
        let absolute = try YAMLDecoder().decode(ProbeSpec.self, from: "{name: plain, kind: latency, request: GET /items, p99_ms: 200}")
        let relative = try YAMLDecoder().decode(ProbeSpec.self, from: Self.spec)
        #expect(!absolute.comparesWithReference && relative.comparesWithReference)
        let host = ServiceHost(runner: SandboxRunner(launcherPath: "/nonexistent", sandboxesDirectory: "/nonexistent"),
                               python: "/nonexistent", memoryMiB: 64, scratch: "/nonexistent")
        let runner = ProbeRunner(service: nil, probes: [absolute, relative], taskDirectory: "/nonexistent", host: host)
        #expect(try runner.referenceBaseline(scratch: "/nonexistent", only: ["plain"]).isEmpty)
        #expect(throws: LoadProbesError.self) { try runner.referenceBaseline(scratch: "/nonexistent") }
    }
}
