import Foundation
import Sandbox
import TaskBank

/// How long each hidden test took when the reference solution ran, per task version, so that
/// canaries clone only the quick tests of their module (``CanaryTests``). A clone runs its
/// original's whole body; one of a race test that waits out a lock costs a grade as much
/// again as that test.
///
/// Measured by one sandboxed run of the reference's suites the first time a task version
/// is graded, and kept on disk like the reference bar (``ReferenceScoreCache``): an entry is
/// found by a SHA-256 over the task's content, Probe's version and the grading venv. Never
/// taken from a candidate's run, so no submission can steer the canaries of another. A
/// reference run that does not pass every hidden test gives no durations, and the canaries
/// clone any test, as they do without them.
final class ReferenceDurations: Sendable {
    /// Where entries are kept; nil keeps them in memory only.
    let directory: String?
    /// The grading venv's interpreter and tool versions, as text.
    let context: String
    private let measured = PerTaskCache<[String: Int]>()

    static let magic = "probe-reference-durations 1"

    init(directory: String?, context: String) {
        self.directory = directory
        self.context = context
    }

    /// `~/.cache/probe/durations` (or under `$XDG_CACHE_HOME`).
    static func standard(context: String) -> ReferenceDurations {
        ReferenceDurations(directory: PrivateCacheFile.standardDirectory("durations"), context: context)
    }

    /// Milliseconds per test function, by `hidden/test_x.py::test_y` (the instances of a
    /// parametrized test added up); empty when the reference cannot be timed.
    func durations(of task: TaskDefinition, digest: String?, runner: PytestRunner) -> [String: Int] {
        measured.value(for: task.id) { () -> [String: Int] in
            let key = digest.map { self.key(for: task, digest: $0) }
            if let directory, let key, let lines = CacheEntry.read(directory, key: key, magic: Self.magic),
               let stored = Self.parse(lines) {
                return stored
            }
            let durations = Self.measure(task, runner: runner)
            if let directory, let key, !durations.isEmpty {
                let lines = durations.sorted { $0.key < $1.key }.map { "\($0.value)\t\($0.key)" }
                CacheEntry.write(lines, to: directory, key: key, magic: Self.magic)
            }
            return durations
        }
    }

    /// One run of the reference's suites (a hidden module may import the public test kit);
    /// empty unless every test in it passed.
    private static func measure(_ task: TaskDefinition, runner: PytestRunner) -> [String: Int] {
        guard let run = try? runner.run(task, variant: .reference),
              run.problem == nil, !run.results.isEmpty,
              run.results.values.allSatisfy({ $0.outcome == .passed }) else { return [:] }
        var durations: [String: Int] = [:]
        for (id, result) in run.results {
            durations[String(id.prefix { $0 != "[" }), default: 0] += result.durationMS
        }
        return durations
    }

    func key(for task: TaskDefinition, digest: String) -> String {
        CacheEntry.key([Self.magic, digest, context], prefix: task.id)
    }

    /// `ms<TAB>id` lines; nil if any line is not one.
    static func parse(_ lines: [String]) -> [String: Int]? {
        var durations: [String: Int] = [:]
        for line in lines {
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2, let ms = Int(parts[0]), ms >= 0, parts[1].contains("::") else { return nil }
            durations[String(parts[1])] = ms
        }
        return durations.isEmpty ? nil : durations
    }
}
