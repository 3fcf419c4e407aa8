import Foundation

/// A unified diff (`diff -u`, `git diff`) applied strictly: every hunk's context and removed
/// lines must match exactly where the hunk says, so a patch written against one reference
/// can never silently land somewhere else.
public struct UnifiedPatch: Sendable {
    public struct FilePatch: Sendable {
        /// Path relative to the tree the patch applies to (`a/` and `b/` prefixes removed).
        public var path: String
        /// The file is created (old side /dev/null) or deleted (new side /dev/null).
        public var creates: Bool
        public var deletes: Bool
        var hunks: [Hunk]
    }

    struct Hunk: Sendable {
        var oldStart: Int
        var lines: [(kind: Character, text: String)]
        var header: String
    }

    public var files: [FilePatch]

    /// Parses `text`; `source` names the file in errors.
    public init(_ text: String, source: String) throws {
        var files: [FilePatch] = []
        var lines = text.pieces(separatedBy: "\n")[...]
        if lines.last == "" { lines.removeLast() }
        var number = 0
        func fail(_ message: String) -> TaskError { TaskError(.invalidField, file: source, field: "line \(number)", message) }
        while let line = lines.popFirst() {
            number += 1
            guard line.hasPrefix("--- ") else { continue }  // diff headers, index lines, prose
            guard let plus = lines.popFirst(), plus.hasPrefix("+++ ") else { throw fail("expected a +++ line after ---") }
            number += 1
            let old = Self.path(line), new = Self.path(plus)
            guard let path = new ?? old, !path.isEmpty, !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
                throw fail("expected a relative path inside the tree, got '\(plus.dropFirst(4))'")
            }
            var file = FilePatch(path: path, creates: old == nil, deletes: new == nil, hunks: [])
            while let header = lines.first, header.hasPrefix("@@") {
                lines.removeFirst()
                number += 1
                guard let (oldStart, oldCount, newCount) = Self.hunkHeader(header) else {
                    throw fail("expected a hunk header like @@ -12,7 +12,8 @@, got '\(header)'")
                }
                var hunk = Hunk(oldStart: oldStart, lines: [], header: header)
                var (oldSeen, newSeen) = (0, 0)
                while oldSeen < oldCount || newSeen < newCount, let body = lines.popFirst() {
                    number += 1
                    if body.hasPrefix("\\") { continue }  // "\ No newline at end of file"
                    let kind = body.first ?? " "
                    guard kind == " " || kind == "-" || kind == "+" else { throw fail("expected a hunk line starting with ' ', '-' or '+'") }
                    if kind != "+" { oldSeen += 1 }
                    if kind != "-" { newSeen += 1 }
                    hunk.lines.append((kind, String(body.dropFirst())))
                }
                guard oldSeen == oldCount, newSeen == newCount else { throw fail("hunk '\(header)' ends early") }
                while lines.first?.hasPrefix("\\") == true { lines.removeFirst(); number += 1 }
                file.hunks.append(hunk)
            }
            guard !file.hunks.isEmpty else { throw fail("\(path): no hunks") }
            files.append(file)
        }
        guard !files.isEmpty else {
            throw TaskError(.invalidField, file: source, "holds no file changes; expected a unified diff (diff -u or git diff)")
        }
        self.files = files
    }

    /// The patched text of one file, given its current text (nil if it does not exist).
    public func apply(_ file: FilePatch, to original: String?, source: String) throws -> String? {
        func fail(_ message: String) -> TaskError { TaskError(.invalidField, file: source, field: file.path, message) }
        if file.creates, original != nil { throw fail("creates a file that already exists") }
        if !file.creates, original == nil { throw fail("changes a file that does not exist in the reference") }
        var lines = original.map { $0.pieces(separatedBy: "\n") } ?? []
        let endsWithNewline = lines.last == ""
        if endsWithNewline { lines.removeLast() }
        var offset = 0
        for (index, hunk) in file.hunks.enumerated() {
            let expected = hunk.lines.filter { $0.kind != "+" }.map(\.text)
            let start = max(0, hunk.oldStart - 1 + offset - (expected.isEmpty ? -1 : 0))
            if let bad = expected.indices.first(where: { start + $0 >= lines.count || lines[start + $0] != expected[$0] }) {
                let found = start + bad < lines.count ? "'\(lines[start + bad])'" : "the end of the file"
                throw fail("hunk \(index + 1) (\(hunk.header)) does not apply: expected '\(expected[bad])' at line \(start + bad + 1), found \(found)")
            }
            let replacement = hunk.lines.filter { $0.kind != "-" }.map(\.text)
            lines.replaceSubrange(start..<start + expected.count, with: replacement)
            offset += replacement.count - expected.count
        }
        if file.deletes { return nil }
        return lines.joined(separator: "\n") + (endsWithNewline || original == nil ? "\n" : "")
    }

    /// `a/x/y.py` → `x/y.py`; `/dev/null` → nil. A timestamp after a tab is dropped.
    private static func path(_ line: String) -> String? {
        let raw = String(line.dropFirst(4).prefix { $0 != "\t" }).trimmingCharacters(in: .whitespaces)
        if raw == "/dev/null" { return nil }
        guard let slash = raw.firstIndex(of: "/") else { return raw }
        return String(raw[raw.index(after: slash)...])
    }

    private static func hunkHeader(_ line: String) -> (Int, Int, Int)? {
        let parts = line.split(separator: " ")
        guard parts.count >= 4, parts[0] == "@@", parts[1].hasPrefix("-"), parts[2].hasPrefix("+") else { return nil }
        func range(_ text: Substring) -> (Int, Int)? {
            let numbers = text.dropFirst().split(separator: ",", omittingEmptySubsequences: false)
            guard let start = Int(numbers[0]) else { return nil }
            if numbers.count == 1 { return (start, 1) }
            guard numbers.count == 2, let count = Int(numbers[1]) else { return nil }
            return (start, count)
        }
        guard let (oldStart, oldCount) = range(parts[1]), let (_, newCount) = range(parts[2]) else { return nil }
        return (oldStart, oldCount, newCount)
    }
}
