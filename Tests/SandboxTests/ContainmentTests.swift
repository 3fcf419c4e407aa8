import Foundation
import Glibc
import ProbeTestSupport
import Testing

/// Nothing started in the sandbox outlives it: not a setsid double fork, not a kill of probe.
@Suite(.serialized) struct ContainmentTests {
    /// Waits up to `seconds` for no host process to carry `marker`.
    private func gone(_ marker: String, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if ProbeProcess.hostProcesses(containing: marker).isEmpty { return true }
            usleep(20_000)
        }
        return ProbeProcess.hostProcesses(containing: marker).isEmpty
    }

    @Test func setsidDoubleForkDoesNotSurvive() throws {
        let marker = "probe-marker-\(UUID().uuidString)"
        let outcome = try ProbeProcess.runHostile("double_fork", arguments: [marker])
        #expect(outcome.status == "ok")
        #expect(outcome.stdout == "parent done\n")
        // probe returns only after the pid namespace is gone, so there is nothing to wait for.
        #expect(ProbeProcess.hostProcesses(containing: marker).isEmpty)
    }

    @Test(arguments: [SIGKILL, SIGINT, SIGTERM])
    func killingProbeKillsTheWholeTree(signal: Int32) throws {
        let marker = "probe-marker-\(UUID().uuidString)"
        let script = ProbeProcess.hostile("sleeper_with_marker")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProbeProcess.probe)
        process.arguments = ["run", "--json", "--wall-time", "60", "--ro", script, "--", ProbeProcess.python, "-I", script, marker]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // probe and the launcher carry the marker in their argv too; wait for the sandboxed
        // grandchild sleeper, which runs in a session of its own.
        let sleeper = "time.sleep(600)\0" + marker
        let deadline = Date().addingTimeInterval(10)
        while ProbeProcess.hostProcesses(containing: sleeper).isEmpty && Date() < deadline { usleep(20_000) }
        #expect(ProbeProcess.hostProcesses(containing: sleeper).count == 1)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(gone(marker, within: 5))
        if signal != SIGKILL {
            // A caught signal still produces a verdict: the sandbox was killed on purpose.
            let data = output.fileHandleForReading.readDataToEndOfFile()
            let verdict = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect(verdict?["status"] as? String == "signaled")
            #expect((verdict?["reason"] as? String)?.contains("probe received signal \(signal)") == true)
        }
    }
}

/// Without root there are no cgroups to write: fail closed, or run degraded when asked.
@Suite(.serialized) struct DegradedModeTests {
    static let nobody: UInt32 = 65534

    @Test func missingCgroupsFailClosed() throws {
        let (code, out, _) = try ProbeProcess.execute([ProbeProcess.probe, "run", "--json", "--", "/bin/sh", "-c", "echo hi"], asUser: Self.nobody)
        #expect(code == 125)
        let verdict = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        #expect(verdict?["status"] as? String == "setup-error")
        #expect((verdict?["reason"] as? String)?.hasPrefix("cgroup_memory: cannot create /sys/fs/cgroup/") == true)
        #expect(verdict?["stdout"] as? String == "")
    }

    @Test func allowDegradedRunsAndReportsWhatIsMissing() throws {
        let (code, out, _) = try ProbeProcess.execute(
            [ProbeProcess.probe, "run", "--json", "--allow-degraded", "--", "/bin/sh", "-c", "echo hi; id -u"], asUser: Self.nobody)
        #expect(code == 0)
        let verdict = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        #expect(verdict?["status"] as? String == "ok")
        #expect(verdict?["stdout"] as? String == "hi\n0\n")
        let layers = verdict?["layers"] as? [String: Bool] ?? [:]
        #expect(layers["cgroup_memory"] == false && layers["cgroup_pids"] == false)
        for layer in ["user_ns", "pid_ns", "net_ns", "mount_ns", "landlock", "seccomp", "no_new_privs", "unprivileged_uid"] {
            #expect(layers[layer] == true, "\(layer)")
        }
        let missing = verdict?["missing_layers"] as? [String: String] ?? [:]
        #expect(missing["cgroup_memory"]?.contains("Permission denied") == true)
        #expect(verdict?["accounting"] as? String == "rusage")
    }
}

/// Where no namespace can be made, the private work dir cannot exist: a setup error that
/// says so, never a host folder named /box written without a cap.
@Suite struct NoNamespaceTests {
    @Test func withoutAMountNamespaceThePrivateWorkDirIsASetupError() throws {
        // A user namespace whose own limit on nested user namespaces is 0.
        let script = "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$0\" run --json --allow-degraded -- /bin/true"
        let (code, out, _) = try ProbeProcess.execute(["/usr/bin/unshare", "--user", "--map-root-user", "/bin/sh", "-c", script, ProbeProcess.probe])
        #expect(code == 125)
        let verdict = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        #expect(verdict?["status"] as? String == "setup-error")
        #expect((verdict?["reason"] as? String)?.hasSuffix("workdir: the private work dir /box needs a mount namespace, and none could be made; pass --workdir DIR") == true)
        #expect((verdict?["layers"] as? [String: Bool])?["mount_ns"] == false)
    }
}

/// The contract of the command line itself.
@Suite struct RunCommandTests {
    @Test func unknownProfileIsAClearUsageError() throws {
        let (code, _, err) = try ProbeProcess.execute([ProbeProcess.probe, "run", "--profile", "/nonexistent/p.json", "--", "/bin/true"])
        #expect(code == 64)
        #expect(err.contains("/nonexistent/p.json: cannot read the seccomp profile"))
        #expect(err.contains("Usage: probe run [<options>] -- [<command> ...]"))
    }

    @Test func missingCommandIsAUsageError() throws {
        let (code, _, err) = try ProbeProcess.execute([ProbeProcess.probe, "run"])
        #expect(code == 64)
        #expect(err.contains("expected a command after --"))
    }

    /// `probe run` is parsed on its own (the fast path in `Probe.main`); its usage errors
    /// must still name it as `probe run`, hint included, and exit 64.
    @Test func badOptionValueIsAUsageErrorNamingProbeRun() throws {
        let (code, _, err) = try ProbeProcess.execute([ProbeProcess.probe, "run", "--cpu-time", "soon", "--", "/bin/true"])
        #expect(code == 64)
        #expect(err.contains("The value 'soon' is invalid for '--cpu-time <cpu-time>'"))
        #expect(err.contains("Usage: probe run [<options>] -- [<command> ...]"))
        #expect(err.contains("See 'probe run --help' for more information."))
    }

    @Test func missingReadOnlyPathIsNamed() throws {
        let (code, _, err) = try ProbeProcess.execute([ProbeProcess.probe, "run", "--ro", "/nonexistent/dir", "--", "/bin/true"])
        #expect(code == 64)
        #expect(err.contains("--ro /nonexistent/dir: No such file or directory"))
    }

    @Test func withoutJSONProbeExitsWithTheChildsCodeAndASummary() throws {
        let (code, out, err) = try ProbeProcess.execute([ProbeProcess.probe, "run", "--", "/bin/sh", "-c", "echo out; echo err >&2; exit 7"])
        #expect(code == 7)
        #expect(out == "out\n")
        #expect(err.hasPrefix("probe: runtime-error; exit 7;"))
        #expect(err.hasSuffix("err\n"))
    }

    @Test func aSignalBecomes128PlusItsNumber() throws {
        let (code, _, _) = try ProbeProcess.execute([ProbeProcess.probe, "run", "--", "/bin/sh", "-c", "kill -TERM $$"])
        #expect(code == 128 + SIGTERM)
    }
}
