import Foundation
import Load
import TaskBank

extension ProbeMeter {
    /// Grey box: SQL statements per request at two list sizes, counted by the shim. Each
    /// request is sent alone (so the count is its own) with a distinct `{i}`, past any cache.
    /// Black box: the latency slope per item between the two sizes, as evidence.
    func measureNPlusOne() throws -> ProbeMeasurement {
        var measured = ProbeMeasurement()
        var statements: [Int: [Int]] = [:], latencies: [Int: [Double]] = [:]
        for size in spec.sizes {
            for repeat_ in 1...spec.repeats {
                let path = spec.request.path.replacing("{size}", with: String(size)).replacing("{i}", with: String(repeat_))
                let before = service.statements()
                let started = DispatchTime.now().uptimeNanoseconds
                guard let answer = try fetch(spec.request, path: path, body: spec.body) else {
                    throw LoadProbesError(.serviceFailed, "\(spec.request.method) \(path) got no answer within \(spec.timeout) s")
                }
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                guard (200..<300).contains(answer.status) else {
                    throw LoadProbesError(.serviceFailed, "\(spec.request.method) \(path) answered \(answer.status), expected 2xx")
                }
                statements[size, default: []].append(service.statements() - before)
                latencies[size, default: []].append(elapsed)
            }
        }
        let small = spec.sizes[0], large = spec.sizes[1]
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        measured["statements_small"] = median(statements[small, default: [0]].map(Double.init))
        measured["statements_large"] = median(statements[large, default: [0]].map(Double.init))
        let slope = (median(latencies[large, default: [0]]) - median(latencies[small, default: [0]])) / Double(large - small)
        measured["ms_per_item"] = slope
        measured.notes.append("statements per request: \(statements[small, default: []]) at \(small) items, "
                              + "\(statements[large, default: []]) at \(large) items")
        measured.notes.append(String(format: "black box: %.3f ms more per listed item (median latency %.2f ms at %d, %.2f ms at %d)",
                                     slope, median(latencies[small, default: [0]]), small, median(latencies[large, default: [0]]), large))
        return measured
    }

    static func nPlusOneChecks(_ spec: ProbeSpec, _ m: ProbeMeasurement) -> [ProbeResult.Check] {
        let small = m["statements_small"] ?? 0, large = m["statements_large"] ?? 0
        return [
            // No statement at all means the counter saw nothing: the probe cannot vouch for the code.
            .atLeast("SQL statements seen at \(spec.sizes[1]) items", large, 1),
            .atMost("statement growth from \(spec.sizes[0]) to \(spec.sizes[1]) items", large - small, Double(spec.maxStatementGrowth)),
        ]
    }
}
