import Foundation
import LoadProbes
import TaskBank

extension TaskValidator {
    /// The load probes prove the task the way its tests do: the reference passes every probe,
    /// the starter fails each probe written against one of its defects, and each bug fails
    /// the probes in its `caught_by`. Probes run one at a time, alone on the machine's cores,
    /// since they measure time and memory.
    func probeChecks(_ task: TaskDefinition, progress: @Sendable (String) -> Void) -> [ValidationCheck] {
        let host = ServiceHost(runner: runner.sandbox, python: runner.python,
                               memoryMiB: task.manifest.limits.memory.mebibytes, scratch: runner.workRoot)
        let probes = ProbeRunner(task: task, host: host)
        func results(_ variant: TaskVariant, only names: [String]? = nil,
                     reference: [String: ProbeMeasurement]) -> Result<[ProbeResult], Error> {
            Result {
                try probes.withTree(variant, scratch: runner.workRoot) { source in
                    probes.run(source: source, only: names, reference: reference) { result in
                        progress("\(task.id) \(variant) probe \(result.name): \(result.passed ? "passed" : "failed")")
                    }
                }
            }
        }

        // The reference's measurements are both its own verdicts and the baseline for the rest.
        var baseline: [String: ProbeMeasurement] = [:]
        var referenceDetails: [String] = []
        do {
            let pass = try probes.referencePass(scratch: runner.workRoot) { result in
                progress("\(task.id) reference probe \(result.name): \(result.passed ? "passed" : "failed")")
            }
            baseline = pass.baseline
            for result in pass.results where !result.passed { referenceDetails += result.failures.map { "\(result.name): \($0)" } }
        } catch {
            referenceDetails.append("the reference tree could not be made: \(error)")
        }
        var checks: [ValidationCheck] = [referenceDetails.isEmpty
            ? .passed("probes:reference", "the reference passes each of the \(probes.probes.count) load probes")
            : .failed("probes:reference", "the reference fails load probes; every probe must pass on it", referenceDetails)]

        let targeted = probes.probes.filter { $0.defect != nil }.map(\.name)
        if !targeted.isEmpty {
            checks.append(mustFail("probes:starter", results(.starter, only: targeted, reference: baseline), names: targeted,
                                   what: "the starter", why: "written against a starter defect"))
        }
        for bug in task.bugs where !bug.manifest.caughtByProbes.isEmpty {
            let names = bug.manifest.caughtByProbes
            checks.append(mustFail("probes:bug:\(bug.name)", results(.bug(bug.name), only: names, reference: baseline), names: names,
                                   what: "the bug", why: "in its caught_by"))
        }
        return checks
    }

    private func mustFail(_ name: String, _ outcome: Result<[ProbeResult], Error>, names: [String], what: String, why: String) -> ValidationCheck {
        let results: [ProbeResult]
        switch outcome {
        case .failure(let error): return .failed(name, "the tree could not be made: \(error)")
        case .success(let made): results = made
        }
        var details: [String] = []
        for probe in names {
            guard let result = results.first(where: { $0.name == probe }) else {
                details.append("\(probe): did not run")
                continue
            }
            if result.passed {
                details.append("\(probe): passed on \(what); it is \(why), so it must fail: "
                               + result.checks.map { "\($0.name) \($0.actual)" }.joined(separator: "; "))
            } else if let error = result.error, !error.contains("ended during the probe") {
                // A probe that could not measure proves nothing about the defect.
                details.append("\(probe): could not measure on \(what): \(error)")
            }
        }
        return details.isEmpty
            ? .passed(name, "each of the \(names.count) probes fails on \(what): "
                      + results.map { "\($0.name) (\($0.failures.first ?? "failed"))" }.joined(separator: "; "))
            : .failed(name, "not every probe catches \(what)", details)
    }
}
