extension StringProtocol {
    /// The pieces between each occurrence of the ASCII `separator`, empty pieces kept: what
    /// Foundation's `components(separatedBy:)` gives for an ASCII separator, at a fraction of
    /// its cost (a task load split every reference file of every bug's patch that way).
    ///
    /// It works on UTF-8 bytes, never on Characters: a `"\r\n"` pair is one Character, so a
    /// Character split on `"\n"` would not see the line ends of a CRLF file. An ASCII byte
    /// never occurs inside another scalar's UTF-8 encoding, so every piece is whole text.
    public func pieces(separatedBy separator: StaticString) -> [String] {
        // withUTF8Buffer serves both of StaticString's forms (a one-scalar literal may be stored
        // as the scalar, not as bytes).
        let pattern = separator.withUTF8Buffer { Array($0) }
        precondition(!pattern.isEmpty && pattern.allSatisfy { $0 < 0x80 }, "an ASCII separator")
        let bytes = Array(utf8)
        var pieces: [String] = []
        var start = 0, index = 0
        while index + pattern.count <= bytes.count {
            if bytes[index] == pattern[0] && bytes[index..<index + pattern.count].elementsEqual(pattern) {
                pieces.append(String(decoding: bytes[start..<index], as: UTF8.self))
                index += pattern.count
                start = index
            } else {
                index += 1
            }
        }
        pieces.append(String(decoding: bytes[start...], as: UTF8.self))
        return pieces
    }

    /// The text's lines, for reading what a file says: split on line feeds, each without the
    /// carriage return a CRLF file ends it with, so a file saved on Windows reads as it shows.
    /// Empty lines are kept, and a final line feed leaves an empty last line.
    public func lines() -> [String] {
        pieces(separatedBy: "\n").map { $0.utf8.last == UInt8(ascii: "\r") ? String(decoding: $0.utf8.dropLast(), as: UTF8.self) : $0 }
    }
}
