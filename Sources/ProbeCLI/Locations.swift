import ArgumentParser
import Glibc

/// Where `probe` finds its launcher and the seccomp profiles: beside its own executable in a
/// build tree (`.build/<config>/probe` → `Sandboxes/` at the repo root), or where the
/// environment says (PROBE_LAUNCHER, PROBE_SANDBOXES).
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
        var dir = executableDirectory()
        for _ in 0..<6 {
            for candidate in [dir + "/Sandboxes", dir + "/share/probe/Sandboxes"] where access(candidate + "/pytest.json", R_OK) == 0 {
                return candidate
            }
            guard let slash = dir.lastIndex(of: "/"), slash != dir.startIndex else { break }
            dir = String(dir[..<slash])
        }
        throw ValidationError("cannot find the Sandboxes/ directory above \(executableDirectory()); set PROBE_SANDBOXES")
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
