import CProbeShims
import Glibc
import SandboxSpec

extension Launcher {
    /// pid 1's job: reap everything, and when the target ends, report its status, kill what
    /// it left behind (a setsid or double-forked process is still in our pid namespace) and
    /// report the CPU and memory of every process reaped.
    func reapUntilTargetExits(_ target: pid_t) -> Never {
        var status: Int32 = 0
        while true {
            let pid = waitpid(-1, &status, 0)
            if pid == target { break }
            if pid < 0 && errno != EINTR {
                reporter.fail(LaunchError.errno("init", "waitpid"))
            }
        }
        reporter.send(.exit(status: status))
        // From pid 1, kill(-1) reaches every other process in the namespace and nothing
        // outside it. Without a pid namespace (a degraded run) it would reach the whole
        // host, so there the orchestrator's cgroup sweep does this instead.
        if getpid() == 1 { kill(-1, SIGKILL) }
        var ignored: Int32 = 0
        while waitpid(-1, &ignored, 0) > 0 || errno == EINTR {}
        var usage = rusage()
        getrusage(PROBE_RUSAGE_CHILDREN, &usage)
        let micros = { (t: timeval) in UInt64(t.tv_sec) * 1_000_000 + UInt64(t.tv_usec) }
        reporter.send(.usage(userMicros: micros(usage.ru_utime), systemMicros: micros(usage.ru_stime),
                             maxRSSKiB: UInt64(usage.ru_maxrss)))
        _exit(0)
    }
}
