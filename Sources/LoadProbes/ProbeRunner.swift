import Foundation
import Sandbox
import TaskBank

/// Runs a task's load probes: each probe on a fresh service (so one probe's cache or leak
/// cannot skew the next), judged against its thresholds and, where a threshold is relative,
/// against the reference solution measured in the same run.
public struct ProbeRunner: Sendable {
    public let service: ServiceSpec?
    public let probes: [ProbeSpec]
    /// The task's folder: `load/` paths in the service's commands are under it.
    public let taskDirectory: String
    public let host: ServiceHost
    /// The task, when there is one, to materialize its variants.
    private let task: TaskDefinition?

    public init(task: TaskDefinition, host: ServiceHost) {
        self.init(service: task.manifest.service, probes: task.manifest.probes, taskDirectory: task.directory, host: host, task: task)
    }

    /// Probes for a service that is not part of a task (tests, ad-hoc runs).
    public init(service: ServiceSpec?, probes: [ProbeSpec], taskDirectory: String, host: ServiceHost) {
        self.init(service: service, probes: probes, taskDirectory: taskDirectory, host: host, task: nil)
    }

    private init(service: ServiceSpec?, probes: [ProbeSpec], taskDirectory: String, host: ServiceHost, task: TaskDefinition?) {
        self.service = service
        self.probes = probes
        self.taskDirectory = taskDirectory
        self.host = host
        self.task = task
    }

    /// Measures one probe on a service started from the tree at `source`.
    public func measure(_ probe: ProbeSpec, source: String) -> Result<ProbeMeasurement, LoadProbesError> {
        guard let spec = service else {
            return .failure(LoadProbesError(.system, "\(taskDirectory)/task.yaml has probes but no service: section"))
        }
        let running: RunningService
        do {
            running = try RunningService.start(spec, source: source, taskRoot: taskDirectory, host: host)
        } catch let error as LoadProbesError {
            return .failure(error)
        } catch {
            return .failure(LoadProbesError(.system, "\(error)"))
        }
        let measured = Result<ProbeMeasurement, Error> { try ProbeMeter(spec: probe, service: running).measure() }
        let endedOnItsOwn = running.hasEnded
        let verdict = running.stop()
        if endedOnItsOwn {
            return .failure(LoadProbesError(.serviceFailed, "the service ended during the probe (\(verdict.status.rawValue): \(verdict.reason))\(tail(verdict.stderr))"))
        }
        switch measured {
        case .success(let measurement): return .success(measurement)
        case .failure(let error as LoadProbesError): return .failure(error)
        case .failure(let error): return .failure(LoadProbesError(.serviceFailed, "\(error)"))
        }
    }

    /// The verdict of one probe from its measurement (or failure to measure).
    public static func result(_ probe: ProbeSpec, _ measured: Result<ProbeMeasurement, LoadProbesError>,
                       reference: ProbeMeasurement?) -> ProbeResult {
        var result = ProbeResult(name: probe.name, kind: probe.kind, rubric: probe.rubric, weight: probe.weight,
                                 defect: probe.defect, passed: false, error: nil, checks: [], metrics: [:],
                                 referenceMetrics: reference?.metrics, phases: [], samples: [], notes: [])
        switch measured {
        case .failure(let error):
            result.error = error.message
        case .success(let m):
            result.checks = ProbeMeter.checks(probe, m, reference: reference)
            result.passed = result.checks.allSatisfy(\.passed)
            result.metrics = m.metrics
            result.phases = m.phases
            result.samples = m.samples
            result.notes = m.notes
            if reference == nil, probe.comparesWithReference {
                // Never silently: the reader must know these limits were not applied.
                let relative = [probe.relativeP99.map { _ in "relative_p99" }, probe.relativeRPS.map { _ in "relative_rps" }]
                    .compactMap { $0 }
                result.notes.append("\(relative.joined(separator: " and ")) not checked: the reference solution "
                                    + "could not be measured on this probe, so only the absolute limits apply")
            }
        }
        return result
    }

    /// What one pass of the probes over the reference gives: its figures, the baseline for
    /// relative thresholds, and its own verdicts, judged against those same figures.
    public struct ReferencePass: Sendable {
        public var baseline: [String: ProbeMeasurement] = [:]
        public var results: [ProbeResult] = []
    }

    /// Measures every probe (or those named) on the reference tree, once.
    public func referencePass(scratch: String, only names: [String]? = nil,
                              progress: (ProbeResult) -> Void = { _ in }) throws -> ReferencePass {
        try withTree(.reference, scratch: scratch) { source in
            var pass = ReferencePass()
            for probe in probes where names?.contains(probe.name) ?? true {
                let measured = measure(probe, source: source)
                if case .success(let figures) = measured { pass.baseline[probe.name] = figures }
                let outcome = Self.result(probe, measured, reference: try? measured.get())
                progress(outcome)
                pass.results.append(outcome)
            }
            return pass
        }
    }

    /// The reference's figures for the probes (all, or those named) that have a threshold
    /// relative to them, measured on the reference tree; nothing else reads them, so a task
    /// whose thresholds are all absolute starts no reference service at all. That halves the
    /// probing of a single submission: each probe's load is the task's to choose, and the
    /// catalog task's take about 21 s per tree.
    public func referenceBaseline(scratch: String, only names: [String]? = nil) throws -> [String: ProbeMeasurement] {
        let needed = probes.filter { $0.comparesWithReference && (names?.contains($0.name) ?? true) }.map(\.name)
        guard !needed.isEmpty else { return [:] }
        return try referencePass(scratch: scratch, only: needed).baseline
    }

    /// Runs `probes` (all by default) on the tree at `source`.
    public func run(source: String, only names: [String]? = nil, reference: [String: ProbeMeasurement],
                    progress: (ProbeResult) -> Void = { _ in }) -> [ProbeResult] {
        probes.filter { names?.contains($0.name) ?? true }.map { probe in
            let outcome = Self.result(probe, measure(probe, source: source), reference: reference[probe.name])
            progress(outcome)
            return outcome
        }
    }

    /// Materializes a task variant in a temporary folder for the length of `body`.
    public func withTree<T>(_ variant: TaskVariant, scratch: String, _ body: (String) throws -> T) throws -> T {
        guard let task else { throw LoadProbesError(.system, "no task to make the \(variant) tree of") }
        let folder = try FileTree.makeTemporaryDirectory(prefix: "probe-tree", in: scratch)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try task.materialize(variant, into: folder)
        return try body(folder)
    }
}
