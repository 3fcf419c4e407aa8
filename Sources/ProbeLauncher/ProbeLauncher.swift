import CProbeShims
import Glibc
import SandboxSpec

/// Builds one sandbox and runs one command in it.
///
/// This binary is synchronous and single-threaded on purpose: its children run on after
/// fork and clone without an exec, and code between fork and exec must not depend on locks
/// another thread might hold (nor may the raw clone skip fork's handlers for them). It is started by `probe` (the orchestrator),
/// never by hand, in a session of its own.
///
/// Three processes take part:
///
///     launcher  (host namespaces)  writes the id maps, joins the cgroups, supervises seccomp
///      └ init   (new namespaces, pid 1)  joins the cgroups, builds the filesystem, reaps,
///         │                              reports the target's status
///         └ target                       limits, Landlock, no_new_privs, uid, seccomp, execve
///
/// The steps are numbered as in the README's "How the sandbox is built". Every failure before
/// execve is reported on the report descriptor as a `setup-error` record, which the target
/// can never write to. The spec, a ``LaunchSpec``, arrives on the
/// lifeline: `probe` starts the launcher first and prepares the host side while it starts,
/// and the launcher clones init in the meantime.
@main
enum ProbeLauncher {
    static func main() {
        // Descriptors 0–2 become the target's stdio; every other one is marked close-on-exec
        // before any fork, so no process below can leak one into the target.
        markDescriptorsCloseOnExec()

        // By hand, with no lifeline, the pipes made next would take its number.
        var lifeline = stat()
        guard fstat(LaunchSpec.lifelineFD, &lifeline) == 0, lifeline.st_mode & S_IFMT == S_IFSOCK else {
            exitStartedByHand("no lifeline socket on fd \(LaunchSpec.lifelineFD)")
        }

        // 1. Namespaces, with init, before the spec: cloning six namespaces is the slowest
        //    step of a launch, and `probe` is still preparing the host side. Init needs
        //    nothing from the spec to exist; it waits for the spec on its sync socket.
        //    (An optional and an error, not a Result: that generic type's first use would
        //    cost each process a runtime scan of every protocol conformance.)
        var startError: LaunchError?
        let start: InitStart?
        do { start = try InitStart() } catch {
            start = nil
            startError = error as? LaunchError ?? LaunchError("launcher", "\(error)")
        }
        if let start, start.pid == 0 { Launcher.runInit(start) }

        // Then the spec. Without one, init is stopped and reaped here, so that nothing is
        // left for the orchestrator, which waits for this process alone.
        let body: [UInt8], spec: LaunchSpec
        do {
            guard let message = try FileIO.readMessage(LaunchSpec.lifelineFD) else {
                // The orchestrator gave up before sending a spec (its preparation failed).
                start?.stop()
                exit(ExitCode.setupFailed)
            }
            body = message
            spec = try LaunchSpec(messageBody: body)
        } catch {
            // No report descriptor is known yet: `probe` always sends a spec that parses.
            start?.stop()
            exitStartedByHand("\(error)")
        }
        let reporter = Reporter(fd: spec.reportFD)
        guard let start else { reporter.fail(startError ?? LaunchError("launcher", "init could not be started")) }
        do {
            try Launcher(spec: spec, reporter: reporter).launch(start, specBody: body)
        } catch {
            // Init waits for a spec or its id maps: stop it, so the run ends with this report.
            start.stop()
            reporter.fail(error as? LaunchError ?? LaunchError("launcher", "\(error)"))
        }
    }

    /// close_range(2) with CLOSE_RANGE_CLOEXEC (Linux 5.11), or one fcntl(2) per possible
    /// descriptor where the kernel lacks it.
    private static func markDescriptorsCloseOnExec() {
        if probe_close_range(3, ~0, UInt32(PROBE_CLOSE_RANGE_CLOEXEC)) == 0 { return }
        // The soft RLIMIT_NOFILE bounds the descriptors this process can hold.
        let last = Int32(clamping: min(sysconf(Int32(_SC_OPEN_MAX)), 1 << 20))
        for fd in 3..<max(last, 3) { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    }

    private static func exitStartedByHand(_ reason: String) -> Never {
        let message = "probe-launcher: \(reason). This program is started by `probe run`, not by hand.\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(ExitCode.setupFailed)
    }
}

/// The launcher's state, shared by the steps in the `Launcher+*.swift` files.
struct Launcher {
    let spec: LaunchSpec
    let reporter: Reporter

    /// The launcher's part once the spec is known: init (cloned already, or forked now for a
    /// degraded run) gets the spec and its id maps; the launcher joins the cgroups too (it
    /// answers the target's refused syscalls, work the run should be charged for), then
    /// supervises.
    func launch(_ start: InitStart, specBody: [UInt8]) throws -> Never {
        var start = start
        try completeStart(&start)
        try start.sync.forward(specBody: specBody)
        close(start.handoff[1])
        // Only the target writes to the channel; its end-of-file must come when the target's
        // tree is gone, so no launcher process keeps a copy longer than it must.
        if spec.channelFD >= 0 { close(spec.channelFD) }
        if start.namespaced { try writeIDMaps(initPID: start.pid) }
        try start.sync.signalMapped()
        try joinCgroups()
        var supervisor = Supervisor(spec: spec, reporter: reporter, child: start.pid, handoff: start.handoff[0])
        supervisor.run()
    }

