#if os(Linux)
import CProbeShims
import Glibc
import SandboxSpec

/// A launcher started before its run is ready, with the descriptors it is given: the output,
/// report and lifeline pipes, the filter's memfd and /dev/null.
///
/// A launcher's exec, runtime start-up and clone of init into new namespaces take about a
/// millisecond, and need nothing from the run until its spec is sent. So a run starts its
/// launcher before it prepares the host side, and `probe run` starts one before it even
/// reads its command line (``SandboxRunner/startLauncher(resultChannel:)``).
///
/// A start is used by one run, or abandoned: its descriptors closed, which makes the
/// launcher and its init exit, and its process group killed and reaped.
public final class StartedLauncher {
    let process: LauncherProcess
    let resultChannel: Bool
    var pipes: Pipes
    /// The compiled filter is written here once the run is prepared; init reads it.
    let filterFD: Int32
    private let devNull: Int32
    private var finished = false

    init(path: String, resultChannel: Bool) throws {
        self.resultChannel = resultChannel
        pipes = try Pipes(channel: resultChannel)
        filterFD = probe_memfd_create("probe-filter", PROBE_MFD_CLOEXEC)
        devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard filterFD >= 0, devNull >= 0 else {
            let error = SandboxError.system(filterFD < 0 ? "memfd_create" : "open /dev/null", errno: errno)
            Self.close(filterFD, devNull)
            pipes.closeAll()
            throw error
        }
        var descriptors: [(Int32, Int32)] = [(devNull, 0), (pipes.stdout[1], 1), (pipes.stderr[1], 2), (filterFD, 3),
                                             (pipes.report[1], 4), (pipes.lifeline[0], LaunchSpec.lifelineFD)]
        if resultChannel { descriptors.append((pipes.channel[1], SandboxRunner.channelDescriptor)) }
        do {
            process = try LauncherProcess.spawn(path: path, descriptors: descriptors)
        } catch {
            Self.close(filterFD, devNull)
            pipes.closeAll()
            throw error
        }
        pipes.closeChildEnds()
    }

    /// Ends a start that will not be used. At end-of-file on its lifeline the launcher stops
    /// and reaps its init, then exits; one that has not within a second is killed. Either way
    /// it is reaped here, so nothing is left.
    public func abandon() {
        guard !finished else { return }
        finish()
        var exited = pollfd(fd: process.pidfd, events: Int16(POLLIN), revents: 0)
        if poll(&exited, 1, Self.gracefulExitMillis) != 1 { process.killGroup() }
        _ = process.wait()
    }

    private static let gracefulExitMillis: Int32 = 1000

    /// Closes what this start still holds; the run has reaped the launcher.
    func finish() {
        guard !finished else { return }
        finished = true
        pipes.closeAll()
        Self.close(filterFD, devNull)
    }

    deinit { abandon() }

    private static func close(_ descriptors: Int32...) {
        for fd in descriptors where fd >= 0 { Glibc.close(fd) }
    }
}
#endif
