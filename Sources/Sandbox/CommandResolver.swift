import Glibc
import SandboxSpec

/// Finds the program a command names and everything it needs to start inside the sandbox:
/// the install tree of the interpreter it runs on and, for a venv, the venv too. This is what
/// lets `probe run -- .venv/bin/python -m pytest` work with no extra flags.
struct ResolvedCommand: Equatable {
    /// The path execve is given. For a venv's `bin/python` this stays the venv's path (not
    /// the symlink's target), so Python still finds `pyvenv.cfg` and uses the venv.
    var executable: String
    /// Extra read-only paths the program needs.
    var readOnlyPaths: [String]
}

enum CommandResolver {
    /// Paths the sandbox always shows, under which nothing needs to be added.
    static let systemPrefixes = ["/usr/"]

    static func resolve(_ name: String, searchPath: String, cwd: String) throws -> ResolvedCommand {
        let invoked = try locate(name, searchPath: searchPath, cwd: cwd)
        var paths: [String] = []
        try addRuntime(of: invoked, to: &paths, depth: 0)
        return ResolvedCommand(executable: invoked, readOnlyPaths: paths)
    }

    private static func locate(_ name: String, searchPath: String, cwd: String) throws -> String {
        if name.contains("/") {
            let path = name.hasPrefix("/") ? name : cwd + "/" + name
            guard access(path, X_OK) == 0 else {
                throw SandboxError(.invalidConfiguration, "command \(name): \(errnoText(errno)); expected an executable file")
            }
            return normalize(path)
        }
        for dir in searchPath.split(separator: ":") where !dir.isEmpty {
            let candidate = String(dir) + "/" + name
            var info = stat()
            if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 {
                return normalize(candidate.hasPrefix("/") ? candidate : cwd + "/" + candidate)
            }
        }
        throw SandboxError(.invalidConfiguration, "command \(name): not found in PATH; give an absolute path")
    }

    private static func addRuntime(of path: String, to paths: inout [String], depth: Int) throws {
        let real = try realPath(path)
        let parent = dirname(of: path)
        // A venv: bin/python next to ../pyvenv.cfg, whose `home` names the base interpreter.
        let venv = dirname(of: parent)
        if let config = SystemFiles.read(venv + "/pyvenv.cfg") {
            paths.append(try realPath(venv))
            if let home = config.split(separator: "\n").first(where: { $0.hasPrefix("home") })?
                .split(separator: "=", maxSplits: 1).last.map({ String($0).trimmingCharacters(in: " \t") }),
                let base = try? realPath(home) {
                paths.append(installPrefix(ofBinDirectory: base))
            }
        }
        if !systemPrefixes.contains(where: real.hasPrefix) {
            let binDir = dirname(of: real)
            paths.append(binDir.hasSuffix("/bin") ? installPrefix(ofBinDirectory: binDir) : real)
        }
        // A script: its interpreter must be visible too.
        if depth == 0, let interpreter = shebang(of: real) {
            try addRuntime(of: interpreter, to: &paths, depth: 1)
        }
    }

    /// `/opt/python/3.11/bin` → `/opt/python/3.11`: the tree holding lib/pythonX.Y.
    private static func installPrefix(ofBinDirectory dir: String) -> String {
        dir.hasSuffix("/bin") ? dirname(of: dir) : dir
    }

    private static func shebang(of path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = read(fd, &buffer, buffer.count)
        guard n > 2, buffer[0] == 0x23, buffer[1] == 0x21 else { return nil }
        let line = String(decoding: buffer[2..<n].prefix { $0 != 0x0a }, as: UTF8.self)
        guard let interpreter = line.split(separator: " ").first, interpreter.hasPrefix("/") else { return nil }
        return String(interpreter)
    }

    static func realPath(_ path: String) throws -> String {
        guard let resolved = realpath(path, nil) else {
            throw SandboxError(.invalidConfiguration, "\(path): \(errnoText(errno))")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func dirname(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Removes `.` and `..` and doubled slashes without following links.
    static func normalize(_ path: String) -> String {
        var parts: [String] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(String(part))
        }
        return "/" + parts.joined(by: "/")
    }
}
