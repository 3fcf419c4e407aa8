import Sandbox

/// Work kept on disk between runs of `probe grade` (the reference bar, ``ReferenceScoreCache``;
/// the reference's durations, ``ReferenceDurations``; the rewrite of a hidden suite,
/// ``CheckedSuites``): a text file named by its key, holding a magic line, the key again, and
/// the entry's lines. It lives in a private cache folder
/// (``PrivateCacheFile``); a file with another magic or key, or one that others could have
/// written, reads as missing, so the caller measures afresh.
enum CacheEntry {
    /// The lines in the entry at `directory/key`, if a sound one is there.
    static func read(_ directory: String, key: String, magic: String, limit: Int = 1 << 20) -> [Substring]? {
        guard let bytes = PrivateCacheFile.read(directory + "/" + key, limit: limit) else { return nil }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3, lines[0] == magic, lines[1] == key, lines.last == "" else { return nil }
        return Array(lines[2..<(lines.count - 1)])
    }

    static func write(_ lines: [String], to directory: String, key: String, magic: String) {
        PrivateCacheFile.write(Array(([magic, key] + lines).map { $0 + "\n" }.joined().utf8), to: directory + "/" + key)
    }
}
