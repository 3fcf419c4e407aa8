import Glibc
import SandboxSpec

/// Small blocking I/O helpers for the launcher's single thread.
enum FileIO {
    static func write(_ path: String, _ contents: String, stage: String) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_CREAT | O_TRUNC, 0o644)
        try check(stage, "open \(path)", fd)
        defer { close(fd) }
        try writeAll(fd, Array(contents.utf8), stage: stage, what: "write \(path)")
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], stage: String, what: String) throws {
        try transferAll(fd, bytes, stage: stage, what: what) { Glibc.write(fd, $0, $1) }
    }

    /// Sends all of `bytes` on a socket with MSG_NOSIGNAL: a peer that has gone is an EPIPE
    /// error, never a SIGPIPE.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8], stage: String, what: String) throws {
        try transferAll(fd, bytes, stage: stage, what: what) { Glibc.send(fd, $0, $1, Int32(MSG_NOSIGNAL)) }
    }

    private static func transferAll(_ fd: Int32, _ bytes: [UInt8], stage: String, what: String,
                                    _ transfer: (UnsafeRawPointer?, Int) -> Int) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { transfer($0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            try check(stage, what, Int32(n < 0 ? -1 : 0))
            offset += n
        }
    }

    /// Reads a descriptor to its end, from offset 0 when it is seekable (a memfd).
    static func readAll(_ fd: Int32, stage: String) throws -> [UInt8] {
        _ = lseek(fd, 0, SEEK_SET)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            try check(stage, "read fd \(fd)", Int32(n < 0 ? -1 : 0))
            if n == 0 { return out }
            out += chunk[0..<n]
        }
    }

    /// Reads a ``LaunchSpec/message`` and returns its body; nil at end-of-file before the
    /// first byte. Only the header is read a byte at a time: it is a few digits long.
    static func readMessage(_ fd: Int32) throws -> [UInt8]? {
        var header: [UInt8] = []
        while true {
            var byte: UInt8 = 0
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            try check("spec", "read the launch spec on fd \(fd)", Int32(n < 0 ? -1 : 0))
            if n == 0 {
                if header.isEmpty { return nil }
                throw LaunchError("spec", "the launch spec on fd \(fd) ends inside its header")
            }
            if byte == 0x0a { break }
            header.append(byte)
            guard header.count <= 20 else { throw LaunchError("spec", "the launch spec on fd \(fd) has no header") }
        }
        var body = [UInt8](repeating: 0, count: try LaunchSpec.bodyLength(fromHeader: header))
        var filled = 0
        while filled < body.count {
            let n = body[filled...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            try check("spec", "read the launch spec on fd \(fd)", Int32(n < 0 ? -1 : 0))
            if n == 0 { throw LaunchError("spec", "the launch spec on fd \(fd) ends after \(filled) of \(body.count) bytes") }
            filled += n
        }
        return body
    }

    /// Reads one byte from a socket or pipe; nil at end-of-file.
    static func readByte(_ fd: Int32) -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n == 1 { return byte }
            if n < 0 && errno == EINTR { continue }
            return nil
        }
    }

    static func mkdirs(_ path: String, stage: String) throws {
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += "/" + String(component)
            if mkdir(prefix, 0o755) < 0 && errno != EEXIST {
                throw LaunchError.errno(stage, "mkdir \(prefix)")
            }
        }
    }
}
