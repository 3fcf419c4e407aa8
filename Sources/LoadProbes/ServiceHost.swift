import Foundation
import Load
import Sandbox
import TaskBank

/// How services are started: the sandbox runner, the grading interpreter and the task's limits.
public struct ServiceHost: Sendable {
    public var runner: SandboxRunner
    /// The grading venv's interpreter; a task's `python` means this one.
    public var python: String
    public var memoryMiB: UInt64
    /// Where run folders are made.
    public var scratch: String

    public init(runner: SandboxRunner, python: String, memoryMiB: UInt64, scratch: String) {
        self.runner = runner
        self.python = python
        self.memoryMiB = memoryMiB
        self.scratch = scratch
    }

    /// The port the service gets in `port_env`. Its network namespace is its own, so any port is free.
    static let servicePort = 8_000
    /// Ample for a probe; the grader stops the service long before.
    static let lifetimeSeconds = 900.0
}

/// One started service: the sandboxed process tree, the generator's event loop inside its
/// network namespace, and the downstream stub. ``stop()`` ends all of it.
public final class RunningService: @unchecked Sendable {
    public let port = ServiceHost.servicePort
    public let group: LoadGroup
    let stub: DownstreamStub?
    let tree: ProcessTree
    private let counterPath: String
    private let runDirectory: String
    private let stopSignal: SandboxStopSignal
    private let finished: DispatchSemaphore
    private let outcome: Outcome
    private let namespaceFD: Int32
    private var stopped: Verdict?

    /// What the sandbox thread hands back.
    final class Outcome: @unchecked Sendable {
        let lock = NSLock()
        var started: SandboxStart?
        var verdict: Verdict?
        var error: Error?
        let startedSignal = DispatchSemaphore(value: 0)
    }

    /// Copies `source` into a fresh work dir, runs the task's setup there, starts the service
    /// and waits until its readiness path answers 200.
    public static func start(_ spec: ServiceSpec, source: String, taskRoot: String, host: ServiceHost) throws -> RunningService {
        let run = try FileTree.makeTemporaryDirectory(prefix: "service", in: host.scratch)
        let work = run + "/work", grader = run + "/grader"
        do {
            try FileManager.default.createDirectory(atPath: grader, withIntermediateDirectories: true)
            try FileTree.overlay(source, onto: work)
            try Data(SQLShim.source.utf8).write(to: URL(fileURLWithPath: grader + "/sql_shim.py"))
            try Data(count: 32).write(to: URL(fileURLWithPath: grader + "/sql-count"))
        } catch {
            try? FileManager.default.removeItem(atPath: run)
            throw LoadProbesError(.system, "\(run): cannot lay out the service's folders: \(error)")
        }
        let loadFolder = taskRoot + "/load"
        var base = SandboxConfiguration()
        base.profile = "service"
        base.memoryMiB = host.memoryMiB
        base.pids = 512
        base.workdir = work
        base.readOnlyPaths = FileTree.isDirectory(loadFolder) ? [loadFolder] : []
        func resolve(_ command: [String]) -> [String] {
            [host.python] + command.dropFirst().map { $0.hasPrefix("load/") ? taskRoot + "/" + $0 : $0 }
        }
        var environment = ["HOST=127.0.0.1", "\(spec.portEnv)=\(ServiceHost.servicePort)", "PYTHONDONTWRITEBYTECODE=1"]
        environment += spec.env.map { "\($0.0)=\($0.1)" }
        if let downstream = spec.downstream { environment.append("\(downstream.env)=\(DownstreamStub.url)") }

        if let setup = spec.setup {
            var configuration = base
            configuration.network = .none
            configuration.cpuTimeSeconds = 60
            configuration.wallTimeSeconds = 120
            configuration.environment = environment
            configuration.command = resolve(setup)
            let verdict = try host.runner.run(configuration)
            guard verdict.status == .ok else {
                try? FileManager.default.removeItem(atPath: run)
                throw LoadProbesError(.serviceFailed, "the setup command \(setup.joined(separator: " ")) ended \(verdict.status.rawValue): \(verdict.reason)\(tail(verdict.stderr))")
            }
        }

        var configuration = base
        configuration.network = .loopback
        configuration.cpuTimeSeconds = ServiceHost.lifetimeSeconds
        configuration.wallTimeSeconds = ServiceHost.lifetimeSeconds
        configuration.readWritePaths = [grader]
        configuration.environment = environment + ["PROBE_SQL_COUNTER=\(grader)/sql-count"]
        // The shim starts the service's own entry point, with `load/` arguments resolved as for setup.
        configuration.command = [host.python, "-I", grader + "/sql_shim.py"] + resolve(spec.start).dropFirst()
        let stopSignal = try SandboxStopSignal()
        configuration.stopSignal = stopSignal
        let outcome = Outcome()
        configuration.startObserver = { start in
            outcome.lock.withLock { outcome.started = start }
            outcome.startedSignal.signal()
        }
        let finished = DispatchSemaphore(value: 0)
        let runner = host.runner
        Thread.detachNewThread { [configuration] in
            do {
                let verdict = try runner.run(configuration)
                outcome.lock.withLock { outcome.verdict = verdict }
            } catch {
                outcome.lock.withLock { outcome.error = error }
            }
            outcome.startedSignal.signal()
            finished.signal()
        }

        func abandon(_ error: Error) -> Error {
            stopSignal.stop()
            finished.wait()
            try? FileManager.default.removeItem(atPath: run)
            return error
        }
        let deadline = Date().addingTimeInterval(spec.startupTimeout.seconds)
        outcome.startedSignal.wait()
        guard let started = outcome.lock.withLock({ outcome.started }) else {
            finished.wait()
            try? FileManager.default.removeItem(atPath: run)
            let detail = outcome.lock.withLock { outcome.error.map { "\($0)" } ?? outcome.verdict.map { "\($0.status.rawValue): \($0.reason)" } ?? "" }
            throw LoadProbesError(.serviceFailed, "the service's sandbox did not start: \(detail)")
        }
        let namespaceFD: Int32
        let group: LoadGroup
        do {
            namespaceFD = try Self.openNamespace(of: started.launcherPID, until: deadline, outcome: outcome)
        } catch {
            throw abandon(error)
        }
        do {
            group = try LoadGroup(eventLoops: 1, networkNamespace: "/proc/self/fd/\(namespaceFD)")
        } catch {
            close(namespaceFD)
            throw abandon(error)
        }
        var stub: DownstreamStub?
        if let downstream = spec.downstream {
            let made = DownstreamStub(loop: group.loops[0], body: downstream.body, delay: downstream.delay)
            do {
                try made.start(until: deadline)
            } catch {
                group.shutdown()
                close(namespaceFD)
                throw abandon(LoadProbesError(.system, "the downstream stub cannot listen on port \(DownstreamStub.port): \(error)"))
            }
            stub = made
        }
        let service = RunningService(group: group, stub: stub, tree: ProcessTree(cgroupDirectories: started.cgroupDirectories),
                                     counterPath: grader + "/sql-count", runDirectory: run, stopSignal: stopSignal,
                                     finished: finished, outcome: outcome, namespaceFD: namespaceFD)
        do {
            try service.waitUntilReady(path: spec.readiness, deadline: deadline, timeout: spec.startupTimeout.seconds)
        } catch {
            let verdict = service.stop()
            throw LoadProbesError(.serviceFailed, "\(error)\(verdict.status == .signaled ? "" : " (the service ended \(verdict.status.rawValue): \(verdict.reason))")\(tail(verdict.stderr))")
        }
        return service
    }

