#if os(Linux)
import CProbeShims
import Glibc

/// The launcher, started with posix_spawn in a session of its own (so a terminal's Ctrl-C
/// reaches `probe`, which then kills the sandbox on purpose) with exactly the descriptors it
/// needs at fixed numbers. It takes no arguments: its spec follows on the lifeline.
///
/// swift-subprocess is not used here: it marks every descriptor above 2 close-on-exec in the
/// child, and the launcher needs its seccomp, report and lifeline descriptors.
struct LauncherProcess {
    let pid: pid_t
    /// Becomes readable when the launcher exits; lets one poll(2) wait for output and exit.
    let pidfd: Int32

    /// - Parameter descriptors: (fd in this process, fd number in the launcher), 0 through N.
    static func spawn(path: String, descriptors: [(Int32, Int32)]) throws -> LauncherProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Move every source above the targets first, so one dup2 cannot clobber another's source.
        var moved: [Int32] = []
        defer { moved.forEach { close($0) } }
        for (source, target) in descriptors {
            let high = fcntl(source, F_DUPFD_CLOEXEC, 100)
            guard high >= 0 else { throw SandboxError.system("dup descriptor \(source)", errno: errno) }
            moved.append(high)
            posix_spawn_file_actions_adddup2(&actions, high, target)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(PROBE_POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = [strdup(path), nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?] = [nil]
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw SandboxError(.system, "cannot start the launcher \(path): \(errnoText(rc))") }
        let pidfd = probe_pidfd_open(pid, 0)
        guard pidfd >= 0 else {
            kill(pid, SIGKILL)
            throw SandboxError.system("pidfd_open", errno: errno)
        }
        return LauncherProcess(pid: pid, pidfd: pidfd)
    }

    /// Kills the launcher's whole process group; the pid namespace takes the rest with it.
    func killGroup() {
        kill(-pid, SIGKILL)
    }

    /// Reaps the launcher; returns its raw wait status.
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        close(pidfd)
        return status
    }
}
#endif
