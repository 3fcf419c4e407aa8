import CProbeShims
import Glibc
import SandboxSpec

/// One launch: spawn the launcher, prepare the host side while it starts, send it the spec,
/// run the poll loop, and turn what was seen into a verdict.
struct Execution {
    enum KillReason: Equatable {
        case wallTime, cpuTime, output
        /// The caller asked for the end through its ``SandboxStopSignal``.
        case stopped
        case interrupted(Int32)
    }

    let configuration: SandboxConfiguration
    let launcherPath: String
    let handlesInterrupts: Bool
    /// When the runner began (validating the configuration), for the timing breakdown.
    let preparedSince: UInt64

    private static let chunk = 65536
    /// How often the whole tree's CPU time is read from the cgroup.
    private static let cpuPollMillis = 50
    /// How long output may keep flowing after the launcher has exited.
    private static let drainMillis = 2000

    /// - Parameters:
    ///   - started: the launcher, when the caller started it already; otherwise one is
    ///     started here, before the preparation, which its start-up then overlaps.
    ///   - prepare: the host side of the run (the filter, cgroups, work dir, the spec),
    ///     undone when the run ends.
    func run(started: StartedLauncher? = nil, preparing prepare: () throws -> PreparedRun) throws -> Verdict {
        let start = try started ?? StartedLauncher(path: launcherPath, resultChannel: configuration.resultChannel)
        try start.take()
        defer { start.finish() }
        let launcher = start.process
        func abandon(_ error: Error) -> Error {
            start.abandon()
            return error
        }
        guard start.resultChannel == configuration.resultChannel else {
            throw abandon(SandboxError(.invalidConfiguration, "the launcher was started \(start.resultChannel ? "with" : "without") a result channel, and the run \(configuration.resultChannel ? "has" : "has none")"))
        }
        let signals: InterruptSignals?
        do { signals = handlesInterrupts ? try InterruptSignals() : nil } catch { throw abandon(error) }
        defer { signals?.restore() }

        var prepared: PreparedRun
        do { prepared = try prepare() } catch { throw abandon(error) }
        defer { prepared.cleanUp() }
        do {
            // The filter before the spec: init reads it once the spec has come.
            try start.writeFilter(prepared.filter.bytes)
            try start.pipes.send(prepared.spec.message)
        } catch { throw abandon(error) }
        let specSent = Clock.milliseconds()
        configuration.startObserver?(SandboxStart(launcherPID: launcher.pid, cgroupDirectories: prepared.cgroup.directories.map(\.path)))

        var output = OutputCapture(limit: Int(configuration.outputLimitKiB) * 1024)
        var channel: [UInt8] = []
        var channelTruncated = false
        var answering = true
        let channelLimit = Int(configuration.channelLimitKiB) * 1024
        var report = ReportReader()
        var killReason: KillReason?
        var launcherStatus: Int32?
        var endedAt: UInt64 = 0
        let wallDeadline = specSent + UInt64(configuration.wallTimeSeconds * 1000)
        let cpuLimitMicros = UInt64(configuration.cpuTimeSeconds * 1_000_000)
        // From here the run loop owns the read ends: stdout, stderr, report, channel (or -1).
        var open = start.pipes.takeReadEnds()
        defer { for fd in open where fd >= 0 { close(fd) } }
        var loopError: SandboxError?
        var cpuCheckedAt: UInt64 = 0
        // One read buffer for the whole run: reads are copied out of it before the next.
        var buffer = [UInt8](repeating: 0, count: Self.chunk)

        func stop(_ reason: KillReason) {
            guard killReason == nil, launcherStatus == nil else { return }
            killReason = reason
            launcher.killGroup()
        }

        while launcherStatus == nil || open.contains(where: { $0 >= 0 }) {
            let now = Clock.milliseconds()
            if launcherStatus != nil && now >= endedAt + UInt64(Self.drainMillis) { break }
            var timeout = launcherStatus == nil ? Int(wallDeadline > now ? wallDeadline - now : 0) : Self.drainMillis
            if prepared.cgroup.accountsCPU { timeout = min(timeout, Self.cpuPollMillis) }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            fds.append(pollfd(fd: launcherStatus == nil ? launcher.pidfd : -1, events: Int16(POLLIN), revents: 0))
            fds.append(pollfd(fd: signals?.fd ?? -1, events: Int16(POLLIN), revents: 0))
            fds.append(pollfd(fd: launcherStatus == nil ? configuration.stopSignal?.fd ?? -1 : -1, events: Int16(POLLIN), revents: 0))
            if poll(&fds, nfds_t(fds.count), Int32(timeout)) < 0 && errno != EINTR {
                // Never leave a sandbox running unwatched: kill it, reap it, then report.
                loopError = SandboxError.system("poll", errno: errno)
                launcher.killGroup()
                break
            }
            for (index, fd) in open.enumerated() where fd >= 0 && fds[index].revents != 0 {
                let n = read(fd, &buffer, buffer.count)
                if n > 0 {
                    switch index {
                    case 2: report.consume(buffer[0..<n])
                    case 3:
                        let kept = buffer[0..<n].prefix(max(0, channelLimit - channel.count))
                        channel += kept
                        if kept.count < n { channelTruncated = true }
                        configuration.channelObserver?(Array(kept))
                        if answering, let reply = configuration.channelResponder?(Array(kept)), !reply.isEmpty {
                            let sent = reply.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
                            answering = sent == reply.count
                        }
                    default: output.append(buffer[0..<n], toStderr: index == 1)
                    }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(fd)
                    open[index] = -1
                }
            }
            if output.exceeded { stop(.output) }
            let pidIndex = open.count, signalIndex = open.count + 1
            if fds[pidIndex].revents != 0 && launcherStatus == nil {
                launcherStatus = launcher.wait()
                endedAt = Clock.milliseconds()
            }
            if let signals, fds[signalIndex].revents != 0, let signal = signals.take() { stop(.interrupted(signal)) }
            if fds[signalIndex + 1].revents != 0 { stop(.stopped) }
            let checked = Clock.milliseconds()
            if launcherStatus == nil && checked >= wallDeadline { stop(.wallTime) }
            if launcherStatus == nil && checked >= cpuCheckedAt + UInt64(Self.cpuPollMillis) {
                cpuCheckedAt = checked
                if let cpu = prepared.cgroup.cpuMicros(), cpu >= cpuLimitMicros { stop(.cpuTime) }
            }
        }
        for index in open.indices where open[index] >= 0 {
            close(open[index])
            open[index] = -1
        }
        if launcherStatus == nil {
            launcher.killGroup()
            launcherStatus = launcher.wait()
            endedAt = Clock.milliseconds()
        }
        // Anything still alive (a degraded run has no pid namespace to end it) dies here, and
        // only then are the cgroup's figures final.
        prepared.cgroup.killAll()
        if let loopError { throw loopError }
        let usage = prepared.cgroup.usage()
        let finished = Clock.milliseconds()
        let setupEnd = report.targetStartedAt ?? endedAt
        let targetEnd = report.targetEndedAt ?? endedAt
        let timing = Verdict.Timing(prepare: specSent - preparedSince, setup: setupEnd - specSent,
                                    target: targetEnd >= setupEnd ? targetEnd - setupEnd : 0,
                                    teardown: finished - min(targetEnd, finished))
        var verdict = VerdictBuilder(configuration: configuration, prepared: prepared, records: report.records,
                                     usage: usage, killReason: killReason, launcherStatus: launcherStatus ?? 0,
                                     wallMS: endedAt - specSent, timing: timing, output: output).build()
        verdict.channel = channel
        verdict.channelTruncated = channelTruncated
        return verdict
    }
}

