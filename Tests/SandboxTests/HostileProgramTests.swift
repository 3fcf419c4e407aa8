import Foundation
import Glibc
import ProbeTestSupport
import Testing

/// Each hostile program gets exactly one verdict, and nothing outside the sandbox changes.
@Suite(.serialized) struct HostileProgramTests {
    @Test func forkBombEndsInRuntimeErrorAtThePidsLimit() throws {
        let outcome = try ProbeProcess.runHostile("fork_bomb", ["--pids", "32"])
        #expect(outcome.status == "runtime-error")
        #expect(outcome.childStderr.contains("BlockingIOError"))
        #expect(outcome.layers["cgroup_pids"] == true)
    }

    @Test func spinningForkBombIsStoppedByTheWholeTreeCPULimit() throws {
        let outcome = try ProbeProcess.runHostile("fork_bomb_spinning", ["--pids", "32", "--cpu-time", "2", "--wall-time", "20"])
        #expect(outcome.status == "cpu-time-limit")
        #expect(outcome.signal == Int(SIGKILL))
        let cpu = (outcome.verdict["cpu_user_ms"] as? Int ?? 0) + (outcome.verdict["cpu_sys_ms"] as? Int ?? 0)
        #expect(cpu >= 2000)
        #expect(outcome.verdict["accounting"] as? String == "cgroup")
    }

    @Test func memoryBalloonIsAMemoryLimitFromTheOOMCount() throws {
        let outcome = try ProbeProcess.runHostile("memory_balloon", ["--memory", "96"])
        #expect(outcome.status == "memory-limit")
        #expect(outcome.signal == Int(SIGKILL))
        let peak = outcome.verdict["peak_memory_kib"] as? Int ?? 0
        #expect(peak > 80 * 1024 && peak <= 96 * 1024)
        #expect(outcome.layers["cgroup_memory"] == true)
    }

    @Test func cpuSpinIsACPUTimeLimit() throws {
        let outcome = try ProbeProcess.runHostile("cpu_spin", ["--cpu-time", "1", "--wall-time", "20"])
        #expect(outcome.status == "cpu-time-limit")
        #expect([Int(SIGXCPU), Int(SIGKILL)].contains(outcome.signal ?? 0))
        #expect(outcome.exitCode == 128 + Int32(outcome.signal ?? 0))
    }

    @Test func sleepingForeverIsAWallTimeLimit() throws {
        let started = Date()
        let outcome = try ProbeProcess.runHostile("sleep_forever", ["--wall-time", "1"])
        #expect(outcome.status == "wall-time-limit")
        #expect(outcome.signal == Int(SIGKILL))
        #expect(Date().timeIntervalSince(started) < 10)
        // The phases add up to the wall time, and the second of sleeping is the target's.
        let timing = outcome.verdict["timing_ms"] as? [String: Int] ?? [:]
        let wall = outcome.verdict["wall_ms"] as? Int ?? 0
        #expect((timing["target"] ?? 0) >= 900 && (timing["setup"] ?? 1000) < 500)
        #expect((timing["setup"] ?? 0) + (timing["target"] ?? 0) <= wall + 1)
    }

    @Test func outputFloodIsAnOutputLimitWithATruncationMarker() throws {
        let outcome = try ProbeProcess.runHostile("output_flood", ["--output-limit", "64"])
        #expect(outcome.status == "output-limit")
        #expect(outcome.verdict["stdout_truncated"] as? Bool == true)
        #expect(outcome.stdout.hasSuffix("[probe: output truncated at the 64 KiB limit]\n"))
        #expect(outcome.stdout.utf8.count < 64 * 1024 + 100)
    }

    @Test func fillingTmpHitsItsSizeCapAndNeverTheHost() throws {
        let marker = UUID().uuidString
        let outcome = try ProbeProcess.runHostile("fill_tmp", ["--tmp-size", "8"], arguments: [marker])
        #expect(outcome.status == "runtime-error")
        #expect(outcome.childStderr.contains("No space left on device"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/probe-fill-\(marker)"))
    }

    @Test func fillingTheWorkDirStopsAtTheFileSizeLimit() throws {
        let work = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let filler = work.appendingPathComponent("filler.bin").path
        // CPython ignores SIGXFSZ, so its write fails with EFBIG and it exits with a traceback.
        let python = try ProbeProcess.runHostile("fill_workdir", ["--workdir", work.path, "--file-size", "4"])
        #expect(python.status == "runtime-error")
        #expect(python.childStderr.contains("File too large"))
        #expect(try FileManager.default.attributesOfItem(atPath: filler)[.size] as? Int == 4 << 20)
        // A program that keeps the default action is killed by SIGXFSZ: an output limit.
        let plain = try ProbeProcess.run(["--workdir", work.path, "--file-size", "2"], ["/bin/sh", "-c", "exec cat /dev/zero > filler.bin"])
        #expect(plain.status == "output-limit")
        #expect(plain.signal == Int(SIGXFSZ))
        #expect(try FileManager.default.attributesOfItem(atPath: filler)[.size] as? Int == 2 << 20)
        // The work dir and what the sandbox wrote in it go back to their owner.
        #expect(try FileManager.default.attributesOfItem(atPath: filler)[.ownerAccountID] as? Int == Int(getuid()))
        #expect(try FileManager.default.attributesOfItem(atPath: work.path)[.ownerAccountID] as? Int == Int(getuid()))
    }

