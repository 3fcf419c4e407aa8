import Foundation
import Glibc
import ProbeTestSupport
@testable import Sandbox
import Testing

/// The launch's failure path: the launcher starts before the host side is prepared, so a
/// preparation that fails must still end and reap the launcher it started.
struct ExecutionTests {
    /// Children of the calling thread: posix_spawn makes the launcher one.
    private func children() throws -> Set<pid_t> {
        let text = try String(contentsOfFile: "/proc/thread-self/children", encoding: .utf8)
        return Set(text.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
    }

    /// A launcher started ahead of its run, and its pid.
    private func startLauncher() throws -> (SandboxRunner, StartedLauncher, pid_t) {
        let runner = SandboxRunner(launcherPath: ProbeProcess.binaries.appendingPathComponent("probe-launcher").path,
                                   sandboxesDirectory: ProbeProcess.repository.appendingPathComponent("Sandboxes").path)
        let before = try children()
        let started = try runner.startLauncher()
        let launcher = try #require(try children().subtracting(before).first, "no launcher was started")
        return (runner, started, launcher)
    }

    @Test func aFailedPreparationReapsTheLauncherItStarted() throws {
        struct PreparationFailed: Error {}
        var configuration = SandboxConfiguration()
        configuration.command = ["/bin/true"]
        let execution = Execution(configuration: configuration,
                                  launcherPath: ProbeProcess.binaries.appendingPathComponent("probe-launcher").path,
                                  handlesInterrupts: false, preparedSince: 0)
        let before = try children()
        var started: Set<pid_t> = []
        #expect(throws: PreparationFailed.self) {
            try execution.run {
                started = try children().subtracting(before)
                throw PreparationFailed()
            }
        }
        let launcher = try #require(started.first, "no launcher was running during the preparation")
        #expect(started.count == 1)
        // Reaped: not even a zombie is left, and kill(2) would find a zombie.
        #expect(kill(launcher, 0) == -1 && errno == ESRCH)
    }

    /// The launcher clones init before it reads its lifeline; run by hand, with no lifeline on
    /// its descriptor, it must say so and exit, not block reading a pipe of its own that took
    /// the lifeline's number.
    @Test func aLauncherStartedByHandSaysSoAndExits() throws {
        let launcher = ProbeProcess.binaries.appendingPathComponent("probe-launcher").path
        let (code, _, stderr) = try ProbeProcess.execute(["/usr/bin/timeout", "20", launcher])
        #expect(code == 125)
        #expect(stderr.contains("no lifeline socket on fd 5"))
    }

    /// `probe run` starts its launcher before it reads its command line; a start that is
    /// never used must leave nothing behind: not the launcher, not the init it has cloned
    /// (which shares the launcher's process group).
    @Test func anAbandonedStartLeavesNoProcess() throws {
        let (runner, started, launcher) = try startLauncher()
        // Give the launcher time to clone its init, which then waits for a spec that never comes.
        usleep(50_000)
        started.abandon()
        #expect(kill(launcher, 0) == -1 && errno == ESRCH)
        // Init too, at once: the launcher reaps it before exiting. (Killed with its parent,
        // it would linger as an orphan until the host's init got round to reaping it.)
        #expect(kill(-launcher, 0) == -1 && errno == ESRCH, "a process of the launcher's group is left")
        // And it cannot be used after all.
        var configuration = SandboxConfiguration()
        configuration.command = ["/bin/true"]
        #expect(throws: SandboxError.self) { try runner.run(configuration, started: started) }
    }

    /// A configuration that does not validate abandons the launcher it was given.
    @Test func anInvalidRunAbandonsTheLauncherItWasGiven() throws {
        let (runner, started, launcher) = try startLauncher()
        var configuration = SandboxConfiguration()
        configuration.command = []
        #expect(throws: SandboxError.self) { try runner.run(configuration, started: started) }
        #expect(kill(launcher, 0) == -1 && errno == ESRCH)
    }

    /// The launcher answers the target's refused syscalls, work the run is charged for, so it
    /// joins the run's cgroups as well as its init does.
    @Test func theLauncherIsInTheRunsCgroups() throws {
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var directories: [String] = []
            var missing: [String]?
        }
        let seen = Seen()
        let (runner, started, _) = try startLauncher()
        var configuration = SandboxConfiguration()
        configuration.command = ["/bin/sleep", "1"]
        configuration.startObserver = { start in
            Thread.detachNewThread {
                // The launcher joins once init has its id maps; well within this.
                usleep(400_000)
                let missing = start.cgroupDirectories.filter { directory in
                    let procs = (try? String(contentsOfFile: directory + "/cgroup.procs", encoding: .utf8)) ?? ""
                    return !procs.split(separator: "\n").contains(Substring(String(start.launcherPID)))
                }
                seen.lock.withLock { (seen.directories, seen.missing) = (start.cgroupDirectories, missing) }
            }
        }
        let verdict = try runner.run(configuration, started: started)
        #expect(verdict.status == .ok)
        let (directories, missing) = seen.lock.withLock { (seen.directories, seen.missing) }
        #expect(!directories.isEmpty, "the run had no cgroups to check")
        #expect(missing == [], "the launcher is not in \(missing ?? directories)")
    }
}
