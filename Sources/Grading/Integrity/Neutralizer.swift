import Foundation
import TaskBank

/// Takes out of a submission's graded copy every file that could change how pytest runs, or
/// run code other than the source being graded, and reports each one. Probe's flags already
/// stop most of them (`-I`, `-c`, `--rootdir`, `--noconftest`); removing them as well means a
/// flag that one day stops working is not the only defence, and the grader sees what was tried.
///
/// Compiled bytecode is one of them: CPython runs a `__pycache__` entry instead of its source
/// when the timestamps match, and an "unchecked hash" `.pyc` (PEP 552) without looking at the
/// source at all; a `.pyc` with no source beside it is imported as a module nobody can read.
/// The copies Probe runs already leave bytecode out (``FileTree``); removing it here too keeps
/// that from resting on one filter, and tells the grader it was there.
enum Neutralizer {
    /// Names that are removed wherever they are.
    static let removedNames: Set<String> = [
        "conftest.py", "pytest.ini", ".pytest.ini", "pytest.toml", ".pytest.toml", "sitecustomize.py", "usercustomize.py",
        "pytest.py", "_pytest.py", "pluggy.py", "py.py",
        PytestPlugin.moduleName + ".py", "run_pytest.py",
    ]
    /// Packages that are removed wherever they are.
    static let removedPackages: Set<String> = ["pytest", "_pytest", "pluggy", "sitecustomize", "usercustomize", PytestPlugin.moduleName]
    /// Config files whose pytest section is cut out, with the section headers that count.
    static let configSections: [String: [String]] = [
        "tox.ini": ["[pytest]"],
        "setup.cfg": ["[tool:pytest]"],
        "pyproject.toml": ["[tool.pytest"],
    ]

    /// Neutralizes `root` in place and returns a notice per file.
    static func neutralize(_ root: String) throws -> [IntegrityFinding] {
        var findings: [IntegrityFinding] = []
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: root) else { throw GradingError(.io, "\(root): cannot list the submission") }
        var removals: [(path: String, why: String)] = []
        var edits: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let isDirectory = FileTree.fileType(root + "/" + relative) == S_IFDIR
            if isDirectory {
                if name == ".git" { walker.skipDescendants() }
                if name == "__pycache__" {
                    removals.append((relative, "compiled bytecode could run instead of the source beside it"))
                    walker.skipDescendants()
                } else if removedPackages.contains(name) {
                    removals.append((relative, "a package named \(name) could shadow pytest's own modules"))
                    walker.skipDescendants()
                }
            } else if removedNames.contains(name) {
                removals.append((relative, "\(name) could change how pytest runs or what it reports"))
            } else if name.hasSuffix(".pyc") {
                removals.append((relative, "compiled bytecode is imported like source that no one can read or grade"))
            } else if name.hasSuffix(".pth") {
                removals.append((relative, "a .pth file runs code when the interpreter starts"))
            } else if configSections[name] != nil {
                edits.append(relative)
            }
        }
        for (relative, why) in removals {
            do { try manager.removeItem(atPath: root + "/" + relative) } catch {
                throw GradingError(.io, "\(root)/\(relative): cannot remove: \(error.localizedDescription)")
            }
            findings.append(IntegrityFinding(.neutralized, violation: false, subject: relative, "removed from the graded copy: \(why)"))
        }
        for relative in edits {
            let path = root + "/" + relative
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            let headers = configSections[(relative as NSString).lastPathComponent] ?? []
            let (kept, cut) = withoutSections(text, headers: headers)
            guard cut > 0 else { continue }
            guard manager.createFile(atPath: path, contents: Data(kept.utf8)) else { throw GradingError(.io, "\(path): cannot rewrite") }
            findings.append(IntegrityFinding(.neutralized, violation: false, subject: relative,
                                             "its pytest section (\(cut) line\(cut == 1 ? "" : "s")) was cut from the graded copy: it could change how pytest runs"))
        }
        return findings
    }

    /// `text` without the sections whose header starts with one of `headers`, and how many
    /// lines were cut. A section runs to the next line that starts with `[`.
    static func withoutSections(_ text: String, headers: [String]) -> (String, Int) {
        var kept: [String] = []
        var cutting = false
        var cut = 0
        for line in text.lines() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") { cutting = headers.contains { trimmed.hasPrefix($0) } }
            if cutting { cut += 1 } else { kept.append(line) }
        }
        return (kept.joined(separator: "\n"), cut)
    }
}
