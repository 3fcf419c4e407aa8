import Dispatch
import Synchronization

/// Runs independent jobs on a fixed number of threads and returns their results in order.
/// Each job here is a sandboxed pytest run that mostly waits on its child, so one thread per
/// core keeps the cores busy without oversubscribing them.
enum WorkerPool {
    static func run<Result: Sendable>(_ count: Int, width: Int, _ job: @Sendable (Int) -> Result) -> [Result] {
        let next = Mutex(0)
        let results = Mutex([Result?](repeating: nil, count: count))
        DispatchQueue.concurrentPerform(iterations: max(1, min(width, count))) { _ in
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
        return results.withLock { $0.map { $0! } }
    }
}
