import Foundation
import Synchronization
import Testing

@testable import Grading

/// Reference passes are measured once per task, even when several submissions ask at once.
struct PerTaskCacheTests {
    struct Failure: Error {}

    @Test func concurrentCallersForOneTaskShareOneMeasurement() {
        let cache = PerTaskCache<Int>()
        let measurements = Mutex(0)
        let results = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            let task = index < 2 ? "a" : "b"  // two callers at once for each task
            let value = cache.value(for: task) {
                let count = measurements.withLock { $0 += 1; return $0 }
                Thread.sleep(forTimeInterval: 0.1)
                return count * 10 + (task == "a" ? 1 : 2)
            }
            results.withLock { $0.append(value) }
        }
        #expect(measurements.withLock { $0 } == 2)
        let values = results.withLock { $0 }
        #expect(values.count == 4)
        #expect(Set(values.filter { $0 % 10 == 1 }).count == 1 && Set(values.filter { $0 % 10 == 2 }).count == 1)
    }

    @Test func aFailureIsNotKeptButANilValueIs() throws {
        let cache = PerTaskCache<Int?>()
        #expect(throws: Failure.self) { try cache.value(for: "a") { throw Failure() } }
        #expect(try cache.value(for: "a") { 7 } == 7)
        var calls = 0
        #expect(cache.value(for: "b") { calls += 1; return nil } == nil)
        #expect(cache.value(for: "b") { calls += 1; return 3 } == nil)
        #expect(calls == 1)
    }
}
