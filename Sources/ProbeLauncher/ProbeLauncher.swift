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
///     launcher  (host namespaces)  joins the cgroups, writes the id maps, supervises seccomp
///      └ init   (new namespaces, pid 1)  builds the filesystem, reaps, reports the target's status
///         └ target                       limits, Landlock, no_new_privs, uid, seccomp, execve
///
/// Every failure before execve is reported on the report descriptor as a `setup-error`
/// record, which the target can never write to. The spec, a ``LaunchSpec``, arrives on the
/// lifeline: `probe` starts the launcher first and prepares the host side while it starts.
@main
enum ProbeLauncher {
    static func main() {
        let spec: LaunchSpec
        do {
            guard let arguments = try FileIO.readMessage(LaunchSpec.lifelineFD) else {
                // The orchestrator gave up before sending a spec (its preparation failed).
                exit(ExitCode.setupFailed)
            }
            spec = try LaunchSpec(arguments: arguments)
        } catch {
            // No report descriptor is known yet. Only a launcher run by hand, with no lifeline,
            // gets here: `probe` always sends a spec that parses.
            let message = "probe-launcher: \(error). This program is started by `probe run`, not by hand.\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            exit(ExitCode.setupFailed)
        }
        let reporter = Reporter(fd: spec.reportFD)
        do {
            try Launcher(spec: spec, reporter: reporter).launch()
        } catch let error as LaunchError {
            reporter.fail(error)
        } catch {
            reporter.fail(LaunchError("launcher", "\(error)"))
        }
    }
}

/// The launcher's state, shared by the steps in the `Launcher+*.swift` files.
struct Launcher {
    let spec: LaunchSpec
    let reporter: Reporter

    func launch() throws {
        // Nothing but the descriptors named in the spec may reach the target; mark every other
        // one close-on-exec before any fork so no process below can leak it.
        let named = [spec.seccompFD, spec.reportFD, LaunchSpec.lifelineFD, spec.channelFD].filter { $0 >= 0 }
        _ = probe_close_range(UInt32(named.max()!) + 1, ~0, UInt32(PROBE_CLOSE_RANGE_CLOEXEC))
        for fd in named { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        // The compiled filter is read once, here, so the target only has to load it.
        let filter = try FileIO.readAll(spec.seccompFD, stage: "seccomp")
        guard !filter.isEmpty, filter.count % 8 == 0 else {
            throw LaunchError("seccomp", "the compiled filter on fd \(spec.seccompFD) is empty or truncated")
        }

        // 1. cgroups first: every process created from here on is charged to them, so memory,
        //    pids and CPU are measured for the whole tree, not just one process.
        try joinCgroups()

        // The handoff socket carries the target's seccomp listener to this process. Its other
        // end is close-on-exec and, once init has forked, held by the target alone.
        var handoff: [Int32] = [0, 0]
        try check("seccomp", "socketpair", socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &handoff))

        // 2. Init, in new namespaces. It waits on the sync pipe until its id maps exist.
        let sync = try SyncPipe()
        let parent = getpid()
        let (child, namespaced) = try startInit()
        if child == 0 {
            close(handoff[0])
            runInit(parent: parent, namespaced: namespaced, sync: sync, handoff: handoff[1], filter: filter)
        }
        close(handoff[1])
        // Only the target writes to the channel; its end-of-file must come when the target's
        // tree is gone, so no launcher process keeps a copy longer than it must.
        if spec.channelFD >= 0 { close(spec.channelFD) }
        do {
            if namespaced { try writeIDMaps(initPID: child) }
        } catch {
            kill(child, SIGKILL)
            throw error
        }
        sync.signalMapped()
        var supervisor = Supervisor(spec: spec, reporter: reporter, child: child, handoff: handoff[0])
        supervisor.run()
    }

    /// pid 1 of the new pid namespace: builds the filesystem, starts the target, reaps.
    private func runInit(parent: pid_t, namespaced: Bool, sync: SyncPipe, handoff: Int32, filter: [UInt8]) -> Never {
        do {
            try dieWithParent(parent)
            try sync.waitForMaps()
            var view: FilesystemView? = nil
            if namespaced {
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
                runTarget(view: view, handoff: handoff, filter: filter)
            }
            close(handoff)
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
            // 2. rlimits before dropping privilege: lowering never needs it, and NPROC is
            //    charged to the uid we switch to next.
            try applyResourceLimits()
            // 3. Landlock while we still hold CAP_SYS_ADMIN in the user namespace, after the
            //    mounts (its rules bind to the final inodes, and a Landlocked process may not mount).
            try applyLandlock(view: view)
            // 4. no_new_privs: seccomp needs it without CAP_SYS_ADMIN, and it keeps setuid
            //    binaries under /usr from regaining privilege.
            try check("no_new_privs", "prctl(PR_SET_NO_NEW_PRIVS)", probe_prctl(PROBE_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
            reporter.layer(.noNewPrivs, applied: true)
            // 5. The unprivileged uid, after everything that needed capabilities.
            try dropPrivileges()
            // The result channel gets its agreed number (the filter's memfd, already read, was
            // there); dup2 leaves the copy without close-on-exec, so the target inherits it.
            if spec.channelFD >= 0 {
                try check("channel", "dup2 the result channel", dup2(spec.channelFD, LaunchSpec.targetChannelFD))
            }
            // 6. seccomp last: every step above uses syscalls the profiles forbid.
            try loadSeccomp(filter: filter, handoff: handoff)
            exec.run(reporter: reporter)
        } catch let error as LaunchError {
            reporter.fail(error)
        } catch {
            reporter.fail(LaunchError("launcher", "\(error)"))
        }
    }

    /// PR_SET_PDEATHSIG, then a check that the parent did not die before it took effect.
    /// Seen from a new pid namespace the parent is outside it, and getppid() is 0.
    private func dieWithParent(_ parent: pid_t) throws {
        try check("pdeathsig", "prctl(PR_SET_PDEATHSIG)", probe_prctl(PROBE_PR_SET_PDEATHSIG, UInt(SIGKILL), 0, 0, 0))
        let seen = getppid()
        if seen != parent && seen != 0 { _exit(ExitCode.setupFailed) }
    }
}
