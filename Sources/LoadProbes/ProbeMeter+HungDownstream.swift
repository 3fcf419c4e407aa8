import Foundation
import Load
import TaskBank

extension ProbeMeter {
    /// Puts the downstream stub in its fault (accept and never answer, or answer late), loads
    /// the service for `duration`, then lifts the fault and times how long the service takes
    /// to answer normally again.
    func measureHungDownstream() throws -> ProbeMeasurement {
        guard let stub = service.stub else {
            throw LoadProbesError(.system, "a hung-downstream probe needs service.downstream in task.yaml")
        }
        var measured = ProbeMeasurement()
        let callsBefore = stub.requestCount()
        stub.set(spec.fault == .hang ? .hang : .delay(spec.faultDelay))
        let report: LoadReport
        do {
            report = try run(plan(spec.request, body: spec.body), label: "downstream \(spec.fault == .hang ? "hung" : "slow")", into: &measured)
        } catch {
            stub.set(.healthy)
            throw error
        }
        let calls = stub.requestCount() - callsBefore
        stub.set(.healthy)
        measured["downstream_calls"] = Double(calls)
        measured["p99_ms"] = Self.milliseconds(report.latencyIncludingTimeoutsUs.p99)
        measured["timeouts"] = Double(report.errors(.timeout))
        measured["unanswered"] = Double(report.unanswered)
        let allowed = Set(spec.allowedStatuses)
        let others = report.statuses.filter { Int($0.key).map { !allowed.contains($0) } ?? true }
        measured["disallowed_statuses"] = Double(others.values.reduce(0, +))
        measured["answered"] = Double(report.completed)
        measured.notes.append("during the fault: \(report.completed) answered "
                              + report.statusSummary
                              + ", \(report.errors(.timeout)) timed out at the \(ProbeResult.Check.format(spec.timeout)) s deadline; "
                              + "the service called the downstream \(calls) times")

        // Recovery: poll until an answer shows the downstream is used again.
        let lifted = DispatchTime.now().uptimeNanoseconds
        var recovered: Double?
        while recovered == nil {
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - lifted) / 1e9
            if elapsed > spec.recovery { break }
            if let answer = try fetch(spec.request, body: spec.body), answer.status == spec.recoveredStatus,
               spec.recoveredBodyContains.map({ answer.body.contains($0) }) ?? true {
                recovered = Double(DispatchTime.now().uptimeNanoseconds - lifted) / 1e9
                break
            }
            usleep(100_000)
        }
        measured["recovery_s"] = recovered ?? .infinity
        measured.notes.append(recovered.map { String(format: "recovered %.2f s after the fault was lifted", $0) }
                              ?? "not recovered \(ProbeResult.Check.format(spec.recovery)) s after the fault was lifted")
        return measured
    }

    static func hungDownstreamChecks(_ spec: ProbeSpec, _ m: ProbeMeasurement) -> [ProbeResult.Check] {
        var checks: [ProbeResult.Check] = [
            .atLeast("answers during the fault", m["answered"] ?? 0, 1),
            .atMost("requests without an answer by the deadline", m["unanswered"] ?? .infinity, 0),
            .atMost("answers outside \(spec.allowedStatuses.map(String.init).joined(separator: "/"))", m["disallowed_statuses"] ?? .infinity, 0),
            .atMost("recovery after the fault is lifted", m["recovery_s"] ?? .infinity, spec.recovery, unit: " s"),
        ]
        if let cap = spec.p99Ms { checks.append(.atMost("p99 during the fault", m["p99_ms"] ?? .infinity, cap, unit: " ms")) }
        return checks
    }
}
