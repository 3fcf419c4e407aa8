import Load
import TaskBank

extension ProbeMeter {
    /// Sweeps `keys` unique keys in ten chunks, reading the tree's RSS after each drained
    /// chunk; the sampler records RSS and threads every 250 ms throughout. CPython rarely
    /// gives memory back, so the verdict rests on the slope over the second half, not on a
    /// return to the baseline.
    func measureMemoryGrowth() throws -> ProbeMeasurement {
        var measured = ProbeMeasurement()
        let chunks = 10
        let perChunk = max(1, spec.keys / chunks)
        let sampler = TreeSampler(service.tree)
        let baseline = service.tree.sample()
        var points: [(keys: Double, bytes: Double)] = []
        var sent = 0, failures = 0
        var samplerStopped = false
        defer { if !samplerStopped { _ = sampler.stop() } }
        // `duration` is the whole sweep's budget: a service too slow to take the keys in time
        // (an O(n) purge on every insert, say) fails the sweep rather than stalling the grader.
        for chunk in 0..<chunks {
            var plan = plan(spec.request, body: spec.body)
            plan.requestLimit = perChunk
            plan.sequenceOffset = chunk * perChunk
            plan.duration = spec.duration / Double(chunks)
            let report = try LoadGenerator.run(plan, on: service.group).wait()
            if chunk == 0 || chunk == chunks - 1 { measured.phases.append(.init(label: "chunk \(chunk + 1) of \(chunks)", load: report)) }
            sent += report.sent
            failures += report.unanswered + report.errors(.status5xx)
            points.append((Double(sent), Double(service.tree.sample().rssKiB) * 1024))
            if report.sent < perChunk {
                measured.notes.append("the sweep ran out of its \(ProbeResult.Check.format(spec.duration)) s budget after \(sent) of \(perChunk * chunks) keys")
                break
            }
        }
        measured.facts.append(.atLeast("keys swept within \(ProbeResult.Check.format(spec.duration)) s", Double(sent), Double(perChunk * chunks)))
        measured.samples = sampler.stop()
        samplerStopped = true
        let secondHalf = Array(points.suffix(points.count / 2 + 1))
        measured["bytes_per_key"] = Self.slope(secondHalf)
        measured["growth_mib"] = ((points.last?.bytes ?? 0) - Double(baseline.rssKiB) * 1024) / 1_048_576
        measured["baseline_mib"] = Double(baseline.rssKiB) / 1024
        measured["keys"] = Double(sent)
        measured["error_rate"] = sent == 0 ? 1 : Double(failures) / Double(sent)
        measured.notes.append("RSS after each tenth of the sweep (MiB): "
                              + points.map { ProbeResult.Check.format($0.bytes / 1_048_576) }.joined(separator: ", "))
        return measured
    }

    /// Least-squares slope of bytes over keys.
    static func slope(_ points: [(keys: Double, bytes: Double)]) -> Double {
        guard points.count >= 2 else { return 0 }
        let n = Double(points.count)
        let meanX = points.map(\.keys).reduce(0, +) / n, meanY = points.map(\.bytes).reduce(0, +) / n
        let covariance = points.reduce(0) { $0 + ($1.keys - meanX) * ($1.bytes - meanY) }
        let variance = points.reduce(0) { $0 + ($1.keys - meanX) * ($1.keys - meanX) }
        return variance == 0 ? 0 : covariance / variance
    }

    static func memoryChecks(_ spec: ProbeSpec, _ m: ProbeMeasurement) -> [ProbeResult.Check] {
        var checks: [ProbeResult.Check] = [.atMost("error rate during the sweep", m["error_rate"] ?? 1, 0.01)]
        if let cap = spec.maxBytesPerKey {
            checks.append(.atMost("RSS slope over the second half", m["bytes_per_key"] ?? .infinity, cap, unit: " B/key"))
        }
        if let cap = spec.maxGrowthMiB {
            checks.append(.atMost("RSS growth over \(ProbeResult.Check.format(m["keys"] ?? 0)) keys", m["growth_mib"] ?? .infinity, cap, unit: " MiB"))
        }
        return checks
    }
}
