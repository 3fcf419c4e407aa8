import Foundation
import TaskBank

/// The grading venv, as far as validation needs to know it: its CPython version and the
/// distributions installed in it.
public struct PythonEnvironment: Sendable {
    public let python: String
    /// `3.11.7`, from the venv's pyvenv.cfg.
    public let version: String
    /// Normalised distribution name → version.
    public let installed: [String: String]

    /// Reads the venv that `python` (its `bin/python`) belongs to.
    public init(python: String) throws {
        self.python = python
        let venv = ((python as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        guard let config = FileManager.default.contents(atPath: venv + "/pyvenv.cfg") else {
            throw GradingError(.environment, "\(venv)/pyvenv.cfg: not found; \(python) must be the grading venv's interpreter (run scripts/setup)")
        }
        var version = ""
        for line in String(decoding: config, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == "version" || parts[0] == "version_info" { version = parts[1] }
        }
        self.version = version
        var installed: [String: String] = [:]
        let lib = venv + "/lib"
        for python in (try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? [] where python.hasPrefix("python") {
            let site = lib + "/" + python + "/site-packages"
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: site)) ?? [] where entry.hasSuffix(".dist-info") {
                let stem = entry.dropLast(".dist-info".count)
                guard let dash = stem.lastIndex(of: "-") else { continue }
                installed[Self.normalize(String(stem[..<dash]))] = String(stem[stem.index(after: dash)...])
            }
        }
        self.installed = installed
    }

    /// PEP 503 names: case and the separators `-`, `_` and `.` do not matter.
    static func normalize(_ name: String) -> String {
        name.lowercased().map { "-_.".contains($0) ? "_" : String($0) }.joined()
    }

    /// What is wrong with running `task` here, if anything.
    public func problems(for task: TaskDefinition) -> [String] {
        var problems: [String] = []
        let need = task.manifest.python.version.split(separator: ".").compactMap { Int($0) }
        let have = version.split(separator: ".").prefix(2).compactMap { Int($0) }
        if have.lexicographicallyPrecedes(need) {
            problems.append("python.version: needs CPython \(task.manifest.python.version), the grading venv has \(version)")
        }
        for requirement in task.manifest.python.requirements {
            let found = installed[Self.normalize(requirement.name)]
            if found != requirement.version {
                problems.append("python.requirements: \(requirement) is \(found.map { "at \($0)" } ?? "not installed") in the grading venv; add it, pinned with its hash, to scripts/requirements-grading.txt")
            }
        }
        return problems
    }
}
