import CProbeShims
import Glibc

/// Joining another network namespace, one thread at a time.
///
/// A network namespace belongs to each thread, not to the process, so an event-loop thread
/// that joins the sandbox's namespace opens every later socket there, while the rest of
/// `probe` stays on the host's network. Joining needs CAP_SYS_ADMIN over the namespace's
/// user namespace: `probe` running as root has it over the sandboxes it creates.
public enum NetworkNamespace {
    /// Moves the calling thread into the namespace at `path` (`/proc/PID/ns/net`).
    public static func join(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw LoadError(.namespace, "cannot open the network namespace \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        guard probe_setns(fd, PROBE_CLONE_NEWNET) == 0 else {
            let code = errno
            let hint = code == EPERM ? " (joining a sandbox's network needs root)" : ""
            throw LoadError(.namespace, "cannot join the network namespace \(path): \(String(cString: strerror(code)))\(hint)")
        }
    }

    /// The namespace's identity (its inode), to tell whether two processes share one.
    public static func identity(_ path: String) -> UInt64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt64(info.st_ino)
    }
}
