import Load
import TaskBank

extension ProbeMeter {
    /// Closed-loop load at the probe's concurrency.
    func measureLatency() throws -> ProbeMeasurement {
        var measured = ProbeMeasurement()
        let report = try run(plan(spec.request, body: spec.body), label: "load", into: &measured)
        measured["p50_ms"] = Self.milliseconds(report.latencyIncludingTimeoutsUs.p50)
        measured["p99_ms"] = Self.milliseconds(report.latencyIncludingTimeoutsUs.p99)
        measured["rps"] = report.requestsPerSecond
        measured["error_rate"] = Self.errorRate(report)
        return measured
    }

    static func latencyChecks(_ spec: ProbeSpec, _ m: ProbeMeasurement, reference: ProbeMeasurement?) -> [ProbeResult.Check] {
        var checks: [ProbeResult.Check] = [.atMost("error rate", m["error_rate"] ?? 1, spec.maxErrorRate ?? 0.01)]
        if let cap = spec.p50Ms { checks.append(.atMost("p50", m["p50_ms"] ?? .infinity, cap, unit: " ms")) }
        if let cap = spec.p99Ms { checks.append(.atMost("p99", m["p99_ms"] ?? .infinity, cap, unit: " ms")) }
        if let floor = spec.minRPS { checks.append(.atLeast("throughput", m["rps"] ?? 0, floor, unit: " req/s")) }
        if let check = relativeP99("p99", spec, m, reference, key: "p99_ms") { checks.append(check) }
        if let fraction = spec.relativeRPS, let base = reference?["rps"] {
            checks.append(.atLeast("throughput against the reference's \(ProbeResult.Check.format(base)) req/s",
                                   m["rps"] ?? 0, fraction * base, unit: " req/s"))
        }
        return checks
    }

    /// `relative_p99`: at most the factor times the reference's p99 under `key`.
    static func relativeP99(_ name: String, _ spec: ProbeSpec, _ m: ProbeMeasurement, _ reference: ProbeMeasurement?,
                            key: String) -> ProbeResult.Check? {
        guard let factor = spec.relativeP99, let base = reference?[key] else { return nil }
        // A reference p99 under a millisecond is noise; compare against at least 1 ms.
        return .atMost("\(name) against the reference's \(ProbeResult.Check.format(base)) ms",
                       m[key] ?? .infinity, factor * max(base, 1), unit: " ms")
    }
}
