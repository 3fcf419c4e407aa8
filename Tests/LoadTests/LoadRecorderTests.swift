import Testing

@testable import Load

/// Merging the loops' recorders: every histogram and counter of every loop reaches the report.
struct LoadRecorderTests {
    func recorder(openLoop: Bool) -> LoadRecorder {
        LoadRecorder(highestMicros: 60_000_000, bodyLimit: 0, openLoop: openLoop)
    }

    @Test func mergeAddsEveryHistogramAndCounter() {
        var first = recorder(openLoop: true)
        for _ in 0..<3 { first.recordAnswer(status: 200, correctedMicros: 100, uncorrectedMicros: 90, second: 0) }
        first.endedAt = 10
        first.inFlightAtEnd = 1
        var second = recorder(openLoop: true)
        second.recordAnswer(status: 503, correctedMicros: 900, uncorrectedMicros: 800, second: 1)
        second.recordAnswer(status: 200, correctedMicros: 900, uncorrectedMicros: 800, second: 1)
        second.recordTimeout(deadlineMicros: 5000, second: 1)
        second.endedAt = 20
        second.inFlightAtEnd = 2

        first.merge(second)
        #expect(first.latency.totalCount == 5)
        #expect(first.uncorrected.totalCount == 5)
        #expect(first.includingTimeouts.totalCount == 6)
        #expect(first.latency.max >= 900 && first.latency.max < 901)
        #expect(first.includingTimeouts.max >= 5000 && first.includingTimeouts.max < 5010)
        #expect(first.statuses == [200: 4, 503: 1])
        #expect(first.errors == [.status5xx: 1, .timeout: 1])
        #expect(first.windows.map(\.completed) == [3, 2])
        #expect(first.windows.map(\.latency.totalCount) == [3, 2])
        #expect(first.completed == 5 && first.unanswered == 1)
        #expect(first.endedAt == 20 && first.inFlightAtEnd == 3)
    }

    @Test func theUncorrectedHistogramIsKeptInOpenLoopOnly() {
        var closed = recorder(openLoop: false)
        closed.recordAnswer(status: 200, correctedMicros: 100, uncorrectedMicros: 100, second: 0)
        #expect(closed.latency.totalCount == 1)
        #expect(closed.uncorrected.totalCount == 0)
        var open = recorder(openLoop: true)
        open.recordAnswer(status: 200, correctedMicros: 5000, uncorrectedMicros: 100, second: 0)
        #expect(open.uncorrected.totalCount == 1)
        #expect(open.uncorrected.max < open.latency.max)
    }
}
