import Foundation
import LoadProbes
import ProbeTestSupport
import Sandbox
import TaskBank
import Testing
import Yams

/// Each probe against `Services/probe_target.py`, a service with one switch per planted
/// defect: the probe must fail on the defect, on the check that names it, and pass once fixed.
@Suite(.serialized) struct ProbeTests {
    static let services = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Services").path

    /// Runs one probe, written as task.yaml would, on the target service with `defects`.
    func probe(_ yaml: String, defects: String = "", downstream: Bool = false) throws -> ProbeResult {
        var serviceYAML = """
        start: [python, probe_target.py]
        port_env: PORT
        readiness: /health
        startup_timeout: 20s
        env: {DEFECTS: "\(defects)"}
        """
        if downstream { serviceYAML += "\ndownstream: {env: DOWNSTREAM_URL, body: '{\"cents\": 1250}'}" }
        let service = try YAMLDecoder().decode(ServiceSpec.self, from: serviceYAML)
        let spec = try YAMLDecoder().decode(ProbeSpec.self, from: yaml)
        let scratch = try FileTree.makeTemporaryDirectory(prefix: "probe-tests")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let sandbox = SandboxRunner(launcherPath: ProbeProcess.binaries.appendingPathComponent("probe-launcher").path,
                                    sandboxesDirectory: ProbeProcess.repository.appendingPathComponent("Sandboxes").path)
        let runner = ProbeRunner(service: service, probes: [spec], taskDirectory: Self.services,
                                 host: ServiceHost(runner: sandbox, python: ProbeProcess.python, memoryMiB: 512, scratch: scratch))
        return runner.run(source: Self.services, reference: [:])[0]
    }

    func failed(_ result: ProbeResult) -> [String] { result.checks.filter { !$0.passed }.map(\.name) }

    static let nPlusOne = """
    {name: items, kind: n-plus-one, request: "GET /items?limit={size}&i={i}", sizes: [10, 100], max_statement_growth: 2}
    """

    @Test func nPlusOneCountsStatementsPerRequest() throws {
        let broken = try probe(Self.nPlusOne, defects: "n-plus-one")
        #expect(!broken.passed)
        #expect(failed(broken) == ["statement growth from 10 to 100 items"])
        #expect(broken.metrics["statements_small"] == 11 && broken.metrics["statements_large"] == 101)
        let fixed = try probe(Self.nPlusOne)
        #expect(fixed.passed, "\(fixed.failures)")
        #expect(fixed.metrics["statements_small"] == 1 && fixed.metrics["statements_large"] == 1)
    }

    static let memory = """
    {name: lookup, kind: memory-growth, request: "GET /lookup?key={n}", keys: 6000, connections: 4, duration: 40s, max_bytes_per_key: 1000}
    """

    @Test func memoryGrowthFollowsTheSlopeOfAnUnboundedCache() throws {
        let broken = try probe(Self.memory, defects: "unbounded-cache")
        #expect(failed(broken) == ["RSS slope over the second half"])
        #expect((broken.metrics["bytes_per_key"] ?? 0) > 2000)
        #expect(broken.samples.count >= 2)
        let fixed = try probe(Self.memory)
        #expect(fixed.passed, "\(fixed.failures)")
    }

    static let hung = """
    {name: quote, kind: hung-downstream, request: GET /quote, connections: 4, duration: 2s, timeout: 2s, p99_ms: 1000,
     allowed_statuses: [200, 504], recovery: 4s, recovered_body_contains: '"source":"live"'}
    """

    @Test func hungDownstreamCatchesAMissingTimeout() throws {
        let broken = try probe(Self.hung, defects: "no-timeout", downstream: true)
        #expect(failed(broken).contains("requests without an answer by the deadline"))
        #expect(failed(broken).contains("answers during the fault"))
        #expect((broken.metrics["timeouts"] ?? 0) >= 4)
    }

    @Test func hungDownstreamCatchesATimeoutThatBecomesA500() throws {
        let broken = try probe(Self.hung, defects: "timeout-500", downstream: true)
        #expect(failed(broken) == ["answers outside 200/504"])
    }

    @Test func hungDownstreamPassesAFastFallbackThatRecovers() throws {
        let fixed = try probe(Self.hung, downstream: true)
        #expect(fixed.passed, "\(fixed.failures)")
        #expect((fixed.metrics["recovery_s"] ?? .infinity) < 4)
    }

    static let blocking = """
    {name: slow, kind: blocking, request: GET /slow, health: GET /health, connections: 8, duration: 2s, p99_ms: 30}
    """

    @Test func blockingSeesTheHealthEndpointStall() throws {
        let broken = try probe(Self.blocking, defects: "blocking")
        #expect(failed(broken) == ["health p99 under load"])
        #expect((broken.metrics["health_p99_ms"] ?? 0) > 100)
        let fixed = try probe(Self.blocking)
        #expect(fixed.passed, "\(fixed.failures)")
    }

    static let race = """
    {name: counter, kind: race, request: POST /counter, requests: 400, connections: 16, counter: GET /counter,
     counter_field: value, direction: increments, id_field: id}
    """

    @Test func raceComparesTheCounterWithTheAnswersAfterTheDrain() throws {
        let broken = try probe(Self.race, defects: "race")
        #expect(failed(broken) == ["counter moved by the number of 2xx answers", "unique id values"])
        let fixed = try probe(Self.race)
        #expect(fixed.passed, "\(fixed.failures)")
        #expect(fixed.metrics["counter_after"] == 400 && fixed.metrics["successes"] == 400)
    }

    static let latency = """
    {name: slow-latency, kind: latency, request: GET /slow, connections: 8, duration: 2s, p99_ms: 150, min_rps: 50}
    """

    @Test func latencyHoldsItsThresholds() throws {
        let broken = try probe(Self.latency, defects: "blocking")
        #expect(failed(broken) == ["p99", "throughput"])
        let fixed = try probe(Self.latency)
        #expect(fixed.passed, "\(fixed.failures)")
    }

    @Test func aServiceThatCannotStartIsAnErrorWithItsStderr() throws {
        let result = try probe(Self.latency, defects: "no-such-defect")
        #expect(!result.passed)
        let error = try #require(result.error)
        #expect(error.contains("exited before /health answered"))
        #expect(error.contains("no-such-defect"))
    }
}