    /// Init, from its clone (or, in a degraded run, its fork): waits for the spec, then
    /// joins the cgroups, builds the filesystem, starts the target and reaps.
    static func runInit(_ start: InitStart) -> Never {
        // No spec means the launcher has gone or given up: nothing to build, nobody to tell.
        guard let spec = start.sync.receiveSpec() else { _exit(ExitCode.setupFailed) }
        close(start.handoff[0])
        let launcher = Launcher(spec: spec, reporter: Reporter(fd: spec.reportFD))
        do {
            // Die with the launcher from here on; before, end-of-file on the sync socket covers
            // a launcher that dies (getppid() cannot: the parent is outside the pid namespace).
            try check("pdeathsig", "prctl(PR_SET_PDEATHSIG)", probe_prctl(PROBE_PR_SET_PDEATHSIG, UInt(SIGKILL), 0, 0, 0))
            if !start.namespaced && getppid() != start.parent { _exit(ExitCode.setupFailed) }
        } catch {
            launcher.reporter.fail(error as? LaunchError ?? LaunchError("pdeathsig", "\(error)"))
        }
        launcher.runInit(start)
    }

    private func runInit(_ start: InitStart) -> Never {
        do {
            // 2. cgroups before any other process exists: everything init starts is charged
            //    to them, so memory, pids and CPU are measured for the whole tree.
            try joinCgroups()
            // The compiled filter is read once, here, so the target only has to load it.
            let filter = try FileIO.readAll(spec.seccompFD, stage: "seccomp")
            guard !filter.isEmpty, filter.count % 8 == 0 else {
                throw LaunchError("seccomp", "the compiled filter on fd \(spec.seccompFD) is empty or truncated")
            }
            try start.sync.waitForMaps()
            var view: FilesystemView? = nil
            if start.namespaced {
                // 3. The network, then 4. the filesystem.
                try setUpNetwork()
                try setUpHostname()
                view = try buildFilesystem()
            } else {
                // The private work dir is a mount; without a mount namespace it would be a
                // host folder of that name, written with no cap.
                guard spec.workSize == 0 else {
                    throw LaunchError("workdir", "the private work dir \(spec.workdir) needs a mount namespace, and none could be made; pass --workdir DIR")
                }
                try check("workdir", "chdir \(spec.workdir)", chdir(spec.workdir))
            }
            let target = fork()
            try check("fork", "fork target", target)
            if target == 0 {
                runTarget(view: view, handoff: start.handoff[1], filter: filter)
            }
            close(start.handoff[1])
            if spec.channelFD >= 0 { close(spec.channelFD) }
            reapUntilTargetExits(target)
        } catch let error as LaunchError {
            reporter.fail(error)
        } catch {
            reporter.fail(LaunchError("launcher", "\(error)"))
        }
    }

    /// The target: the last restrictions, in an order where each step still has the
    /// privilege it needs, then execve.
    private func runTarget(view: FilesystemView?, handoff: Int32, filter: [UInt8]) -> Never {
        do {
            // Build execve's arrays now: after seccomp only read, write and execve are sure to work.
            let exec = ExecArguments(path: spec.executable, argv: spec.argv, environment: spec.environment)
            // The OOM killer should pick the target's tree, never the launcher's processes.
            try? FileIO.write("/proc/self/oom_score_adj", "1000", stage: "oom")
            // 5. rlimits before dropping privilege: lowering never needs it, and NPROC is
            //    charged to the uid we switch to next.
            try applyResourceLimits()
            // 6. Landlock while we still hold CAP_SYS_ADMIN in the user namespace, after the
            //    mounts (its rules bind to the final inodes, and a Landlocked process may not mount).
            try applyLandlock(view: view)
            // 7. no_new_privs: seccomp needs it without CAP_SYS_ADMIN, and it keeps setuid
            //    binaries under /usr from regaining privilege.
            try check("no_new_privs", "prctl(PR_SET_NO_NEW_PRIVS)", probe_prctl(PROBE_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
            reporter.layer(.noNewPrivs, applied: true)
            //    Then the unprivileged uid, after everything that needed capabilities.
            try dropPrivileges()
            // The result channel gets its agreed number (the filter's memfd, already read, was
            // there); dup2 leaves the copy without close-on-exec, so the target inherits it.
            if spec.channelFD >= 0 {
                try check("channel", "dup2 the result channel", dup2(spec.channelFD, LaunchSpec.targetChannelFD))
            }
            // 8. seccomp last: every step above uses syscalls the profiles forbid.
            try loadSeccomp(filter: filter, handoff: handoff)
            exec.run(reporter: reporter)
        } catch let error as LaunchError {
            reporter.fail(error)
        } catch {
            reporter.fail(LaunchError("launcher", "\(error)"))
        }
    }
}
