import Crypto
import Foundation

/// SHA-256 digests of file contents, for the leak check and the task stamp.
public enum ContentDigest {
    public static func sha256(_ bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// Lower-case hex, two digits a byte. (`String(format:)` per byte costs more than hashing
    /// a small file, and a task's digest hashes every file in it.)
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The digest of a text after normalising what editors change on their own: CRLF line
    /// ends, trailing spaces and trailing blank lines. A hidden test pasted into `starter/` by
    /// an editor that strips whitespace still matches.
    public static func normalized(_ data: Data) -> String {
        sha256(normalizedText(data))
    }

    /// Whether a file is too small to identify anything (an empty `__init__.py`, say); such
    /// files are never reported as leaks.
    public static func isTrivial(_ data: Data) -> Bool {
        normalizedText(data).count < 40
    }

    /// The text's bytes with every line's trailing spaces, tabs and carriage returns (so CRLF
    /// line ends too) removed, and trailing blank lines dropped. Works on bytes: task loading
    /// normalises every file a bug changes, and String's line splitting is slow at that.
    static func normalizedText(_ data: Data) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        var lineStart = 0
        for byte in data {
            if byte == UInt8(ascii: "\n") {
                trimTrailingBlanks(&out, from: lineStart)
                out.append(byte)
                lineStart = out.count
            } else {
                out.append(byte)
            }
        }
        trimTrailingBlanks(&out, from: lineStart)
        while out.last == UInt8(ascii: "\n") { out.removeLast() }
        return out
    }

    private static func trimTrailingBlanks(_ bytes: inout [UInt8], from start: Int) {
        while bytes.count > start, let last = bytes.last,
              last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") || last == UInt8(ascii: "\r") {
            bytes.removeLast()
        }
    }
}
