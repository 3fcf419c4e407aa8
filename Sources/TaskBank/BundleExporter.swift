import Foundation

/// `probe-task.json`, written into every candidate bundle: which task, and which exact version
/// of it, the bundle came from. `probe submit` carries it back and `probe grade` checks it.
public struct TaskStamp: Codable, Equatable, Sendable {
    public var format: Int
    public var id: String
    public var type: TaskType
    public var title: String
    public var timebox: String
    /// SHA-256 over every file of the task folder, so a grader can tell versions apart.
    public var digest: String
    /// How `probe check` runs the public tests: as `probe grade` will.
    public var run: RunSettings

    public static let fileName = "probe-task.json"
}

/// A bundle that would leak, with every leak; the bundle has been deleted.
public struct LeakError: Error, CustomStringConvertible, Sendable {
    public var leaks: [Leak]
    public var bundle: String

    public var description: String {
        "the bundle would leak \(leaks.count) file\(leaks.count == 1 ? "" : "s"), so \(bundle) was removed:\n"
            + leaks.map { "  \($0)" }.joined(separator: "\n")
    }
}

/// Writes the candidate bundle: `brief.md`, `starter/`, `public/` and the stamp. Nothing else
/// of the task ever goes into it.
public enum BundleExporter {
    public static let entries = ["brief.md", "starter", "public", TaskStamp.fileName]

    public static func export(_ task: TaskDefinition, to destination: String) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: destination) {
            let existing = (try? manager.contentsOfDirectory(atPath: destination)) ?? ["?"]
            guard FileTree.isDirectory(destination), existing.isEmpty else {
                throw TaskError(.io, file: destination, "already exists and is not an empty folder; choose a new --out so nothing is overwritten")
            }
        }
        do {
            try manager.createDirectory(atPath: destination + "/starter", withIntermediateDirectories: true)
            try manager.createDirectory(atPath: destination + "/public", withIntermediateDirectories: true)
            try manager.copyItem(atPath: task.brief, toPath: destination + "/brief.md")
        } catch {
            throw TaskError(.io, file: destination, "cannot write the bundle: \(error.localizedDescription)")
        }
        try FileTree.overlay(task.starter, onto: destination + "/starter")
        try FileTree.overlay(task.suite(.public), onto: destination + "/public")
        let stamp = TaskStamp(format: 1, id: task.id, type: task.manifest.type, title: task.manifest.title,
                              timebox: task.manifest.timebox.description, digest: try digest(of: task),
                              run: task.manifest.runSettings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard manager.createFile(atPath: destination + "/" + TaskStamp.fileName, contents: try encoder.encode(stamp) + Data("\n".utf8)) else {
            throw TaskError(.io, file: destination + "/" + TaskStamp.fileName, "cannot write the task stamp")
        }
    }

    /// Exports, then scans the bundle for leaks; a leaking bundle is deleted and reported as a
    /// ``LeakError`` that lists every leak.
    public static func exportChecked(_ task: TaskDefinition, to destination: String) throws {
        try export(task, to: destination)
        let leaks = try LeakScanner.scan(bundle: destination, task: task)
        guard leaks.isEmpty else {
            try? FileManager.default.removeItem(atPath: destination)
            throw LeakError(leaks: leaks, bundle: destination)
        }
    }

    /// SHA-256 over the sorted list of (path, content digest) of every file in the task.
    public static func digest(of task: TaskDefinition) throws -> String {
        try FileTree.digest(of: task.directory)
    }
}
