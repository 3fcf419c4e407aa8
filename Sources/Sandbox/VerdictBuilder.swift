import Glibc
import SandboxSpec

/// Turns what one run produced into a ``Verdict``. The status is chosen in a fixed order,
/// most specific cause first: the sandbox's own failure, then each limit, then a blocked
/// syscall, then how the target ended.
struct VerdictBuilder {
    let configuration: SandboxConfiguration
    let prepared: PreparedRun
    let records: [ReportRecord]
    let usage: RunCgroup.Usage
    let killReason: Execution.KillReason?
    let launcherStatus: Int32
    let wallMS: UInt64
    let timing: Verdict.Timing
    let output: OutputCapture

    func build() -> Verdict {
        var layers = LayerStates()
        var missing = prepared.missingLayers
        var setupError: Verdict.SetupFailure?
        var exitStatus: Int32?
        var reaped: (user: UInt64, system: UInt64, rss: UInt64)?
        var blocked: [BlockedSyscall] = []
        for record in records {
            switch record {
            case .layer(let layer, let applied, let reason):
                layers[layer] = applied
                if !applied { missing[layer] = reason }
            case .setupError(let stage, let message):
                if setupError == nil { setupError = .init(stage: stage, message: message) }
            case .blocked(let arch, let number, let args):
                let call = BlockedSyscall(arch: arch, number: number, args: args)
                if !blocked.contains(call) { blocked.append(call) }
            case .exit(let status):
                exitStatus = status
            case .usage(let user, let system, let rss):
                reaped = (user, system, rss)
            }
        }
        layers[.cgroupMemory] = prepared.cgroup.limitsMemory
        layers[.cgroupPids] = prepared.cgroup.limitsPids

        let exited = exitStatus.map { $0 & 0x7f == 0 } ?? false
        var exitCode = exitStatus.flatMap { exited ? ($0 >> 8) & 0xff : nil }
        var signal = exitStatus.flatMap { exited ? nil : $0 & 0x7f }
        if exitStatus == nil && killReason != nil {
            // We killed the sandbox before the target ended.
            exitCode = nil
            signal = SIGKILL
        }
        let cpuUser = usage.userMicros ?? reaped?.user ?? 0
        let cpuSystem = usage.systemMicros ?? reaped?.system ?? 0
        let peakKiB = usage.peakBytes.map { $0 / 1024 } ?? reaped?.rss ?? 0
        let cpuLimitMicros = UInt64(configuration.cpuTimeSeconds * 1_000_000)

        let (status, reason) = classify(setupError: setupError, exitStatus: exitStatus, exitCode: exitCode, signal: signal,
                                        cpuMicros: cpuUser + cpuSystem, cpuLimitMicros: cpuLimitMicros, blocked: blocked)
        return Verdict(
            status: status, reason: reason, exitCode: exitCode, signal: signal,
            cpuUserMS: cpuUser / 1000, cpuSysMS: cpuSystem / 1000, wallMS: wallMS, peakMemoryKiB: peakKiB,
            blockedSyscalls: blocked, layers: layers, missingLayers: missing, setupError: setupError,
            stdout: output.text(stderr: false), stderr: output.text(stderr: true),
            stdoutTruncated: output.stdoutTruncated, stderrTruncated: output.stderrTruncated,
            accountingIsWholeTree: usage.userMicros != nil && usage.peakBytes != nil, timing: timing)
    }

    private func classify(setupError: Verdict.SetupFailure?, exitStatus: Int32?, exitCode: Int32?, signal: Int32?,
                          cpuMicros: UInt64, cpuLimitMicros: UInt64, blocked: [BlockedSyscall]) -> (Verdict.Status, String) {
        let c = configuration
        if let setupError {
            return (.setupError, "the sandbox could not be built: \(setupError.stage): \(setupError.message)")
        }
        if exitStatus == nil && killReason == nil {
            return (.setupError, "the launcher ended (wait status \(launcherStatus)) without reporting the target's exit")
        }
        if usage.oomKills > 0 {
            return (.memoryLimit, "the cgroup's OOM killer killed \(usage.oomKills) process(es) at the \(c.memoryMiB) MiB limit")
        }
        if killReason == .output {
            return (.outputLimit, "stdout and stderr together passed the \(c.outputLimitKiB) KiB limit")
        }
        if signal == SIGXFSZ {
            return (.outputLimit, "a file reached the \(c.fileSizeMiB) MiB file-size limit (SIGXFSZ)")
        }
        if killReason == .cpuTime || signal == SIGXCPU || (signal == SIGKILL && cpuMicros >= cpuLimitMicros) {
            return (.cpuTimeLimit, "the process tree used \(cpuMicros / 1000) ms of CPU; the limit is \(c.cpuTimeSeconds) s")
        }
        if killReason == .wallTime {
            return (.wallTimeLimit, "still running after the \(c.wallTimeSeconds) s wall-time limit; the whole tree was killed")
        }
        if killReason == .stopped {
            return (.signaled, "stopped by probe when it no longer needed the target; the whole tree was killed")
        }
        if case .interrupted(let number) = killReason {
            return (.signaled, "probe received signal \(number) and killed the sandbox")
        }
        if !blocked.isEmpty {
            return (.blockedSyscall, "the profile refused " + blocked.prefix(5).map(\.call).joined(separator: ", "))
        }
        if let signal {
            return (.signaled, "the target was killed by signal \(signal)")
        }
        if let exitCode, exitCode != 0 {
            return (.runtimeError, "the target exited with status \(exitCode)")
        }
        return (.ok, "the target exited with status 0")
    }
}
