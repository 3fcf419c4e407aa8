import Foundation
import TaskBank

extension TaskValidator {
    /// What the loader cannot know: the profile exists and the venv has what the task pins.
    func schemaCheck(_ task: TaskDefinition) -> ValidationCheck {
        let manifest = task.directory + "/task.yaml"
        var problems = environment.problems(for: task).map { "\(manifest): \($0)" }
        let profile = sandboxesDirectory + "/" + task.manifest.sandbox.profile + ".json"
        if !FileManager.default.fileExists(atPath: profile) {
            problems.append("\(manifest): sandbox.profile: '\(task.manifest.sandbox.profile)' has no \(profile)")
        }
        return problems.isEmpty ? .passed("schema", "task.yaml, bugs and key load and agree with each other")
            : .failed("schema", "\(problems.count) problem\(problems.count == 1 ? "" : "s") with what the task needs", problems)
    }

    /// What pytest collects is exactly what the buckets list, and every hidden test carries a
    /// rubric marker for a dimension the task exercises.
    func manifestCheck(_ task: TaskDefinition, _ first: Result<SuiteRun, GradingError>?) -> ValidationCheck {
        let run: SuiteRun
        do { run = try requireRun("manifest", first) } catch { return error }
        guard let collected = run.collected else { return .failed("manifest", run.problem ?? "pytest did not collect") }
        var details: [String] = []
        let listed = Set(task.manifest.tests.all.map(\.raw))
        let found = Set(collected.map(\.id))
        for id in found.subtracting(listed).sorted() { details.append("\(id): collected, but in neither bucket of task.yaml") }
        for id in listed.subtracting(found).sorted() {
            details.append("\(id): listed in task.yaml, but pytest did not collect it" + (run.results[id].map { " (\($0.headline))" } ?? ""))
        }
        for (module, error) in run.collectErrors.sorted(by: { $0.key < $1.key }) {
            details.append("\(module): collection error on the reference: \(error.split(separator: "\n").last ?? "")")
        }
        let dimensions = Set(task.manifest.rubric.keys.map(\.rawValue))
        for (id, rubric) in collected where id.hasPrefix("hidden/") {
            if rubric.isEmpty { details.append("\(id): no @pytest.mark.rubric(...) marker; every hidden test is evidence for a dimension") }
            for tag in rubric where !dimensions.contains(tag.dimension) || tag.weight <= 0 {
                details.append("\(id): rubric marker '\(tag.dimension)' weight \(tag.weight): expected one of task.yaml's rubric dimensions (\(dimensions.sorted().joined(separator: ", "))) and a positive weight")
            }
        }
        return details.isEmpty ? .passed("manifest", "pytest collects exactly the \(listed.count) listed tests, each hidden one with a rubric marker")
            : .failed("manifest", "the collected tests do not match task.yaml", details)
    }

    /// Every test passes on the reference in every run; a test that changes its mind is flaky.
    func referenceCheck(_ task: TaskDefinition, _ results: [Result<SuiteRun, GradingError>]) -> ValidationCheck {
        var runs: [SuiteRun] = []
        for result in results {
            switch result {
            case .success(let run): runs.append(run)
            case .failure(let error): return .failed("reference", "a reference run could not be made: \(error)")
            }
        }
        if let problem = runs.compactMap(\.problem).first { return .failed("reference", problem) }
        var details: [String] = []
        var flaky: [String] = []
        for id in task.manifest.tests.all.map(\.raw) {
            let outcomes = runs.map { $0.results[id] ?? TestResult(id: id, outcome: .notRun) }
            let passes = outcomes.filter { $0.outcome == .passed }.count
            if passes == runs.count { continue }
            let failure = outcomes.first { $0.outcome != .passed }!
            if passes > 0 {
                flaky.append(id)
                details.append("\(id): flaky, passed \(passes) of \(runs.count) runs; otherwise \(failure.outcome.rawValue): \(failure.headline)")
            } else {
                details.append("\(id): \(failure.outcome.rawValue) on the reference: \(failure.headline)")
            }
        }
        if details.isEmpty { return .passed("reference", "all \(task.manifest.tests.all.count) tests passed in each of \(runs.count) runs") }
        let reason = flaky.isEmpty ? "\(details.count) test\(details.count == 1 ? "" : "s") fail on the reference"
            : "\(flaky.count) flaky test\(flaky.count == 1 ? "" : "s"): \(flaky.joined(separator: ", "))"
        return .failed("reference", reason, details)
    }

    /// The starter fails exactly FAIL_TO_PASS and passes PASS_TO_PASS.
    func starterCheck(_ task: TaskDefinition, _ result: Result<SuiteRun, GradingError>?) -> ValidationCheck {
        let run: SuiteRun
        do { run = try requireRun("starter", result) } catch { return error }
        if let problem = run.problem { return .failed("starter", problem) }
        var details: [String] = []
        for id in task.manifest.tests.failToPass.map(\.raw) where run.results[id]?.outcome == .passed {
            details.append("\(id): in fail_to_pass, but passed on the starter")
        }
        for id in task.manifest.tests.passToPass.map(\.raw) {
            let result = run.results[id] ?? TestResult(id: id, outcome: .notRun)
            if result.outcome != .passed { details.append("\(id): in pass_to_pass, but \(result.outcome.rawValue) on the starter: \(result.headline)") }
        }
        return details.isEmpty
            ? .passed("starter", "fails exactly the \(task.manifest.tests.failToPass.count) fail_to_pass tests and passes the \(task.manifest.tests.passToPass.count) pass_to_pass tests")
            : .failed("starter", "the starter does not fail exactly fail_to_pass", details)
    }

