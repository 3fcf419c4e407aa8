import Glibc
import SandboxSpec

/// Writes ``ReportRecord`` lines to the report descriptor, one write(2) per record so that
/// records from the launcher's processes never interleave.
struct Reporter {
    let fd: Int32

    func send(_ record: ReportRecord) {
        let line = record.line
        _ = line.withCString { write(fd, $0, strlen($0)) }
    }

    func layer(_ layer: Layer, applied: Bool, _ reason: String = "") {
        send(.layer(layer, applied: applied, reason: reason))
    }

    /// Several layers in one write(2): each wakes the orchestrator, and these are on the
    /// critical path of the launch. Well under PIPE_BUF, so still never interleaved.
    func layers(_ layers: [Layer], applied: Bool, _ reason: String = "") {
        var lines = ""
        for layer in layers { lines += ReportRecord.layer(layer, applied: applied, reason: reason).line }
        _ = lines.withCString { write(fd, $0, strlen($0)) }
    }

    /// Reports a failed step and ends this process. Only setup steps call this, never the target.
    func fail(_ error: LaunchError) -> Never {
        send(.setupError(stage: error.stage, message: error.message))
        _exit(ExitCode.setupFailed)
    }
}

/// Exit codes of the launcher's own processes. The orchestrator reads verdicts from the report
/// descriptor, not from these; they only make a crashed launcher visible.
enum ExitCode {
    static let setupFailed: Int32 = 125
    static let execFailed: Int32 = 127
}
