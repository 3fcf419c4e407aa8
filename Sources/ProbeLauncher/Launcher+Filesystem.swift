import CProbeShims
import Glibc
import SandboxSpec

/// What the target can see, for Landlock to grant access to.
struct FilesystemView {
    var readOnly: [String]
    var readWrite: [String]
    var devices: [String]
}

extension Launcher {
    private static let devices = ["null", "zero", "full", "random", "urandom"]

    /// Builds the target's root: a read-only tmpfs holding bind mounts of exactly what the
    /// spec names, a size-capped `/tmp`, the work dir (bound from the host, or a private
    /// size-capped tmpfs), a minimal `/dev`, a fresh `/proc` and a small `/etc`.
    ///
    /// The old root stays reachable at `/oldroot` until the end (the bubblewrap trick), so
    /// sources under the host's `/tmp` can still be bound after `/tmp` is covered.
    func buildFilesystem() throws -> FilesystemView {
        let stage = "mount_ns"
        // Nothing we mount may propagate back to the host.
        try check(stage, "make / private", probe_mount(nil, "/", nil, PROBE_MS_REC | PROBE_MS_PRIVATE, nil))
        try check(stage, "mount staging tmpfs", probe_mount("tmpfs", "/tmp", "tmpfs", PROBE_MS_NOSUID | PROBE_MS_NODEV, "size=1m,mode=0755"))
        try check(stage, "mkdir", mkdir("/tmp/newroot", 0o755))
        try check(stage, "mkdir", mkdir("/tmp/oldroot", 0o755))
        try check(stage, "pivot_root to staging", probe_pivot_root("/tmp", "/tmp/oldroot"))
        try check(stage, "chdir /", chdir("/"))
        try check(stage, "mount root tmpfs", probe_mount("tmpfs", "/newroot", "tmpfs", PROBE_MS_NOSUID | PROBE_MS_NODEV, "size=4m,mode=0755"))

        var view = FilesystemView(readOnly: ["/usr", "/etc"], readWrite: ["/tmp", spec.workdir], devices: [])
        try mirrorTopLevel(into: &view)
        try bind("/usr", readOnly: true)
        try populateEtc()

        // /tmp before the binds: a --ro or --rw path may live under /tmp.
        try FileIO.mkdirs("/newroot/tmp", stage: stage)
        try check(stage, "mount /tmp", probe_mount("tmpfs", "/newroot/tmp", "tmpfs", PROBE_MS_NOSUID | PROBE_MS_NODEV, "size=\(spec.tmpSize),mode=1777"))

        // A private work dir is a tmpfs of its own: what the target writes there is capped by
        // its size and charged to the run's memory cgroup, never to a host disk, and it
        // vanishes with the mount namespace however the run ends.
        if spec.workSize > 0 {
            try FileIO.mkdirs("/newroot" + spec.workdir, stage: stage)
            try check(stage, "mount the work dir", probe_mount("tmpfs", "/newroot" + spec.workdir, "tmpfs", PROBE_MS_NOSUID | PROBE_MS_NODEV,
                                                               "size=\(spec.workSize),mode=0755,uid=\(spec.sandboxUID),gid=\(spec.sandboxGID)"))
        }

        // Parents before children, so a bind inside another bind lands on the right mount.
        let hostWorkdir = spec.workSize > 0 ? [] : [spec.workdir]
        let paths = (spec.readOnlyPaths + spec.readWritePaths + hostWorkdir).uniqued()
            .sorted { $0.split(separator: "/").count < $1.split(separator: "/").count }
        for path in paths {
            try bind(path, readOnly: spec.readOnlyPaths.contains(path))
        }
        view.readOnly += spec.readOnlyPaths
        view.readWrite += spec.readWritePaths

        try buildDev()
        view.devices = Self.devices.map { "/dev/" + $0 }
        try FileIO.mkdirs("/newroot/proc", stage: stage)
        try check(stage, "mount /proc", probe_mount("proc", "/newroot/proc", "proc", PROBE_MS_NOSUID | PROBE_MS_NODEV | PROBE_MS_NOEXEC, nil))
        view.readOnly.append("/proc")

        // Seal the skeleton, drop the old root, and make /newroot the root.
        try check(stage, "remount / read-only", probe_mount(nil, "/newroot", nil, PROBE_MS_REMOUNT | PROBE_MS_BIND | PROBE_MS_RDONLY | PROBE_MS_NOSUID | PROBE_MS_NODEV, nil))
        try check(stage, "detach old root", probe_umount2("/oldroot", PROBE_MNT_DETACH))
        try check(stage, "chdir /newroot", chdir("/newroot"))
        try check(stage, "pivot_root", probe_pivot_root(".", "."))
        try check(stage, "detach staging", probe_umount2(".", PROBE_MNT_DETACH))
        try check(stage, "chdir /", chdir("/"))
        try check("workdir", "chdir \(spec.workdir)", chdir(spec.workdir))
        return view
    }

