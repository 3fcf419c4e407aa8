import Foundation

/// The few file operations the task bank needs, on plain paths.
public enum FileTree {
    /// Folders and files that tools leave behind and that are never part of a task or bundle.
    static func isNoise(_ name: String) -> Bool {
        name == "__pycache__" || name == ".pytest_cache" || name == ".mypy_cache" || name == ".ruff_cache"
            || name.hasSuffix(".pyc") || name == ".DS_Store"
    }

    /// Regular files under `root`, as sorted relative paths, and anything that is neither a
    /// file nor a folder (symlinks, devices, sockets), which callers refuse.
    public static func files(under root: String) throws -> (files: [String], others: [String]) {
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw TaskError(.io, file: root, "cannot list this folder")
        }
        var files: [String] = [], others: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let type = fileType(root + "/" + relative)
            if isNoise(name) {
                if type == S_IFDIR { walker.skipDescendants() }
                continue
            }
            switch type {
            case S_IFREG: files.append(relative)
            case S_IFDIR: continue
            default: others.append(relative)
            }
        }
        return (files.sorted(), others.sorted())
    }

    /// SHA-256 over the sorted list of (relative path, content SHA-256) of every regular file
    /// under `root`; a symlink or special file counts by its path alone.
    public static func digest(of root: String) throws -> String {
        let (files, others) = try files(under: root)
        var listing = ""
        for file in files {
            listing += file + "\t" + ContentDigest.sha256(try read(root + "/" + file)) + "\n"
        }
        for other in others { listing += other + "\t-\n" }
        return ContentDigest.sha256(Array(listing.utf8))
    }

    public static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    public static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// Lines in `data` as an editor numbers them: a final newline ends the last line, it does
    /// not start another.
    public static func lineCount(_ data: Data) -> Int {
        let newlines = data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        return newlines + (data.isEmpty || data.last == UInt8(ascii: "\n") ? 0 : 1)
    }

    public static func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TaskError(.io, file: path, "cannot read this file")
        }
        return data
    }

    /// Copies every file under `source` into `destination`, replacing files already there:
    /// an overlay. Folders are created as needed.
    public static func overlay(_ source: String, onto destination: String) throws {
        for relative in try files(under: source).files {
            try copyFile(source + "/" + relative, to: destination + "/" + relative)
        }
    }

    /// Copies one file, replacing `target` and creating its folders. The copy keeps the
    /// permission bits and the modification time, nothing else.
    ///
    /// Plain POSIX calls: FileManager's copyItem and its directory enumerator's attributes
    /// look up the owner's and group's names (a full read of /etc/passwd and /etc/group) and
    /// the extended attributes of every file, which was most of a grade's set-up time.
    public static func copyFile(_ source: String, to target: String) throws {
        func failure(_ what: String) -> TaskError {
            TaskError(.io, file: target, "cannot copy \(source) here: \(what): \(String(cString: strerror(errno)))")
        }
        do {
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw TaskError(.io, file: target, "cannot create its folder: \(error.localizedDescription)")
        }
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw failure("open") }
        defer { close(input) }
        var info = stat()
        guard fstat(input, &info) == 0 else { throw failure("stat") }
        if unlink(target) != 0 && errno != ENOENT { throw failure("replace") }
        let output = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, info.st_mode & 0o777)
        guard output >= 0 else { throw failure("create") }
        defer { close(output) }
        var remaining = Int(info.st_size)
        while remaining > 0 {
            let sent = sendfile(output, input, nil, remaining)
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { throw failure("write") }
            remaining -= sent
        }
        let times = [timespec(tv_sec: info.st_atim.tv_sec, tv_nsec: info.st_atim.tv_nsec), info.st_mtim]
        guard fchmod(output, info.st_mode & 0o777) == 0, futimens(output, times) == 0 else { throw failure("set its mode") }
    }

    /// `S_IFREG`, `S_IFDIR`, … of `path` itself (links are not followed); 0 when it is gone.
    public static func fileType(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
    }

    /// Whether two files hold the same text once line ends and trailing whitespace are
    /// normalised: an overlay that differs only so changes nothing.
    static func sameText(_ a: String, _ b: String) -> Bool {
        guard let left = try? read(a), let right = try? read(b) else { return false }
        return ContentDigest.normalized(left) == ContentDigest.normalized(right)
    }

    /// Creates a fresh folder (mode 0755, so the sandbox user can enter it) with a unique name
    /// under `parent`, or $TMPDIR, and returns its path.
    public static func makeTemporaryDirectory(prefix: String, in parent: String? = nil) throws -> String {
        let base = parent ?? ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/" + prefix + "-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw TaskError(.io, file: base, "cannot create a temporary folder: \(String(cString: strerror(errno)))")
        }
        let path = String(cString: made)
        _ = chmod(path, 0o755)
        return path
    }
}
