import Foundation

/// What Probe's pytest plugin streamed over the result channel, one JSON line per event. A
/// line that does not parse (a run killed mid-write) is skipped, and nothing after the
/// session's "finished" event counts.
struct ResultStream {
    struct CollectedTest: Decodable {
        var nodeid: String
        var rubric: [RubricTag]
    }

    private struct Event: Decodable {
        var event: String
        var nodeid: String?
        var tests: [CollectedTest]?
        var message: String?
        var outcome: String?
        var duration_ms: Int?
        var exitstatus: Int?
    }

    /// Every collected test with its markers, or nil when collection never finished.
    private(set) var collected: [CollectedTest]?
    /// Module or class node id → the collection error's text.
    private(set) var collectErrors: [String: String] = [:]
    private(set) var results: [String: TestResult] = [:]
    /// The test that started and has no result yet: the one running when the run ended.
    private(set) var running: String?
    private(set) var exitStatus: Int?

    init(_ bytes: [UInt8]) {
        let decoder = JSONDecoder()
        for line in bytes.split(separator: 0x0a) where exitStatus == nil {
            guard let event = try? decoder.decode(Event.self, from: Data(line)) else { continue }
            switch event.event {
            case "collected": collected = event.tests ?? []
            case "collect-error": collectErrors[event.nodeid ?? ""] = event.message ?? ""
            case "start": running = event.nodeid
            case "result":
                guard let id = event.nodeid else { continue }
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
                results[id] = TestResult(id: id, outcome: outcome, message: message, durationMS: event.duration_ms ?? 0, executed: true)
                if running == id { running = nil }
            case "finished": exitStatus = event.exitstatus
            default: continue
            }
        }
    }
}