    private init(group: LoadGroup, stub: DownstreamStub?, tree: ProcessTree, counterPath: String, runDirectory: String,
                 stopSignal: SandboxStopSignal, finished: DispatchSemaphore, outcome: Outcome, namespaceFD: Int32) {
        self.group = group
        self.stub = stub
        self.tree = tree
        self.counterPath = counterPath
        self.runDirectory = runDirectory
        self.stopSignal = stopSignal
        self.finished = finished
        self.outcome = outcome
        self.namespaceFD = namespaceFD
    }

    /// Finds the launcher's child (init, cloned into the new namespaces) and opens its
    /// network namespace, once it differs from ours.
    private static func openNamespace(of launcher: Int32, until deadline: Date, outcome: Outcome) throws -> Int32 {
        let ours = NetworkNamespace.identity("/proc/self/ns/net")
        while Date() < deadline {
            if outcome.lock.withLock({ outcome.verdict != nil || outcome.error != nil }) {
                throw LoadProbesError(.serviceFailed, "the service ended before its network was up")
            }
            let children = (try? String(contentsOfFile: "/proc/\(launcher)/task/\(launcher)/children", encoding: .utf8)) ?? ""
            for child in children.split(separator: " ").compactMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
                let path = "/proc/\(child)/ns/net"
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { continue }
                var info = stat()
                if fstat(fd, &info) == 0, UInt64(info.st_ino) != ours { return fd }
                close(fd)
            }
            usleep(1000)
        }
        throw LoadProbesError(.serviceFailed, "the sandbox's network namespace did not appear before the startup timeout")
    }

    private func waitUntilReady(path: String, deadline: Date, timeout: Double) throws {
        var last = "no answer"
        while Date() < deadline {
            if outcome.lock.withLock({ outcome.verdict != nil || outcome.error != nil }) {
                throw LoadProbesError(.serviceFailed, "the service exited before \(path) answered")
            }
            let answer = try? LoadGenerator.fetch(RequestTemplate(path: path), port: port, timeout: 1, on: group).wait()
            if let answer, answer.status == 200 { return }
            if let answer { last = "status \(answer.status)" }
            usleep(50_000)
        }
        throw LoadProbesError(.serviceFailed, "the service was not ready within \(timeout) s: GET \(path) gave \(last)")
    }

    /// Whether the service has ended on its own (crashed or exited).
    public var hasEnded: Bool { outcome.lock.withLock { outcome.verdict != nil || outcome.error != nil } }

    /// The SQL statements the service has run so far, as counted by the shim.
    func statements() -> Int {
        guard let data = FileManager.default.contents(atPath: counterPath) else { return 0 }
        let digits = data.prefix { $0 >= 0x30 && $0 <= 0x39 }
        return Int(String(decoding: digits, as: UTF8.self)) ?? 0
    }

    /// Stops the stub, kills the service's whole tree and returns its verdict. Idempotent.
    @discardableResult
    public func stop() -> Verdict {
        if let stopped { return stopped }
        stub?.stop()
        stopSignal.stop()
        finished.wait()
        group.shutdown()
        close(namespaceFD)
        try? FileManager.default.removeItem(atPath: runDirectory)
        let verdict = outcome.lock.withLock { outcome.verdict }
            ?? Verdict.setupFailure(stage: "service", message: outcome.lock.withLock { outcome.error.map { "\($0)" } ?? "no verdict" })
        stopped = verdict
        return verdict
    }
}

/// The last lines of a service's stderr, for an error message.
func tail(_ stderr: String, lines: Int = 12) -> String {
    let kept = stderr.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    return kept.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "" : "\n--- stderr (last lines) ---\n" + kept
}
