import ArgumentParser
import Glibc

/// Where `probe` finds what ships beside it: the launcher next to its own executable, and
/// `Sandboxes/`, `Tasks/` and the grading venv in the repository it was built in (found by
/// walking up from the executable), unless the environment says otherwise (PROBE_LAUNCHER,
/// PROBE_SANDBOXES, PROBE_TASKS, PROBE_PYTHON).
enum Locations {
    static func launcher() throws -> String {
        if let path = environment("PROBE_LAUNCHER") { return path }
        let path = executableDirectory() + "/probe-launcher"
        guard access(path, X_OK) == 0 else {
            throw ValidationError("cannot find the launcher at \(path); build both products (swift build) or set PROBE_LAUNCHER")
        }
        return path
    }

    static func sandboxes() throws -> String {
        if let path = environment("PROBE_SANDBOXES") { return path }
        guard let dir = findUpward(["Sandboxes/pytest.json", "share/probe/Sandboxes/pytest.json"]) else {
            throw ValidationError("cannot find the Sandboxes/ directory above \(executableDirectory()); set PROBE_SANDBOXES")
        }
        return String(dir.dropLast("/pytest.json".count))
    }

    static func tasks() throws -> String {
        if let path = environment("PROBE_TASKS") { return path }
        guard let readme = findUpward(["Tasks/README.md"]) else {
            throw ValidationError("cannot find the Tasks/ directory above \(executableDirectory()); pass --tasks DIR or set PROBE_TASKS")
        }
        return String(readme.dropLast("/README.md".count))
    }

    /// The grading venv's interpreter, made by scripts/setup.
    static func python() throws -> String {
        if let path = environment("PROBE_PYTHON") { return path }
        guard let python = findUpward([".venv/bin/python"]) else {
            throw ValidationError("cannot find the grading venv (.venv/bin/python) above \(executableDirectory()); run scripts/setup, or pass --python or set PROBE_PYTHON")
        }
        return python
    }

    /// The first of `relatives` that exists in the executable's folder or one of its parents.
    private static func findUpward(_ relatives: [String]) -> String? {
        var dir = executableDirectory()
        for _ in 0..<6 {
            for relative in relatives where access(dir + "/" + relative, F_OK) == 0 { return dir + "/" + relative }
            guard let slash = dir.lastIndex(of: "/"), slash != dir.startIndex else { break }
            dir = String(dir[..<slash])
        }
        return nil
    }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func executableDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, Int(PATH_MAX))
        guard n > 0 else { return "." }
        let path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }
}
