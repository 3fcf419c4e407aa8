import Glibc

/// Files in a cache folder that only this user can write: compiled seccomp filters
/// (``FilterCache``) and reference measurements kept between grading runs.
///
/// A file is read only when it is a regular file (not a link) owned by this user that no one
/// else can write; anything else reads as missing, so the caller measures afresh. Writes go
/// through a temporary file and a rename, so a reader never sees half of one, and create the
/// folder and its missing parents 0700.
public enum PrivateCacheFile {
    /// `$XDG_CACHE_HOME/probe/<name>`, or `~/.cache/probe/<name>`; nil without either.
    public static func standardDirectory(_ name: String) -> String? {
        if let xdg = getenv("XDG_CACHE_HOME").map({ String(cString: $0) }), xdg.hasPrefix("/") {
            return xdg + "/probe/" + name
        }
        if let home = getenv("HOME").map({ String(cString: $0) }), home.hasPrefix("/") {
            return home + "/.cache/probe/" + name
        }
        return nil
    }

    /// The file's bytes; nil when it is missing, empty, larger than `limit`, or not safely ours.
    public static func read(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid(),
              info.st_mode & 0o022 == 0, info.st_size > 0, info.st_size < limit else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        guard bytes.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else { return nil }
        return bytes
    }

    /// Writes `bytes` to `path`, if it can: failing only costs the next reader a measurement.
    public static func write(_ bytes: [UInt8], to path: String) {
        guard let slash = path.lastIndex(of: "/"), makePrivateDirectory(String(path[..<slash])) else { return }
        let temporary = path + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if written != bytes.count || rename(temporary, path) != 0 { unlink(temporary) }
    }

    /// Creates `directory` (and missing parents) 0700; true when it exists, is ours, and no
    /// one else can write to it.
    private static func makePrivateDirectory(_ directory: String) -> Bool {
        var prefix = ""
        for part in directory.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST { return false }
        }
        var info = stat()
        return lstat(directory, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR && info.st_uid == geteuid()
            && info.st_mode & 0o022 == 0
    }
}
