import Glibc

/// A --workdir and --rw trees belong to the sandbox user for the length of a run when
/// probe runs as root, and go back to their owner afterwards.
enum Ownership {
    /// Gives `path` and everything below it to `uid`. Returns the previous owner of `path`,
    /// or nil when it already belonged to `uid`.
    static func handOver(_ path: String, to uid: uid_t) throws -> (path: String, uid: uid_t, gid: gid_t)? {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw SandboxError.system("lstat \(path)", errno: errno) }
        if info.st_uid == uid { return nil }
        chownTree(path, uid: uid, gid: uid)
        return (path, info.st_uid, info.st_gid)
    }

    /// lchown on every entry, never following a link (the sandbox may have planted them),
    /// never leaving the file system it starts on.
    static func chownTree(_ path: String, uid: uid_t, gid: gid_t) {
        walk(path) { entry, _ in lchown(entry, uid, gid) }
    }

    /// Depth-first, children before their directory.
    private static func walk(_ path: String, device: dev_t? = nil, _ visit: (String, Bool) -> Void) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if let device, info.st_dev != device { return }
        let isDirectory = info.st_mode & S_IFMT == S_IFDIR
        if isDirectory, let dir = opendir(path) {
            var names: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(dir)
            for name in names { walk(path + "/" + name, device: info.st_dev, visit) }
        }
        visit(path, isDirectory)
    }
}
