import Foundation
import Synchronization

/// Runs independent jobs on exactly `width` threads and returns their results in order. Each
/// job here is a sandboxed pytest run that mostly waits on its child, so the width is a number
/// of runs at once (one per core by default), not a CPU count libdispatch would cap.
public enum WorkerPool {
    public static func run<Result: Sendable>(_ count: Int, width: Int, _ job: @escaping @Sendable (Int) -> Result) -> [Result] {
        let next = Mutex(0)
        let results = Mutex([Result?](repeating: nil, count: count))
        let finished = DispatchGroup()
        for _ in 0..<max(1, min(width, count)) {
            finished.enter()
            let worker = Thread {
                defer { finished.leave() }
                while true {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < count else { return }
                    let result = job(index)
                    results.withLock { $0[index] = result }
                }
            }
            worker.start()
        }
        finished.wait()
        return results.withLock { $0.map { $0! } }
    }
}
