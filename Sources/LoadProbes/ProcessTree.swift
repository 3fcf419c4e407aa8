import Foundation

/// The service's process tree, sampled from its cgroup: resident memory and threads of every
/// process in it except the sandbox's own launcher processes.
public struct ProcessTree: Sendable {
    let cgroupDirectories: [String]

    public struct Sample: Sendable, Codable, Equatable {
        /// Milliseconds since the sampler started.
        public var atMs: Int
        public var rssKiB: Int
        public var threads: Int
        public var processes: Int

        enum CodingKeys: String, CodingKey {
            case atMs = "at_ms", rssKiB = "rss_kib", threads, processes
        }
    }

    func sample(at ms: Int = 0) -> Sample {
        var sample = Sample(atMs: ms, rssKiB: 0, threads: 0, processes: 0)
        for pid in pids() {
            guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
                  !comm.hasPrefix("probe-launcher"),
                  let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { continue }
            sample.processes += 1
            for line in status.split(separator: "\n") {
                if line.hasPrefix("VmRSS:") {
                    sample.rssKiB += Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
                } else if line.hasPrefix("Threads:") {
                    sample.threads += Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).last ?? "0") ?? 0
                }
            }
        }
        return sample
    }

    private func pids() -> [Int32] {
        for directory in cgroupDirectories {
            guard let text = try? String(contentsOfFile: directory + "/cgroup.procs", encoding: .utf8) else { continue }
            return text.split(separator: "\n").compactMap { Int32($0) }
        }
        return []
    }
}

/// Samples a ``ProcessTree`` every 250 ms on a thread of its own until stopped.
final class TreeSampler: @unchecked Sendable {
    private let tree: ProcessTree
    private let lock = NSLock()
    private var samples: [ProcessTree.Sample] = []
    private var running = true
    private let finished = DispatchSemaphore(value: 0)
    static let intervalMs = 250

    init(_ tree: ProcessTree) {
        self.tree = tree
        let start = DispatchTime.now().uptimeNanoseconds
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                let ms = Int((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
                let sample = tree.sample(at: ms)
                lock.withLock { samples.append(sample) }
                usleep(useconds_t(Self.intervalMs * 1000))
            }
            finished.signal()
        }
    }

    func stop() -> [ProcessTree.Sample] {
        lock.withLock { running = false }
        finished.wait()
        return lock.withLock { samples }
    }
}
