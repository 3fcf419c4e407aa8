import Histogram

/// What one event loop measured. Each loop owns one recorder and touches it only from its own
/// thread (hdrhistogram's `Histogram` is a value type and not thread-safe); the generator
/// merges the loops' recorders with `Histogram.add` at the end.
struct LoadRecorder: Sendable {
    /// Latency from the scheduled send time (open loop) or the actual send time (closed loop).
    var latency: Histogram<UInt64>
    /// Latency from the actual send time; recorded in open loop only, where it differs
    /// from `latency`.
    var uncorrected: Histogram<UInt64>
    /// Every timed-out request, recorded at its deadline.
    var timeouts: Histogram<UInt64>
    var windows: [Window] = []
    var sent = 0
    var completed = 0
    /// Requests that were sent and ended without an answer (timeout, reset, EOF).
    var unanswered = 0
    var errors: [ErrorClass: Int] = [:]
    /// Answers by status code (100...999), an array rather than a dictionary: it is
    /// counted once per answer on the hot path.
    private var statusCounts = [Int](repeating: 0, count: 1000)
    let openLoop: Bool
    var lateSends = 0
    var droppedSends = 0
    /// When the loop's last connection finished (at most the end of the send phase).
    var endedAt: UInt64 = 0
    /// Requests in flight when the send phase ended, drained since.
    var inFlightAtEnd = 0
    var bodies: [ResponseBody] = []
    let bodyLimit: Int
    let highest: UInt64

    /// Completions, errors and latencies of one second of the run.
    struct Window: Sendable {
        var completed = 0
        var errors = 0
        var latency: Histogram<UInt64>
    }

    init(highestMicros: UInt64, bodyLimit: Int, openLoop: Bool) {
        highest = highestMicros
        latency = Histogram(highestTrackableValue: highestMicros, numberOfSignificantValueDigits: .three)
        uncorrected = latency
        timeouts = latency
        self.bodyLimit = bodyLimit
        self.openLoop = openLoop
    }

    /// `latency` plus every timed-out request at its deadline.
    var includingTimeouts: Histogram<UInt64> {
        var merged = latency
        merged.add(timeouts)
        return merged
    }

    var statuses: [Int: Int] {
        var statuses: [Int: Int] = [:]
        for (status, count) in statusCounts.enumerated() where count > 0 { statuses[status] = count }
        return statuses
    }

    private func clamp(_ micros: UInt64) -> UInt64 { max(1, min(micros, highest)) }

    private mutating func window(at second: Int) -> Int {
        while windows.count <= second {
            windows.append(Window(latency: Histogram(highestTrackableValue: highest, numberOfSignificantValueDigits: .two)))
        }
        return second
    }

    mutating func recordAnswer(status: Int, correctedMicros: UInt64, uncorrectedMicros: UInt64, second: Int) {
        completed += 1
        statusCounts[status] += 1
        let corrected = clamp(correctedMicros)
        _ = latency.record(corrected)
        if openLoop { _ = uncorrected.record(clamp(uncorrectedMicros)) }
        let index = window(at: second)
        windows[index].completed += 1
        _ = windows[index].latency.record(corrected)
        if status >= 500 {
            record(.status5xx, second: second)
        } else if status >= 400 {
            record(.status4xx, second: second)
        }
    }

    mutating func recordTimeout(deadlineMicros: UInt64, second: Int) {
        unanswered += 1
        _ = timeouts.record(clamp(deadlineMicros))
        record(.timeout, second: second)
    }

    mutating func recordUnanswered(_ error: ErrorClass, second: Int) {
        unanswered += 1
        record(error, second: second)
    }

    mutating func record(_ error: ErrorClass, second: Int) {
        errors[error, default: 0] += 1
        windows[window(at: second)].errors += 1
    }

    mutating func keep(_ body: ResponseBody) {
        if bodies.count < bodyLimit { bodies.append(body) }
    }

    mutating func merge(_ other: LoadRecorder) {
        latency.add(other.latency)
        uncorrected.add(other.uncorrected)
        timeouts.add(other.timeouts)
        for (index, window) in other.windows.enumerated() {
            let mine = self.window(at: index)
            windows[mine].completed += window.completed
            windows[mine].errors += window.errors
            windows[mine].latency.add(window.latency)
        }
        sent += other.sent
        completed += other.completed
        unanswered += other.unanswered
        errors.merge(other.errors, uniquingKeysWith: +)
        for (status, count) in other.statusCounts.enumerated() { statusCounts[status] += count }
        lateSends += other.lateSends
        droppedSends += other.droppedSends
        endedAt = max(endedAt, other.endedAt)
        inFlightAtEnd += other.inFlightAtEnd
        bodies += other.bodies.prefix(max(0, bodyLimit - bodies.count))
    }
}

/// One answer kept for a probe: its sequence number, status and body text.
public struct ResponseBody: Sendable, Equatable, Codable {
    public var sequence: Int
    public var status: Int
    public var body: String
}
