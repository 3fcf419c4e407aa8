import Foundation

/// Copies a submission folder with the checks an archive gets: regular files and folders only
/// (a symlink is copied as a link only when it stays inside the folder), and the byte and file
/// caps. Folders that are never part of a submission (`.venv`, `__pycache__`…) are skipped.
struct SafeCopy {
    var limits: SubmissionLimits
    private var bytes: UInt64 = 0
    private var files = 0

    init(limits: SubmissionLimits) {
        self.limits = limits
    }

    /// Copies the contents of `source` into the existing folder `destination`, leaving out the
    /// top-level entries in `skipping`.
    mutating func copy(_ source: String, to destination: String, skipping: Set<String> = []) throws {
        try copyFolder(source, to: destination, relative: "", skipping: skipping)
    }

    private mutating func copyFolder(_ source: String, to destination: String, relative: String, skipping: Set<String> = []) throws {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: source).sorted() } catch {
            throw GradingError(.submission, "\(source): cannot list: \(error.localizedDescription)")
        }
        for name in names where !skipping.contains(name) {
            let entry = relative.isEmpty ? name : relative + "/" + name
            let from = source + "/" + name, to = destination + "/" + name
            var info = stat()
            guard lstat(from, &info) == 0 else { throw GradingError(.submission, "entry '\(entry)': \(String(cString: strerror(errno)))") }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if SubmissionIntake.skippedFolders.contains(name) { continue }
                guard mkdir(to, 0o755) == 0 else { throw GradingError(.io, "\(to): \(String(cString: strerror(errno)))") }
                try copyFolder(from, to: to, relative: entry)
            case S_IFREG:
                try count(entry, size: UInt64(info.st_size))
                guard let data = FileManager.default.contents(atPath: from) else {
                    throw GradingError(.submission, "entry '\(entry)': cannot read")
                }
                let mode: mode_t = info.st_mode & 0o111 != 0 ? 0o755 : 0o644
                guard FileManager.default.createFile(atPath: to, contents: data, attributes: [.posixPermissions: mode]) else {
                    throw GradingError(.io, "\(to): cannot write")
                }
            case S_IFLNK:
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: from)) ?? "/"
                guard Self.staysInside(link: entry, target: target) else {
                    throw GradingError(.submission, "entry '\(entry)': a symlink to '\(target)' points outside the submission; expected links that stay inside it")
                }
                try count(entry, size: 0)
                guard symlink(target, to) == 0 else { throw GradingError(.io, "\(to): \(String(cString: strerror(errno)))") }
            default:
                throw GradingError(.submission, "entry '\(entry)': a device, FIFO or socket; expected only files, folders and links inside the submission")
            }
        }
    }

    private mutating func count(_ entry: String, size: UInt64) throws {
        files += 1
        bytes += size
        if files > limits.maxFiles {
            throw GradingError(.submission, "entry '\(entry)': more than \(limits.maxFiles) files; expected a code submission under the file cap")
        }
        if bytes > limits.maxBytes {
            throw GradingError(.submission, "entry '\(entry)': the submission passes \(limits.maxBytes >> 20) MiB; expected it under the size cap")
        }
    }

    /// Whether a relative link at `link` (a path inside the submission) resolves inside it.
    static func staysInside(link: String, target: String) -> Bool {
        guard !target.hasPrefix("/"), !target.isEmpty else { return false }
        var depth = link.split(separator: "/").count - 1
        for part in target.split(separator: "/") {
            if part == ".." { depth -= 1 } else if part != "." { depth += 1 }
            if depth < 0 { return false }
        }
        return true
    }
}
