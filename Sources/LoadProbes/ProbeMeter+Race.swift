import Load
import TaskBank

extension ProbeMeter {
    /// Concurrent increments (or decrements, such as reservations against stock). After the
    /// load is drained, the server's counter must have moved by exactly the number of 2xx
    /// answers, no answer may be a 5xx, and the ids handed out must be unique.
    func measureRace() throws -> ProbeMeasurement {
        var measured = ProbeMeasurement()
        let counter = spec.counter!, field = spec.counterField!
        func readCounter() throws -> Double {
            guard let answer = try fetch(counter), answer.status == 200 else {
                throw LoadProbesError(.serviceFailed, "\(counter) did not answer 200")
            }
            guard let value = Self.number(in: answer.body, field: field) else {
                throw LoadProbesError(.serviceFailed, "\(counter) answered without a number at '\(field)': \(answer.body.prefix(200))")
            }
            return value
        }
        let before = try readCounter()
        var load = plan(spec.request, body: spec.body)
        load.requestLimit = spec.requests
        load.duration = 600
        load.keepBodies = true
        let report = try run(load, label: "concurrent \(spec.request.method)", into: &measured)
        // The generator has drained every request: the counter is final.
        let after = try readCounter()
        let successes = report.answers(in: 200...299)
        let moved = spec.direction == .increments ? after - before : before - after
        measured["counter_before"] = before
        measured["counter_after"] = after
        measured["successes"] = Double(successes)
        measured["status_5xx"] = Double(report.errors(.status5xx))
        measured.facts.append(.init(name: "counter moved by the number of 2xx answers", passed: moved == Double(successes),
                                    actual: "\(field) \(ProbeResult.Check.format(before)) → \(ProbeResult.Check.format(after)), \(successes) × 2xx",
                                    limit: "moved by \(successes)"))
        measured.facts.append(.atMost("5xx answers", Double(report.errors(.status5xx)), 0))
        measured.facts.append(.atMost("requests without an answer", Double(report.unanswered), 0))
        if spec.direction == .decrements {
            measured.facts.append(.atLeast("\(field) after the load", after, 0))
        }
        if let idField = spec.idField {
            let ids = report.bodies.filter { (200...299).contains($0.status) }.compactMap { Self.text(in: $0.body, field: idField) }
            let duplicates = ids.count - Set(ids).count
            measured["duplicate_ids"] = Double(duplicates)
            measured.facts.append(.init(name: "unique \(idField) values", passed: duplicates == 0 && ids.count == successes,
                                        actual: "\(ids.count) ids, \(duplicates) duplicates", limit: "\(successes) unique ids"))
        }
        measured.notes.append("\(spec.requests) requests on \(spec.connections) connections: "
                              + report.statusSummary)
        return measured
    }
}
