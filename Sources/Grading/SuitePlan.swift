import Foundation
import TaskBank

/// What one pytest run puts in front of the tree under test: which suites, with which sandbox
/// settings, which tests the run must account for, and whether canaries are planted.
public struct SuitePlan: Sendable {
    /// Suite name (the folder name under the grader folder, `public` or `hidden`) → the folder
    /// its tests are copied from.
    public var suites: [String: String]
    public var settings: RunSettings
    /// Every test the run must end with a result for; a missing one is `not-run`, never a pass.
    public var expected: [TestID]
    /// Plant ``CanaryTests`` in the hidden suite; see there.
    public var canaries: Bool
    /// The reference's milliseconds per hidden test (``ReferenceDurations``): canaries clone
    /// quick tests only. Empty, they clone any.
    var referenceDurations: [String: Int] = [:]

    public init(suites: [String: String], settings: RunSettings, expected: [TestID], canaries: Bool = false) {
        self.suites = suites
        self.settings = settings
        self.expected = expected
        self.canaries = canaries
    }

    /// Suite names in collection order: public first, so a hidden helper may import the
    /// public test kit, whose folder pytest puts on sys.path when it collects it.
    var orderedSuites: [String] {
        let order = TestID.Suite.allCases.map(\.rawValue)
        return suites.keys.sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
    }

    /// The task's own suites (by default both), with its settings and manifest.
    public init(task: TaskDefinition, suites: [TestID.Suite] = TestID.Suite.allCases, canaries: Bool = false) {
        var folders: [String: String] = [:]
        for suite in suites where FileManager.default.fileExists(atPath: task.suite(suite)) {
            folders[suite.rawValue] = task.suite(suite)
        }
        self.init(suites: folders, settings: task.manifest.runSettings,
                  expected: task.manifest.tests.all.filter { suites.contains($0.suite) }, canaries: canaries)
    }
}

/// The tree a run tests: a variant of a task, or a folder on disk (a submission).
public enum TreeSource: Sendable, CustomStringConvertible {
    case variant(TaskDefinition, TaskVariant)
    case directory(String)

    func populate(_ destination: String) throws {
        switch self {
        case .variant(let task, let variant): try task.materialize(variant, into: destination)
        case .directory(let folder): try FileTree.overlay(folder, onto: destination)
        }
    }

    public var description: String {
        switch self {
        case .variant(_, let variant): variant.description
        case .directory(let folder): (folder as NSString).lastPathComponent
        }
    }
}