    /// Without --workdir the work dir is a private tmpfs: many files, each under the
    /// file-size limit, fill its size cap, never a host disk.
    @Test func fillingThePrivateWorkDirWithSmallFilesHitsItsSizeCap() throws {
        let outcome = try ProbeProcess.runHostile("fill_workdir_files", ["--work-size", "8", "--file-size", "4"])
        #expect(outcome.status == "runtime-error")
        #expect(outcome.stdout == "/box\n")
        #expect(outcome.childStderr.contains("No space left on device"))
    }

    /// The private work dir's pages are charged to the run's memory cgroup, so a work dir
    /// allowed to grow past the memory limit ends the run with `memory-limit`.
    @Test func fillingThePrivateWorkDirPastTheMemoryLimitIsAMemoryLimit() throws {
        let outcome = try ProbeProcess.runHostile("fill_workdir_files", ["--work-size", "512", "--memory", "64"])
        #expect(outcome.status == "memory-limit")
        #expect(outcome.signal == Int(SIGKILL))
        let peak = outcome.verdict["peak_memory_kib"] as? Int ?? 0
        #expect(peak > 48 * 1024 && peak <= 64 * 1024)
    }

    @Test func foreignSocketFamiliesAreBlockedByName() throws {
        let outcome = try ProbeProcess.runHostile("sockets")
        #expect(outcome.status == "blocked-syscall")
        #expect(outcome.report as? [String: String] == ["AF_INET": "errno 1", "AF_INET6": "errno 1", "AF_NETLINK": "errno 1", "AF_PACKET": "errno 1"])
        #expect(outcome.blockedCalls == [
            "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0)", "socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, 0)",
            "socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, 0)", "socket(AF_PACKET, SOCK_RAW|SOCK_CLOEXEC, 0)",
        ])
    }

    @Test func loopbackConnectionsNeverReachTheHost() throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        // pytest profile: the socket itself is refused.
        let blocked = try ProbeProcess.runHostile("connect_loopback", arguments: [String(listener.port)])
        #expect(blocked.status == "blocked-syscall")
        #expect(blocked.report["connect"] as? String == "errno 1")
        // service profile on a private loopback: the port is closed there.
        let isolated = try ProbeProcess.runHostile("connect_loopback", ["--profile", "service", "--network", "loopback"],
                                                   arguments: [String(listener.port)])
        #expect(isolated.status == "ok")
        #expect(isolated.report["connect"] as? String == "errno \(ECONNREFUSED)")
        #expect(listener.pendingConnections() == 0)
    }

    @Test func filesOutsideTheAllowedPathsCannotBeRead() throws {
        let secretDir = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: secretDir) }
        let secret = secretDir.appendingPathComponent("secret.txt")
        try "top secret".write(to: secret, atomically: false, encoding: .utf8)
        let outcome = try ProbeProcess.runHostile("read_outside", arguments: [secret.path, ProbeProcess.probe])
        #expect(outcome.status == "ok")
        #expect(outcome.report as? [String: String] == [
            "/etc/shadow": "errno \(ENOENT)", "/root/.bash_history": "errno \(ENOENT)",
            "/proc/1/environ": "errno \(EACCES)", secret.path: "errno \(ENOENT)", ProbeProcess.probe: "errno \(ENOENT)",
        ])
        #expect(!outcome.stdout.contains("top secret"))
    }

    @Test func writesOutsideTheWorkDirAndTmpFail() throws {
        let work = try ProbeProcess.temporaryDirectory()
        let readOnly = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work); try? FileManager.default.removeItem(at: readOnly) }
        let target = readOnly.appendingPathComponent("nope.txt").path
        let outcome = try ProbeProcess.runHostile("write_outside", ["--workdir", work.path, "--ro", readOnly.path], arguments: [target])
        #expect(outcome.status == "ok")
        let report = outcome.report as? [String: String] ?? [:]
        #expect(report["work.txt"] == "written" && report["/tmp/tmp.txt"] == "written")
        for path in ["/etc/probe-escape", "/usr/probe-escape", "/probe-escape", "/dev/probe-escape", "/proc/sys/kernel/hostname", target] {
            #expect(report[path]?.hasPrefix("errno ") == true, "\(path): \(report[path] ?? "missing")")
        }
        #expect(try String(contentsOf: work.appendingPathComponent("work.txt"), encoding: .utf8) == "fine")
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(!FileManager.default.fileExists(atPath: "/etc/probe-escape"))
    }

    @Test func aPathGivenBothReadOnlyAndWritableIsReadOnly() throws {
        let work = try ProbeProcess.temporaryDirectory()
        let shared = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work); try? FileManager.default.removeItem(at: shared) }
        let target = shared.appendingPathComponent("written.txt").path
        // Each path is bound once; the read-only bind wins, in either order on the command line.
        for options in [["--ro", shared.path, "--rw", shared.path], ["--rw", shared.path, "--ro", shared.path]] {
            let outcome = try ProbeProcess.run(["--workdir", work.path] + options, ["/bin/sh", "-c", "echo x > \(target)"])
            #expect(outcome.status == "runtime-error", "\(options)")
            #expect(outcome.childStderr.contains("Read-only file system"), "\(options): \(outcome.childStderr)")
            #expect(!FileManager.default.fileExists(atPath: target))
        }
    }

    @Test func symlinksInTheWorkDirDoNotLeadOutside() throws {
        let work = try ProbeProcess.temporaryDirectory()
        let secretDir = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work); try? FileManager.default.removeItem(at: secretDir) }
        let secret = secretDir.appendingPathComponent("secret.txt")
        try "top secret".write(to: secret, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent("planted-link").path, withDestinationPath: secret.path)
        let outcome = try ProbeProcess.runHostile("symlink_escape", ["--workdir", work.path], arguments: [secret.path])
        #expect(outcome.status == "ok")
        #expect(outcome.report as? [String: String] == ["planted": "errno \(ENOENT)", "own": "errno \(ENOENT)"])
        // The planted link is still a link, owned as before, and the secret untouched.
        let attributes = try FileManager.default.attributesOfItem(atPath: secret.path)
        #expect(attributes[.ownerAccountID] as? Int == Int(getuid()))
    }

    @Test func dangerousSyscallsThroughCtypesAreBlockedAndNamed() throws {
        let outcome = try ProbeProcess.runHostile("dangerous_syscalls")
        #expect(outcome.status == "blocked-syscall")
        let report = outcome.report as? [String: String] ?? [:]
        #expect(report.count == 7)
        #expect(report.values.allSatisfy { $0 == "errno 1" })
        #expect(Set(outcome.blockedNames) == ["ptrace", "mount", "unshare", "setns", "bpf", "keyctl", "io_uring_setup"])
        #expect(outcome.blockedCalls.contains("unshare(CLONE_NEWNS|CLONE_NEWUSER)"))
        #expect(outcome.blockedCalls.contains("ptrace(PTRACE_ATTACH, 0x1, 0x0, 0x0)"))
    }

    @Test func killingTheParentAndInitFails() throws {
        let outcome = try ProbeProcess.runHostile("kill_parent")
        #expect(outcome.status == "ok")
        #expect(outcome.report["alive"] as? Bool == true)
        #expect(outcome.report["parent"] as? String == "errno \(EPERM)")
        #expect(outcome.report["init"] as? String == "errno \(EPERM)")
    }

    @Test func nothingLeaksInFromOutside() throws {
        let outcome = try ProbeProcess.runHostile("inspect_leaks", ["--env", "GREETING=hello"],
                                                  environment: ["PROBE_TEST_SECRET": "s3cr3t"])
        #expect(outcome.status == "ok")
        let report = outcome.report
        #expect(report["environ"] as? [String: String] == ["GREETING": "hello"])
        // 0-2, plus the descriptor listdir opened on /proc/self/fd.
        #expect(report["fds"] as? [Int] == [0, 1, 2, 3])
        #expect(report["pids"] as? [Int] == [1, 2])
        #expect(report["uid"] as? Int == 65534)
        #expect(report["hostname"] as? String == "probe")
        let status = report["status"] as? [String: String] ?? [:]
        for cap in ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"] { #expect(status[cap] == "0000000000000000", "\(cap)") }
        #expect(status["NoNewPrivs"] == "1")
        #expect(status["Seccomp"] == "2")
        #expect(!outcome.stdout.contains("s3cr3t"))
        #expect(outcome.layers.values.allSatisfy { $0 }, "\(outcome.layers)")
    }
}

/// A TCP listener on the host's 127.0.0.1, on a free port.
struct LoopbackListener {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafePointer(to: &address) {
            try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                guard bind(fd, $0, size) == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
            }
        }
        var bound = sockaddr_in()
        var length = size
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = UInt16(bigEndian: bound.sin_port)
    }

    /// Connections that reached the listener (accepts every queued one).
    func pendingConnections() -> Int {
        var count = 0
        while case let client = accept(fd, nil, nil), client >= 0 {
            Glibc.close(client)
            count += 1
        }
        return count
    }

    func close() { Glibc.close(fd) }
}
