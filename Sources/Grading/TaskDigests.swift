import TaskBank

/// Each task's content digest (``BundleExporter/digest(of:)``), computed once per grading
/// session: it hashes every file of the task. The reports and the reference-score cache's key
/// both use it, so a grader and its judge share one.
public final class TaskDigests: Sendable {
    private let digests = PerTaskCache<String>()

    public init() {}

    public func digest(of task: TaskDefinition) throws -> String {
        try digests.value(for: task.id) { try BundleExporter.digest(of: task) }
    }
}
