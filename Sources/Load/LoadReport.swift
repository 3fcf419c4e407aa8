import Histogram

/// What a load run measured; its JSON form is `probe load --json`'s output.
public struct LoadReport: Sendable, Codable, Equatable {
    public struct Percentiles: Sendable, Codable, Equatable {
        public var p50: UInt64
        public var p90: UInt64
        public var p99: UInt64
        public var p999: UInt64
        public var max: UInt64
        public var mean: Double

        init(_ histogram: Histogram<UInt64>) {
            let empty = histogram.totalCount == 0
            p50 = empty ? 0 : histogram.valueAtPercentile(50)
            p90 = empty ? 0 : histogram.valueAtPercentile(90)
            p99 = empty ? 0 : histogram.valueAtPercentile(99)
            p999 = empty ? 0 : histogram.valueAtPercentile(99.9)
            max = empty ? 0 : histogram.max
            mean = empty ? 0 : (histogram.mean * 10).rounded() / 10
        }
    }

    /// One second of the run, by completion time: how the service degraded over time.
    public struct Window: Sendable, Codable, Equatable {
        public var second: Int
        public var completed: Int
        public var errors: Int
        public var p50Us: UInt64
        public var p99Us: UInt64
    }

    /// A point of the latency distribution, for plots.
    public struct CurvePoint: Sendable, Codable, Equatable {
        public var percentile: Double
        public var valueUs: UInt64
    }

    public var mode: String
    /// The target rate in open loop; nil in closed loop.
    public var rate: Double?
    public var connections: Int
    public var eventLoops: Int
    /// Seconds from the first connection attempt to the end of the send phase.
    public var durationS: Double
    /// Answers (any status) per second of the send phase.
    public var requestsPerSecond: Double
    public var sent: Int
    public var completed: Int
    /// Requests still waiting for an answer when the send phase ended; all of them were then
    /// drained (answered or timed out) before this report was made.
    public var inFlightAtEnd: Int
    /// Requests sent that never got an answer: timeouts, resets and EOFs.
    public var unanswered: Int
    public var errors: [String: Int]
    public var statuses: [String: Int]
    /// Corrected for coordinated omission in open loop (from the scheduled send time).
    public var latencyUs: Percentiles
    /// From the actual send time; open loop only.
    public var latencyUncorrectedUs: Percentiles?
    /// Answers plus timeouts, each timeout recorded at the deadline.
    public var latencyIncludingTimeoutsUs: Percentiles
    public var lateSends: Int
    public var droppedSends: Int
    public var windows: [Window]
    public var percentileCurve: [CurvePoint]
    /// Kept answers when the plan asked for them; not part of the JSON.
    public var bodies: [ResponseBody] = []

    enum CodingKeys: String, CodingKey {
        case mode, rate, connections, eventLoops = "event_loops", durationS = "duration_s"
        case requestsPerSecond = "requests_per_second", sent, completed, inFlightAtEnd = "in_flight_at_end"
        case unanswered, errors, statuses, latencyUs = "latency_us", latencyUncorrectedUs = "latency_uncorrected_us"
        case latencyIncludingTimeoutsUs = "latency_including_timeouts_us", lateSends = "late_sends"
        case droppedSends = "dropped_sends", windows, percentileCurve = "percentile_curve"
    }

    public var errorCount: Int { errors.values.reduce(0, +) }
    public func errors(_ kind: ErrorClass) -> Int { errors[kind.rawValue] ?? 0 }
    /// The answers by status, for a note: "290×201, 10×409".
    public var statusSummary: String {
        statuses.sorted { $0.key < $1.key }.map { "\($0.value)×\($0.key)" }.joined(separator: ", ")
    }

    /// Answers with a status in `range`.
    public func answers(in range: ClosedRange<Int>) -> Int {
        statuses.reduce(0) { total, entry in total + (Int(entry.key).map { range.contains($0) ? entry.value : 0 } ?? 0) }
    }

    static let curvePercentiles: [Double] = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100]

    init(plan: LoadPlan, recorder r: LoadRecorder, sendSeconds: Double) {
        if case .open(let rate) = plan.mode {
            mode = "open"
            self.rate = rate
            latencyUncorrectedUs = Percentiles(r.uncorrected)
        } else {
            mode = "closed"
            rate = nil
            latencyUncorrectedUs = nil
        }
        connections = plan.connections
        eventLoops = plan.eventLoops
        durationS = (sendSeconds * 1000).rounded() / 1000
        requestsPerSecond = sendSeconds > 0 ? (Double(r.completed) / sendSeconds * 10).rounded() / 10 : 0
        sent = r.sent
        completed = r.completed
        inFlightAtEnd = r.inFlightAtEnd
        unanswered = r.unanswered
        var errors: [String: Int] = [:]
        for kind in ErrorClass.allCases { errors[kind.rawValue] = r.errors[kind] ?? 0 }
        self.errors = errors
        statuses = Dictionary(uniqueKeysWithValues: r.statuses.map { (String($0.key), $0.value) })
        latencyUs = Percentiles(r.latency)
        latencyIncludingTimeoutsUs = Percentiles(r.includingTimeouts)
        lateSends = r.lateSends
        droppedSends = r.droppedSends
        windows = r.windows.enumerated().map { second, window in
            let empty = window.latency.totalCount == 0
            return Window(second: second, completed: window.completed, errors: window.errors,
                          p50Us: empty ? 0 : window.latency.valueAtPercentile(50),
                          p99Us: empty ? 0 : window.latency.valueAtPercentile(99))
        }
        percentileCurve = r.latency.totalCount == 0 ? [] : Self.curvePercentiles.map {
            CurvePoint(percentile: $0, valueUs: r.latency.valueAtPercentile($0))
        }
        bodies = r.bodies.sorted { $0.sequence < $1.sequence }
    }
}
