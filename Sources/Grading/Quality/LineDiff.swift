import TaskBank

/// How many lines a change adds and removes: the shortest edit script of Myers' O(ND)
/// algorithm, counted, not printed.
enum LineDiff {
    static func count(from old: [String], to new: [String]) -> (added: Int, removed: Int) {
        let n = old.count, m = new.count
        let limit = n + m
        if limit == 0 { return (0, 0) }
        let offset = limit + 1
        var furthest = [Int](repeating: 0, count: 2 * limit + 3)
        for d in 0...limit {
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && furthest[offset + k - 1] < furthest[offset + k + 1]))
                    ? furthest[offset + k + 1] : furthest[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, old[x] == new[y] { x += 1; y += 1 }
                furthest[offset + k] = x
                if x >= n, y >= m {
                    let common = (n + m - d) / 2
                    return (m - common, n - common)
                }
            }
        }
        return (m, n)
    }

    /// The lines of `text`, split on the line-feed byte, so a CRLF file has as many lines as
    /// it shows (its `"\r\n"` is one Character, which a Character split would not see).
    static func lines(_ text: String) -> [String] {
        Array(text.pieces(separatedBy: "\n").dropLast(text.utf8.last == UInt8(ascii: "\n") ? 1 : 0))
    }
}
