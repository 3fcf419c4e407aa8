import Foundation

/// Something in a candidate bundle that must never be there.
public struct Leak: Sendable, Equatable, CustomStringConvertible {
    /// Path inside the bundle.
    public var bundlePath: String
    /// What it gives away, as a path in the task folder (or a reason for a stray entry).
    public var secret: String
    public var byContent: Bool

    public init(bundlePath: String, secret: String, byContent: Bool) {
        self.bundlePath = bundlePath
        self.secret = secret
        self.byContent = byContent
    }

    public var description: String {
        byContent ? "\(bundlePath) has the content of \(secret)" : "\(bundlePath): \(secret)"
    }
}

/// Checks an exported bundle against everything secret in its task, by path and by content
/// digest, so a hidden test copied into `starter/` under any name is caught.
public enum LeakScanner {
    public static func scan(bundle: String, task: TaskDefinition) throws -> [Leak] {
        let secrets = try secretDigests(of: task)
        // Hidden test modules' names are secret too (they say what is checked), and a bundle
        // file named like one is almost surely a copy.
        let hiddenNames = Set(try FileTree.files(under: task.suite(.hidden)).files.map { ($0 as NSString).lastPathComponent }
            .filter { $0.hasPrefix("test_") } + ["key.yaml"])
        var leaks: [Leak] = []
        let listing = try FileTree.files(under: bundle)
        for path in listing.others {
            leaks.append(Leak(bundlePath: path, secret: "is a symlink or special file; a bundle holds regular files only", byContent: false))
        }
        for path in listing.files {
            let top = String(path.split(separator: "/").first ?? "")
            if !BundleExporter.entries.contains(top) {
                leaks.append(Leak(bundlePath: path, secret: "is outside what a bundle may hold (\(BundleExporter.entries.joined(separator: ", ")))", byContent: false))
                continue
            }
            let name = (path as NSString).lastPathComponent
            if hiddenNames.contains(name) {
                leaks.append(Leak(bundlePath: path, secret: "has the name of a secret file (\(name))", byContent: false))
                continue
            }
            let data = try FileTree.read(bundle + "/" + path)
            if !ContentDigest.isTrivial(data), let secret = secrets[ContentDigest.normalized(data)] {
                leaks.append(Leak(bundlePath: path, secret: secret, byContent: true))
            }
        }
        return leaks
    }

    /// Normalised digest → task-relative path, for every file the candidate must not see:
    /// all of hidden/ and key.yaml, and every reference or bug file that differs from the
    /// starter's file at the same path (a bug may restore the starter's own code, which the
    /// candidate has anyway).
    static func secretDigests(of task: TaskDefinition) throws -> [String: String] {
        var secrets: [String: String] = [:]
        func add(_ data: Data, relative: String) {
            if !ContentDigest.isTrivial(data) { secrets[ContentDigest.normalized(data)] = relative }
        }
        func add(_ path: String, relative: String) throws { add(try FileTree.read(path), relative: relative) }
        /// Adds a changed file unless it is the starter's own version of that path.
        func addChanged(_ path: String, _ data: Data, relative: String) throws {
            let starterFile = task.starter + "/" + path
            if FileTree.isFile(starterFile), ContentDigest.normalized(try FileTree.read(starterFile)) == ContentDigest.normalized(data) { return }
            add(data, relative: relative)
        }
        for file in try FileTree.files(under: task.suite(.hidden)).files {
            try add(task.suite(.hidden) + "/" + file, relative: "hidden/" + file)
        }
        if FileTree.isFile(task.keyFile) { try add(task.keyFile, relative: "key.yaml") }
        for file in try FileTree.files(under: task.reference).files {
            try addChanged(file, try FileTree.read(task.reference + "/" + file), relative: "reference/" + file)
        }
        for bug in task.bugs {
            if case .patch(let file) = bug.change { try add(file, relative: "bugs/\(bug.name)/bug.patch") }
            for (path, contents) in try task.changes(of: bug) {
                if let contents { try addChanged(path, contents, relative: "bugs/\(bug.name): \(path)") }
            }
        }
        return secrets
    }
}