/// The descriptors between `probe` and the launcher.
struct Pipes {
    var stdout: [Int32] = [-1, -1], stderr: [Int32] = [-1, -1], report: [Int32] = [-1, -1], channel: [Int32] = [-1, -1]
    /// A stream socket: the spec goes to the launcher on it first (with MSG_NOSIGNAL, so a
    /// launcher that died cannot take `probe` down with SIGPIPE); then, when `probe` dies, the
    /// launcher reads end-of-file and kills the sandbox.
    var lifeline: [Int32] = [-1, -1]

    init(channel withChannel: Bool) throws {
        for index in 0..<5 where index != 3 || withChannel {
            var fds: [Int32] = [-1, -1]
            // The channel and the lifeline are sockets: both carry messages both ways.
            let socket = index >= 3
            let rc = socket
                ? socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds)
                : probe_pipe2(&fds, O_CLOEXEC)
            guard rc == 0 else {
                closeAll()
                throw SandboxError.system(socket ? "socketpair" : "pipe2", errno: errno)
            }
            switch index {
            case 0: stdout = fds
            case 1: stderr = fds
            case 2: report = fds
            case 3: channel = fds
            default: lifeline = fds
            }
        }
    }

    /// Sends the whole of `message` on the lifeline.
    func send(_ message: [UInt8]) throws {
        try Self.transferAll(message, what: "send the launch spec to the launcher") {
            Glibc.send(lifeline[1], $0, $1, Int32(MSG_NOSIGNAL))
        }
    }

    /// Hands all of `bytes` to `transfer` (write or send), resuming after partial transfers
    /// and EINTR.
    static func transferAll(_ bytes: [UInt8], what: String, _ transfer: (UnsafeRawPointer?, Int) -> Int) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { transfer($0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw SandboxError.system(what, errno: errno) }
            offset += n
        }
    }

    mutating func closeChildEnds() {
        for fd in [stdout[1], stderr[1], report[1], channel[1], lifeline[0]] where fd >= 0 { close(fd) }
        stdout[1] = -1; stderr[1] = -1; report[1] = -1; channel[1] = -1; lifeline[0] = -1
    }

    /// Hands the read ends to the caller (stdout, stderr, report, channel), who closes them.
    mutating func takeReadEnds() -> [Int32] {
        defer { stdout[0] = -1; stderr[0] = -1; report[0] = -1; channel[0] = -1 }
        return [stdout[0], stderr[0], report[0], channel[0]]
    }

    /// Closes everything still held: read ends never handed over (a failed start), and the
    /// lifeline's write end, which is ours to the end of the run.
    mutating func closeAll() {
        closeChildEnds()
        for fd in takeReadEnds() where fd >= 0 { close(fd) }
        if lifeline[1] >= 0 { close(lifeline[1]) }
        lifeline[1] = -1
    }
}