    /// Every key answer is proven: each of its tests fails on the starter (the PR head or the
    /// service as shipped) and passes on the reference (the fixed tree) in every run.
    func keyCheck(_ task: TaskDefinition, starter: Result<SuiteRun, GradingError>?,
                  references: [Result<SuiteRun, GradingError>]) -> ValidationCheck {
        guard let key = task.answerKey else { return .skipped("key", "the task has no key.yaml") }
        let run: SuiteRun
        do { run = try requireRun("key", starter) } catch { return error }
        let fixed = references.compactMap { try? $0.get() }
        var details: [String] = []
        for answer in key.answers {
            for id in answer.tests.map(\.raw) {
                if let result = run.results[id], result.outcome == .passed {
                    details.append("\(answer.id): \(id) passes on the starter; it must fail where the defect is")
                }
                for reference in fixed where reference.results[id]?.outcome != .passed {
                    details.append("\(answer.id): \(id) is \(reference.results[id]?.outcome.rawValue ?? "not-run") on the reference; it must pass once fixed")
                }
            }
        }
        return details.isEmpty
            ? .passed("key", "each of the \(key.answers.count) answers' tests fails on the starter and passes on the reference")
            : .failed("key", "the key's tests do not prove every answer", details)
    }

    /// Each test the bug is `caught_by` fails on it: not merely "some test failed".
    func bugCheck(_ task: TaskDefinition, _ bug: TaskDefinition.Bug, _ result: Result<SuiteRun, GradingError>?) -> ValidationCheck {
        let name = "bug:\(bug.name)"
        let run: SuiteRun
        do { run = try requireRun(name, result) } catch { return error }
        if let problem = run.problem { return .failed(name, problem) }
        var details: [String] = []
        for id in bug.manifest.caughtBy.map(\.raw) {
            let result = run.results[id] ?? TestResult(id: id, outcome: .notRun)
            switch result.outcome {
            // A test catches the bug when it ran and failed, or hung until its limit. An error
            // Probe inferred (the module did not import, the run died around it) proves
            // nothing about the test's own assertions.
            case .failed where result.executed, .error where result.executed, .timeout: continue
            case .passed: details.append("\(id): passed on the bug; it is meant to catch it")
            default: details.append("\(id): did not run to a verdict on the bug, so it proves nothing: \(result.headline)")
            }
        }
        return details.isEmpty ? .passed(name, "each of the \(bug.manifest.caughtBy.count) caught_by tests fails (\(bug.manifest.description))")
            : .failed(name, "not caught by every test in caught_by", details)
    }

    /// How many hidden assertions keep their expected values outside the sandbox
    /// (``CheckedAssertions``). A hidden module the rewriter had to leave as written fails:
    /// its expected values would be in the candidate's process. The rewrite is the one the
    /// task's runs already made, cached in the runner.
    func checkedAssertionsCheck(_ task: TaskDefinition) -> ValidationCheck {
        let folder = task.suite(.hidden)
        guard FileManager.default.fileExists(atPath: folder) else { return .skipped("checks", "the task has no hidden suite") }
        let suite: CheckedAssertions.Suite
        do { suite = try runner.checkedSuites.suite(in: folder, runner: runner) } catch {
            return .failed("checks", (error as? GradingError)?.message ?? "\(error)")
        }
        guard suite.skipped.isEmpty else {
            return .failed("checks", "the rewriter left \(suite.skipped.count) hidden module(s) as written, expected values included",
                           suite.skipped.sorted { $0.key < $1.key }.map { "hidden/\($0.key): \($0.value)" })
        }
        let tests = Set(suite.checks.map { $0.module + "::" + $0.function }).count
        return .passed("checks", "\(suite.checks.count) assertions in \(tests) hidden test functions keep their expected values outside the sandbox")
    }

    /// The exported bundle holds only what a candidate may see, checked by path and content.
    func exportCheck(_ task: TaskDefinition) -> ValidationCheck {
        do {
            let folder = try FileTree.makeTemporaryDirectory(prefix: "export-\(task.id)", in: runner.workRoot)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try BundleExporter.exportChecked(task, to: folder + "/bundle")
            return .passed("export", "the bundle holds brief.md, starter/, public/ and the stamp, and nothing secret")
        } catch let error as LeakError {
            let count = error.leaks.count
            return .failed("export", "the candidate bundle leaks \(count) file\(count == 1 ? "" : "s")", error.leaks.map(\.description))
        } catch {
            return .failed("export", "the bundle could not be made: \(error)")
        }
    }

    /// The run, or the failed check saying why there is none.
    private func requireRun(_ name: String, _ result: Result<SuiteRun, GradingError>?) throws(ValidationCheck) -> SuiteRun {
        switch result {
        case nil: throw .failed(name, "no run was made")
        case .success(let run)?: return run
        case .failure(let error)?: throw .failed(name, "the run could not be made: \(error)")
        }
    }
}

extension ValidationCheck: Error {}
