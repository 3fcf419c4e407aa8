import Foundation

/// What Probe's pytest plugin streamed over the result channel, one JSON line per event.
///
/// The tested code runs in the same process as the plugin, so the stream is checked as well as
/// read: every line must carry the run's token, events must come in the order the plugin
/// writes them, and no test may report twice. Anything else is an ``anomalies`` entry, which
/// the grader turns into an integrity violation. The one exception is a last line cut off by
/// a kill, which is expected and skipped.
struct ResultStream {
    struct CollectedTest: Decodable {
        var nodeid: String
        var rubric: [RubricTag]
    }

    private struct Event: Decodable {
        var t: String?
        var event: String
        var nodeid: String?
        var tests: [CollectedTest]?
        var message: String?
        var outcome: String?
        var duration_ms: Int?
        var exitstatus: Int?
        var raised: String?
    }

    /// Every collected test with its markers, or nil when collection never finished.
    private(set) var collected: [CollectedTest]?
    /// Module or class node id → the collection error's text.
    private(set) var collectErrors: [String: String] = [:]
    private(set) var results: [String: TestResult] = [:]
    /// The test that started and has no result yet: the one running when the run ended.
    private(set) var running: String?
    private(set) var exitStatus: Int?
    /// Tests reported as passed although their function raised, with the exception's name.
    private(set) var passedAfterRaising: [String: String] = [:]
    /// Lines and orders of events that Probe's plugin never writes.
    private(set) var anomalies: [String] = []

    /// Exceptions with which pytest itself ends a test as skipped or xfailed.
    private static let skipExceptions: Set<String> = ["Skipped", "XFailed", "OutcomeException"]

    /// A fresh per-run token: 256 random bits, which every line of a run must carry.
    static func newToken() -> String {
        (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }.joined()
    }

    init(_ bytes: [UInt8], token: String) {
        let decoder = JSONDecoder()
        let lines = bytes.split(separator: 0x0a)
        for (number, line) in lines.enumerated() {
            guard let event = try? decoder.decode(Event.self, from: Data(line)) else {
                if number != lines.count - 1 || bytes.last == 0x0a {
                    anomalies.append("line \(number + 1) of the result stream is not an event of Probe's plugin")
                }
                continue
            }
            guard event.t == token else {
                anomalies.append("line \(number + 1) of the result stream lacks the run's token: written by the tested code, not by Probe's plugin")
                continue
            }
            guard exitStatus == nil else {
                anomalies.append("a '\(event.event)' event came after the session had finished")
                continue
            }
            take(event)
        }
    }

    private mutating func take(_ event: Event) {
        switch event.event {
        case "collected":
            if collected != nil { anomalies.append("the collection was reported twice") }
            collected = event.tests ?? []
        case "collect-error": collectErrors[event.nodeid ?? ""] = event.message ?? ""
        case "start":
            guard let id = event.nodeid, isCollected(id) else {
                anomalies.append("a test that was never collected started: \(event.nodeid ?? "?")")
                return
            }
            if let running, results[running] == nil {
                anomalies.append("\(id) started while \(running) was still running")
            }
            running = id
        case "result":
            guard let id = event.nodeid, isCollected(id) else {
                anomalies.append("a result came for a test that was never collected: \(event.nodeid ?? "?")")
                return
            }
            guard results[id] == nil else {
                anomalies.append("\(id) was reported twice")
                return
            }
            guard running == id else {
                anomalies.append("a result came for \(id), which had not started")
                return
            }
            record(event, id: id)
            running = nil
        case "finished": exitStatus = event.exitstatus
        case "check": break  // answered and judged by CheckResponder, as the run went
        default: anomalies.append("an unknown event '\(event.event)'")
        }
    }

    private func isCollected(_ id: String) -> Bool {
        collected?.contains { $0.nodeid == id } ?? false
    }

    private mutating func record(_ event: Event, id: String) {
        let outcome: TestOutcome
        var message = event.message ?? ""
        switch event.outcome {
        case "passed": outcome = .passed
        case "failed": outcome = .failed
        case "error": outcome = .error
        case "skipped":
            outcome = .notRun
            message = "skipped: " + message
        case "xpassed":
            outcome = .failed
            message = "passed, but is marked xfail: " + message
        default:
            outcome = .error
            message = "unknown outcome '\(event.outcome ?? "")' from the result plugin"
        }
        if outcome == .passed, let raised = event.raised, !Self.skipExceptions.contains(raised) {
            passedAfterRaising[id] = raised
        }
        results[id] = TestResult(id: id, outcome: outcome, message: message, durationMS: event.duration_ms ?? 0, executed: true)
    }
}