    /// Recreates the host's top-level links (`/lib -> usr/lib` on merged-/usr systems) and
    /// binds the top-level library directories that are real directories.
    private func mirrorTopLevel(into view: inout FilesystemView) throws {
        for name in ["bin", "sbin", "lib", "lib32", "lib64", "libx32"] {
            var info = stat()
            guard lstat("/oldroot/" + name, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFLNK {
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
                let n = readlink("/oldroot/" + name, &buffer, buffer.count - 1)
                try check("mount_ns", "readlink /\(name)", Int32(n < 0 ? -1 : 0))
                let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                try check("mount_ns", "symlink /\(name)", symlink(target, "/newroot/" + name))
            } else if info.st_mode & S_IFMT == S_IFDIR {
                try bind("/" + name, readOnly: true)
                view.readOnly.append("/" + name)
            }
        }
    }

    /// A minimal /etc: the dynamic loader's cache, the time zone, and user and host names
    /// for the sandbox's own uid (pytest's tmp_path looks the user up).
    private func populateEtc() throws {
        let stage = "mount_ns"
        try check(stage, "mkdir /etc", mkdir("/newroot/etc", 0o755))
        try FileIO.write("/newroot/etc/passwd", "root:x:0:0:root:/:/usr/sbin/nologin\nsandbox:x:\(spec.sandboxUID):\(spec.sandboxGID):sandbox:/tmp:/usr/sbin/nologin\n", stage: stage)
        try FileIO.write("/newroot/etc/group", "root:x:0:\nsandbox:x:\(spec.sandboxGID):\n", stage: stage)
        try FileIO.write("/newroot/etc/hosts", "127.0.0.1 localhost \(spec.hostname)\n::1 localhost\n", stage: stage)
        try FileIO.write("/newroot/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files\n", stage: stage)
        if access("/oldroot/etc/ld.so.cache", R_OK) == 0 {
            try FileIO.write("/newroot/etc/ld.so.cache", "", stage: stage)
            try bindMount(from: "/oldroot/etc/ld.so.cache", to: "/newroot/etc/ld.so.cache", readOnly: true)
        }
    }

    /// /dev holds only harmless character devices, bound from the host because a user
    /// namespace may not mknod. /dev/shm points at the size-capped /tmp.
    private func buildDev() throws {
        let stage = "mount_ns"
        try check(stage, "mkdir /dev", mkdir("/newroot/dev", 0o755))
        try check(stage, "mount /dev", probe_mount("tmpfs", "/newroot/dev", "tmpfs", PROBE_MS_NOSUID | PROBE_MS_NOEXEC, "size=64k,mode=0755"))
        for device in Self.devices {
            try FileIO.write("/newroot/dev/" + device, "", stage: stage)
            try bindMount(from: "/oldroot/dev/" + device, to: "/newroot/dev/" + device, readOnly: false, allowDevices: true)
        }
        let links = [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                     ("stderr", "/proc/self/fd/2"), ("shm", "/tmp")]
        for (name, target) in links {
            try check(stage, "symlink /dev/\(name)", symlink(target, "/newroot/dev/" + name))
        }
        try check(stage, "remount /dev read-only", probe_mount(nil, "/newroot/dev", nil, PROBE_MS_REMOUNT | PROBE_MS_BIND | PROBE_MS_RDONLY | PROBE_MS_NOSUID | PROBE_MS_NOEXEC, nil))
    }

    /// Binds a host path at the same path inside, creating the mount point.
    private func bind(_ path: String, readOnly: Bool) throws {
        var info = stat()
        guard stat("/oldroot" + path, &info) == 0 else {
            throw LaunchError.errno("mount_ns", "\(readOnly ? "--ro" : "--rw") \(path)")
        }
        let target = "/newroot" + path
        if info.st_mode & S_IFMT == S_IFDIR {
            try FileIO.mkdirs(target, stage: "mount_ns")
        } else {
            try FileIO.mkdirs(String(target[..<(target.lastIndex(of: "/") ?? target.endIndex)]), stage: "mount_ns")
            if access(target, F_OK) != 0 { try FileIO.write(target, "", stage: "mount_ns") }
        }
        try bindMount(from: "/oldroot" + path, to: target, readOnly: readOnly)
    }

    /// A non-recursive bind (submounts are not exposed), then a remount that adds nosuid,
    /// nodev and read-only while keeping the flags the kernel locks for a user namespace.
    private func bindMount(from source: String, to target: String, readOnly: Bool, allowDevices: Bool = false) throws {
        let stage = "mount_ns"
        try check(stage, "bind \(source.dropFirst(8))", probe_mount(source, target, nil, PROBE_MS_BIND, nil))
        var fs = statvfs()
        try check(stage, "statvfs \(source.dropFirst(8))", statvfs(source, &fs))
        var flags = PROBE_MS_REMOUNT | PROBE_MS_BIND | PROBE_MS_NOSUID
        if readOnly { flags |= PROBE_MS_RDONLY }
        if !allowDevices { flags |= PROBE_MS_NODEV }
        let locked: [(UInt, UInt)] = [(1, PROBE_MS_RDONLY), (4, PROBE_MS_NODEV), (8, PROBE_MS_NOEXEC), (1024, PROBE_MS_NOATIME),
                                      (2048, PROBE_MS_NODIRATIME), (4096, PROBE_MS_RELATIME)]
        for (statFlag, mountFlag) in locked where fs.f_flag & statFlag != 0 { flags |= mountFlag }
        try check(stage, "remount \(source.dropFirst(8))", probe_mount(nil, target, nil, flags, nil))
    }
}