/// Splits the report descriptor's bytes into records, and notes when the target started
/// (the seccomp layer is the last record before execve) and ended (its exit record).
struct ReportReader {
    private var pending: [UInt8] = []
    private(set) var records: [ReportRecord] = []
    private(set) var targetStartedAt: UInt64?
    private(set) var targetEndedAt: UInt64?

    mutating func consume(_ bytes: ArraySlice<UInt8>) {
        pending += bytes
        while let newline = pending.firstIndex(of: 0x0a) {
            let line = String(decoding: pending[..<newline], as: UTF8.self)
            pending.removeSubrange(...newline)
            guard let record = ReportRecord(line: Substring(line)) else { continue }
            records.append(record)
            switch record {
            case .layer(.seccomp, _, _): targetStartedAt = targetStartedAt ?? Clock.milliseconds()
            case .exit: targetEndedAt = targetEndedAt ?? Clock.milliseconds()
            default: break
            }
        }
    }
}

enum Clock {
    static func milliseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1000 + UInt64(now.tv_nsec) / 1_000_000
    }
}

/// SIGINT, SIGTERM and SIGHUP, blocked and read from a signalfd while a run is in progress.
private struct InterruptSignals {
    static let numbers: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    let fd: Int32
    private var previous = sigset_t()

    init() throws {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for signal in Self.numbers { sigaddset(&blocked, signal) }
        sigprocmask(SIG_BLOCK, &blocked, &previous)
        fd = Self.numbers.withUnsafeBufferPointer { probe_signalfd($0.baseAddress, Int32($0.count)) }
        guard fd >= 0 else { throw SandboxError.system("signalfd", errno: errno) }
    }

    func take() -> Int32? {
        let signal = probe_signalfd_take(fd)
        return signal > 0 ? signal : nil
    }

    func restore() {
        close(fd)
        var old = previous
        sigprocmask(SIG_SETMASK, &old, nil)
    }
}
