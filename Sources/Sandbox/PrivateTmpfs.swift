import CProbeShims
import Glibc

/// A tmpfs over one of `probe`'s own folders, in a mount namespace of its own, for the
/// folders sandboxed runs write into when `probe` lays them out itself: submissions under
/// test, hidden suites, services' data.
///
/// A `--workdir` on a disk caps only each file (`RLIMIT_FSIZE`), so code that writes many
/// files could fill the disk. On this tmpfs every page the sandbox writes is charged to its
/// run's memory cgroup, so those writes end in `memory-limit` instead; the tmpfs's own size
/// bounds all runs together; and the whole tmpfs is gone when `probe` exits, however it
/// exits (a SIGKILL leaves only the empty folder it covered).
///
/// The namespace belongs to the calling thread, and only threads created after it inherit
/// it, so it is made only while `probe` runs a single thread.
public enum PrivateTmpfs {
    /// The tmpfs's size cap, a share of physical memory; each run's memory limit is smaller.
    static let size = "50%"

    /// Covers the empty folder `path` with a private tmpfs when `probe` runs as root, and
    /// returns true. Returns false, leaving the folder as it is, when `probe` is not root:
    /// it cannot mount, and the runs' writes are then capped per file only. As root, a tmpfs
    /// that cannot be made is an error: grading fails closed, like a missing sandbox layer.
    public static func cover(_ path: String) throws -> Bool {
        guard geteuid() == 0 else { return false }
        func refuse(_ problem: String) -> SandboxError {
            SandboxError(.layerUnavailable, "cannot keep the runs in \(path) on a private tmpfs: \(problem). As root, Probe keeps them on one, so that what a submission writes counts against its memory limit and can never fill a disk")
        }
        let threads = threadCount()
        guard threads == 1 else {
            throw refuse(threads == 0 ? "/proc/self/task cannot be read to count probe's threads"
                                      : "probe already runs \(threads) threads, and a new mount namespace would hold only one of them")
        }
        guard probe_unshare(PROBE_CLONE_NEWNS) == 0 else { throw refuse("unshare(CLONE_NEWNS): \(errnoText(errno))") }
        // Nothing mounted from here on may propagate to the host's mount table; the host's
        // new mounts still reach this namespace.
        guard probe_mount(nil, "/", nil, PROBE_MS_REC | PROBE_MS_SLAVE, nil) == 0 else { throw refuse("make / a slave mount: \(errnoText(errno))") }
        guard probe_mount("probe", path, "tmpfs", PROBE_MS_NOSUID | PROBE_MS_NODEV, "size=\(size),mode=0755") == 0 else {
            throw refuse("mount a tmpfs: \(errnoText(errno))")
        }
        return true
    }

    /// Drops the tmpfs on `path` and everything in it at once, then removes the folder.
    public static func remove(_ path: String) {
        _ = probe_umount2(path, PROBE_MNT_DETACH)
        _ = rmdir(path)
    }

    /// The threads of this process: the entries of /proc/self/task.
    static func threadCount() -> Int {
        guard let dir = opendir("/proc/self/task") else { return 0 }
        defer { closedir(dir) }
        var count = 0
        while let entry = readdir(dir) {
            if entry.pointee.d_name.0 != CChar(UInt8(ascii: ".")) { count += 1 }
        }
        return count
    }
}
