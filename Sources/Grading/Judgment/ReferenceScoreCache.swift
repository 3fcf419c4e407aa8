import Foundation
import Sandbox
import TaskBank

/// The reference tests' generated-mutant score per task version, kept on disk between runs of
/// `probe grade`. Measuring it is a whole mutation run (seconds), and keeping it holds every
/// candidate of a cohort, graded one run after another, to the same bar.
///
/// An entry is found by a SHA-256 over everything the score depends on: the task's content,
/// Probe's version, the mutation driver's source and limits, and the grading venv's versions
/// (`context`). Changing any of them misses, so a stale score is never returned. Only a
/// finished measurement is stored.
public struct ReferenceScoreCache: Sendable {
    public let directory: String
    /// The grading venv's interpreter and tool versions, as text.
    public let context: String

    static let magic = "probe-reference-score 1"

    public init(directory: String, context: String) {
        self.directory = directory
        self.context = context
    }

    /// `~/.cache/probe/reference` (or under `$XDG_CACHE_HOME`); nil without a home.
    public static func standard(context: String) -> ReferenceScoreCache? {
        PrivateCacheFile.standardDirectory("reference").map { ReferenceScoreCache(directory: $0, context: context) }
    }

    /// The entry name for `task`, whose content digest is `digest`, measured by `runner`.
    func key(for task: TaskDefinition, digest: String, runner: MutationRunner) -> String {
        CacheEntry.key([Self.magic, digest, context,
                        "max_mutants \(runner.maximumMutants) select_by_coverage \(runner.selectByCoverage)",
                        ContentDigest.sha256(Array(MutationDriver.source.utf8))], prefix: task.id)
    }

    /// The stored score under `key`, if a sound entry holds one.
    func score(_ key: String) -> Double? {
        guard let lines = CacheEntry.read(directory, key: key, magic: Self.magic, limit: 4096), lines.count == 1,
              let score = Double(lines[0]), (0...1).contains(score) else { return nil }
        return score
    }

    func store(_ score: Double, key: String) {
        CacheEntry.write(["\(score)"], to: directory, key: key, magic: Self.magic)
    }
}
