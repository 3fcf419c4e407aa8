import Sandbox
import TaskBank

/// Work kept on disk between runs of `probe grade` (the reference bar, ``ReferenceScoreCache``;
/// the reference's durations, ``ReferenceDurations``; the rewrite of a hidden suite,
/// ``CheckedSuites``): a text file named by its key, holding a magic line, the key again, and
/// the entry's lines. It lives in a private cache folder
/// (``PrivateCacheFile``); a file with another magic or key, or one that others could have
/// written, reads as missing, so the caller measures afresh.
enum CacheEntry {
    /// The lines in the entry at `directory/key`, if a sound one is there.
    static func read(_ directory: String, key: String, magic: String, limit: Int = 1 << 20) -> [String]? {
        guard let bytes = PrivateCacheFile.read(directory + "/" + key, limit: limit) else { return nil }
        let lines = String(decoding: bytes, as: UTF8.self).pieces(separatedBy: "\n")
        guard lines.count >= 3, lines[0] == magic, lines[1] == key, lines.last == "" else { return nil }
        return Array(lines[2..<(lines.count - 1)])
    }

    /// An entry's name: a SHA-256 over everything its measurement depends on (the entry's
    /// magic, Probe's version, and the caller's own parts), after `prefix` when given.
    static func key(_ parts: [String], prefix: String? = nil) -> String {
        let digest = ContentDigest.sha256(Array(([ProbeVersion.current] + parts).joined(separator: "\n").utf8))
        return prefix.map { $0 + "-" + digest } ?? digest
    }

    static func write(_ lines: [String], to directory: String, key: String, magic: String) {
        PrivateCacheFile.write(Array(([magic, key] + lines).map { $0 + "\n" }.joined().utf8), to: directory + "/" + key)
    }
}
