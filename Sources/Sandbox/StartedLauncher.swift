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
/// launcher stop its init and exit, and the launcher reaped.
public final class StartedLauncher {
    let process: LauncherProcess
    let resultChannel: Bool
    var pipes: Pipes
    /// The compiled filter is written here once the run is prepared; init reads it.
    private(set) var filterFD: Int32 = -1
    private var devNull: Int32 = -1
    private var taken = false
    private var finished = false

    init(path: String, resultChannel: Bool) throws {
        self.resultChannel = resultChannel
        var pipes = try Pipes(channel: resultChannel)
        let filterFD = probe_memfd_create("probe-filter", PROBE_MFD_CLOEXEC)
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        do {
            guard filterFD >= 0 else { throw SandboxError.system("memfd_create", errno: errno) }
            guard devNull >= 0 else { throw SandboxError.system("open /dev/null", errno: errno) }
            var descriptors: [(Int32, Int32)] = [(devNull, 0), (pipes.stdout[1], 1), (pipes.stderr[1], 2), (filterFD, 3),
                                                 (pipes.report[1], 4), (pipes.lifeline[0], LaunchSpec.lifelineFD)]
            if resultChannel { descriptors.append((pipes.channel[1], SandboxRunner.channelDescriptor)) }
            process = try LauncherProcess.spawn(path: path, descriptors: descriptors)
        } catch {
            pipes.closeAll()
            for fd in [filterFD, devNull] where fd >= 0 { close(fd) }
            throw error
        }
        pipes.closeChildEnds()
        self.pipes = pipes
        self.filterFD = filterFD
        self.devNull = devNull
    }

    /// Hands the start to its one run; a second run of the same start is refused.
    func take() throws {
        guard !taken, !finished else {
            throw SandboxError(.invalidConfiguration, "this launcher was already used by a run or abandoned; start another")
        }
        taken = true
    }

    /// Writes the compiled filter for init to read.
    func writeFilter(_ bytes: [UInt8]) throws {
        try Pipes.transferAll(bytes, what: "write the seccomp filter for the launcher") { write(filterFD, $0, $1) }
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

    /// Closes what this start still holds; the run has reaped the launcher.
    func finish() {
        guard !finished else { return }
        finished = true
        closeDescriptors()
    }

    deinit { abandon() }

    private static let gracefulExitMillis: Int32 = 1000

    private func closeDescriptors() {
        pipes.closeAll()
        for fd in [filterFD, devNull] where fd >= 0 { close(fd) }
        (filterFD, devNull) = (-1, -1)
    }
}
#endif
