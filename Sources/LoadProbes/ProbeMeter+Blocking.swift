import Load
import NIOCore
import TaskBank

extension ProbeMeter {
    /// Keeps the slow endpoint under load while one connection measures the health endpoint:
    /// a handler that blocks the event loop (or a lock all requests share) shows up as the
    /// health endpoint's p99.
    func measureBlocking() throws -> ProbeMeasurement {
        var measured = ProbeMeasurement()
        let slowPlan = plan(spec.request, body: spec.body)
        var healthPlan = plan(spec.health!)
        healthPlan.connections = 1
        let slow = LoadGenerator.run(slowPlan, on: service.group)
        let health = LoadGenerator.run(healthPlan, on: service.group)
        let slowReport = try slow.wait(), healthReport = try health.wait()
        measured.phases.append(.init(label: "slow endpoint", load: slowReport))
        measured.phases.append(.init(label: "health endpoint", load: healthReport))
        measured["health_p99_ms"] = Self.milliseconds(healthReport.latencyIncludingTimeoutsUs.p99)
        measured["health_rps"] = healthReport.requestsPerSecond
        measured["health_unanswered"] = Double(healthReport.unanswered)
        measured["slow_rps"] = slowReport.requestsPerSecond
        return measured
    }

    static func blockingChecks(_ spec: ProbeSpec, _ m: ProbeMeasurement, reference: ProbeMeasurement?) -> [ProbeResult.Check] {
        var checks: [ProbeResult.Check] = [.atMost("health requests without an answer", m["health_unanswered"] ?? .infinity, 0)]
        if let cap = spec.p99Ms { checks.append(.atMost("health p99 under load", m["health_p99_ms"] ?? .infinity, cap, unit: " ms")) }
        if let check = relativeP99("health p99", spec, m, reference, key: "health_p99_ms") { checks.append(check) }
        return checks
    }
}
