import CProbeShims
import Glibc
import SandboxSpec

/// Runs one command in the sandbox and returns its ``Verdict``.
///
/// The runner is synchronous: one poll(2) loop reads the target's output, the launcher's
/// report records and its exit, enforces the wall-time, whole-tree CPU and output limits, and
/// answers SIGINT/SIGTERM by killing the sandbox.
public struct SandboxRunner: Sendable {
    public var launcherPath: String
    public var sandboxesDirectory: String
    /// Block SIGINT, SIGTERM and SIGHUP while running, and kill the sandbox when one arrives.
    /// Only for single-threaded callers such as the `probe` command.
    public var handlesInterrupts = false
    /// Where compiled seccomp filters are kept between runs; nil compiles every time.
    public var filterCache: FilterCache? = .standard()

    /// The uid and gid the target runs as when `probe` runs as root.
    public static let sandboxUser: UInt32 = 65534

    public init(launcherPath: String, sandboxesDirectory: String) {
        self.launcherPath = launcherPath
        self.sandboxesDirectory = sandboxesDirectory
    }

    /// - Parameter started: a launcher from ``startLauncher(resultChannel:)``, used (or, when
    ///   the configuration is invalid, abandoned) by this run.
    public func run(_ configuration: SandboxConfiguration, started: StartedLauncher? = nil) throws -> Verdict {
        let began = Clock.milliseconds()
        do { try configuration.validate() } catch {
            started?.abandon()
            throw error
        }
        return try Execution(configuration: configuration, launcherPath: launcherPath,
                             handlesInterrupts: handlesInterrupts, preparedSince: began)
            .run(started: started) { try prepare(configuration) }
    }

    /// Starts a launcher ahead of a run, for a caller with work to do before it has the run's
    /// configuration; pass it to ``run(_:started:)``, or abandon it.
    public func startLauncher(resultChannel: Bool = false) throws -> StartedLauncher {
        try StartedLauncher(path: launcherPath, resultChannel: resultChannel)
    }

    /// `pytest` → `<Sandboxes>/pytest.json`; anything with a slash or `.json` is a path.
    public func profilePath(_ profile: String) -> String {
        if profile.contains("/") || profile.hasSuffix(".json") { return profile }
        return sandboxesDirectory + "/" + profile + ".json"
    }
}
