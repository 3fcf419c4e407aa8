import Foundation

/// Runs the built `probe` binary the way a user would, and reads its `--json` verdict.
public enum ProbeProcess {
    public static let repository: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The build products of `swift build`, next to the test bundle.
    public static var binaries: URL {
        if let dir = ProcessInfo.processInfo.environment["PROBE_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        return repository.appendingPathComponent(".build/debug")
    }

    public static var probe: String { binaries.appendingPathComponent("probe").path }

    /// The grading venv's interpreter, made by scripts/setup.
    public static var python: String { repository.appendingPathComponent(".venv/bin/python").path }

    public struct Outcome {
        public var exitCode: Int32
        public var verdict: [String: Any]
        public var stderr: String

        public var status: String? { verdict["status"] as? String }
        public var stdout: String { verdict["stdout"] as? String ?? "" }
        public var childStderr: String { verdict["stderr"] as? String ?? "" }
        public var blockedNames: [String] { (verdict["blocked_syscalls"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String } }
        public var blockedCalls: [String] {
            (verdict["blocked_syscalls"] as? [[String: Any]] ?? []).map { call in
                "\(call["name"] as? String ?? "?")(\((call["args"] as? [String] ?? []).joined(separator: ", ")))"
            }
        }
        public var layers: [String: Bool] { verdict["layers"] as? [String: Bool] ?? [:] }
        public var signal: Int? { verdict["signal"] as? Int }
        public var exitStatus: Int? { verdict["exit_code"] as? Int }
        /// The JSON object the hostile program printed as its last stdout line.
        public var report: [String: Any] {
            guard let line = stdout.split(separator: "\n").last,
                  let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return [:] }
            return object
        }
    }

    /// `probe run --json ARGS -- COMMAND`, returning the verdict object.
    public static func run(_ options: [String], _ command: [String], environment: [String: String] = [:]) throws -> Outcome {
        let (code, out, err) = try execute([probe, "run", "--json"] + options + ["--"] + command, environment: environment)
        let verdict = (try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]) ?? [:]
        return Outcome(exitCode: code, verdict: verdict, stderr: err)
    }

    /// Runs a hostile program from Tests/SandboxTests/Hostile with the venv's Python.
    public static func runHostile(_ name: String, _ options: [String] = [], arguments: [String] = [],
                                  environment: [String: String] = [:]) throws -> Outcome {
        let script = hostile(name)
        return try run(options + ["--ro", script], [python, "-I", script] + arguments, environment: environment)
    }

    public static func hostile(_ name: String) -> String {
        repository.appendingPathComponent("Tests/SandboxTests/Hostile/\(name).py").path
    }

    /// Runs any command; returns exit code, stdout and stderr.
    public static func execute(_ argv: [String], environment: [String: String] = [:], asUser: UInt32? = nil,
                               in directory: URL? = nil) throws -> (Int32, String, String) {
        let process = Process()
        if let directory { process.currentDirectoryURL = directory }
        var argv = argv
        if let uid = asUser {
            argv = ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups"] + argv
        }
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently so neither can fill up and stall the child.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// Host processes whose command line contains `marker`.
    public static func hostProcesses(containing marker: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(marker)
        }
    }

    /// A fresh directory the sandbox user can read, removed by the caller.
    public static func temporaryDirectory() throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("probe-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        return url
    }
}
