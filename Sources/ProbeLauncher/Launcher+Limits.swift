import CProbeShims
import Glibc
import SandboxSpec

extension Launcher {
    func applyResourceLimits() throws {
        for limit in spec.limits {
            let resource: Int32 = switch limit.resource {
            case .cpu: PROBE_RLIMIT_CPU
            case .fsize: PROBE_RLIMIT_FSIZE
            case .core: PROBE_RLIMIT_CORE
            case .nproc: PROBE_RLIMIT_NPROC
            case .nofile: PROBE_RLIMIT_NOFILE
            case .addressSpace: PROBE_RLIMIT_AS
            }
            try check("rlimits", "setrlimit(\(limit.argument))", probe_setrlimit(resource, limit.soft, limit.hard))
        }
        reporter.layer(.rlimits, applied: true, spec.limits.map(\.argument).joined(by: " "))
    }
}
