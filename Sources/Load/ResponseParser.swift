import NIOCore

/// A minimal HTTP/1.1 response parser for the generator's hot path.
///
/// The generator has one request in flight per connection and needs only the status, whether
/// the connection stays open, and where the answer ends: NIO's general decoder builds a
/// header dictionary of strings and three pipeline events per answer, which costs more CPU
/// than the whole rest of a request. This parser reads the status line and the three headers
/// that decide framing (Content-Length, Transfer-Encoding, Connection) straight from the
/// bytes, and skips the rest.
///
/// Feed it the connection's buffered bytes: `next(_:)` consumes what it can and returns one
/// event, or nil when it needs more bytes (a partial line stays in the buffer).
struct ResponseParser {
    enum Event: Equatable {
        case head(status: Int, keepAlive: Bool)
        /// Part of the body; only reported when the parser keeps bodies.
        case body(ByteBuffer)
        case end
    }

    struct Error: Swift.Error, Equatable, CustomStringConvertible {
        var description: String
    }

    private enum State {
        /// Waiting for a status line and headers.
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        /// No length and not chunked: the body runs until the server closes.
        case untilClose
    }

    private var state = State.head
    private var keepAlive = true
    /// Whether the request in flight was a HEAD, whose answer has no body whatever it says.
    private var headRequest = false
    let keepBodies: Bool

    /// A status line and headers larger than this are refused rather than buffered forever.
    static let headLimit = 64 * 1024

    init(keepBodies: Bool) {
        self.keepBodies = keepBodies
    }

    /// Called as a request is sent, before its answer is parsed.
    mutating func expectAnswer(toHead isHead: Bool) {
        headRequest = isHead
    }

    /// Called when the server closed the connection: the end of a body that runs until the
    /// close, or nil when an answer was cut short (or none was under way).
    mutating func endOfInput() -> Event? {
        guard case .untilClose = state else { return nil }
        state = .head
        return .end
    }

    mutating func next(_ buffer: inout ByteBuffer) throws -> Event? {
        while true {
            switch state {
            case .head:
                guard let (status, keepAlive, framing) = try parseHead(&buffer) else { return nil }
                // An informational answer (100 Continue) precedes the real one; skip it.
                if status >= 100 && status < 200 && status != 101 { continue }
                self.keepAlive = keepAlive
                if headRequest || status == 204 || status == 304 || status == 101 {
                    state = .fixed(remaining: 0)
                } else {
                    switch framing {
                    case .length(let length): state = .fixed(remaining: length)
                    case .chunked: state = .chunkSize
                    case .none:
                        state = .untilClose
                        self.keepAlive = false
                    }
                }
                return .head(status: status, keepAlive: self.keepAlive)
            case .fixed(let remaining):
                if remaining == 0 {
                    state = .head
                    return .end
                }
                guard buffer.readableBytes > 0 else { return nil }
                let take = min(remaining, buffer.readableBytes)
                state = .fixed(remaining: remaining - take)
                if let part = consume(&buffer, take) { return .body(part) }
            case .untilClose:
                guard buffer.readableBytes > 0 else { return nil }
                if let part = consume(&buffer, buffer.readableBytes) { return .body(part) }
            case .chunkSize:
                guard let size = try readLine(&buffer, limit: 1024, what: "chunk size line", Self.chunkSize) else { return nil }
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                guard buffer.readableBytes > 0 else { return nil }
                let take = min(remaining, buffer.readableBytes)
                state = remaining == take ? .chunkDataEnd : .chunkData(remaining: remaining - take)
                if let part = consume(&buffer, take) { return .body(part) }
            case .chunkDataEnd:
                guard let empty = try readLine(&buffer, limit: 2, what: "chunk end", { $0.isEmpty }) else { return nil }
                guard empty else { throw Error(description: "chunk data longer than its size") }
                state = .chunkSize
            case .trailers:
                guard let empty = try readLine(&buffer, limit: Self.headLimit, what: "trailer", { $0.isEmpty }) else { return nil }
                if empty {
                    state = .head
                    return .end
                }
            }
        }
    }

    /// Moves `count` body bytes out of the buffer: as a slice when bodies are kept.
    private func consume(_ buffer: inout ByteBuffer, _ count: Int) -> ByteBuffer? {
        if keepBodies { return buffer.readSlice(length: count) }
        buffer.moveReaderIndex(forwardBy: count)
        return nil
    }

    // MARK: Lines

    /// Reads one line and hands it, without its CR LF (a bare LF is accepted too), to `read`;
    /// nil when the buffer holds no full line yet.
    private func readLine<T>(_ buffer: inout ByteBuffer, limit: Int, what: String,
                             _ read: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        let result = try buffer.withUnsafeReadableBytes { bytes -> (Int, T)? in
            guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            let end = newline > 0 && bytes[newline - 1] == UInt8(ascii: "\r") ? newline - 1 : newline
            return (newline + 1, try read(UnsafeRawBufferPointer(rebasing: bytes[..<end])))
        }
        guard let (consumed, value) = result else {
            if buffer.readableBytes > limit { throw Error(description: "\(what) longer than \(limit) bytes") }
            return nil
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        return value
    }

    static func chunkSize(_ line: UnsafeRawBufferPointer) throws -> Int {
        var size = 0
        var digits = 0
        for byte in line {
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
            case UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"):
                // Chunk extensions follow; they carry nothing the generator needs.
                guard digits > 0 else { throw Error(description: "chunk size line without a size") }
                return size
            default:
                throw Error(description: "chunk size is not hexadecimal")
            }
            digits += 1
            guard digits <= 15 else { throw Error(description: "chunk size too large") }
            size = size * 16 + value
        }
        guard digits > 0 else { throw Error(description: "chunk size line without a size") }
        return size
    }

    // MARK: Status line and headers

    enum Framing: Equatable {
        case length(Int)
        case chunked
        case none
    }

    /// Parses a whole status line and header block, or returns nil (consuming nothing) when
    /// the buffer does not hold all of it yet.
    private func parseHead(_ buffer: inout ByteBuffer) throws -> (Int, Bool, Framing)? {
        let parsed = try buffer.withUnsafeReadableBytes { try Self.parseHead($0) }
        guard let (consumed, status, keepAlive, framing) = parsed else {
            if buffer.readableBytes > Self.headLimit {
                throw Error(description: "status line and headers longer than \(Self.headLimit) bytes")
            }
            return nil
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        return (status, keepAlive, framing)
    }

    /// Returns the head's length in bytes, its status, keep-alive and framing, or nil when
    /// the head is not complete yet. One pass, no allocation: this runs once per answer.
    static func parseHead(_ bytes: UnsafeRawBufferPointer) throws -> (Int, Int, Bool, Framing)? {
        var start = 0
        var status: Int?
        var keepAlive = false
        var length: Int?
        var chunked = false
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let end = newline > start && bytes[newline - 1] == UInt8(ascii: "\r") ? newline - 1 : newline
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            start = newline + 1
            guard let known = status else {
                // Empty lines before the status line are tolerated (RFC 9112 §2.2).
                if line.isEmpty { continue }
                let (minor, code) = try statusLine(line)
                status = code
                keepAlive = minor >= 1
                continue
            }
            if line.isEmpty {
                let framing: Framing = chunked ? .chunked : length.map { .length($0) } ?? .none
                return (start, known, keepAlive, framing)
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
                throw Error(description: "header line without a name and a colon")
            }
            let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
            let value = trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
            if equalsIgnoringCase(name, "content-length") {
                guard let parsed = decimal(value) else { throw Error(description: "Content-Length is not a number") }
                if let length, length != parsed { throw Error(description: "two different Content-Length headers") }
                length = parsed
            } else if equalsIgnoringCase(name, "transfer-encoding") {
                // Only a final "chunked" coding frames the body; anything else runs until close.
                chunked = endsWithIgnoringCase(value, "chunked")
            } else if equalsIgnoringCase(name, "connection") {
                var rest = value
                while !rest.isEmpty {
                    let comma = rest.firstIndex(of: UInt8(ascii: ",")) ?? rest.endIndex
                    let token = trimmed(UnsafeRawBufferPointer(rebasing: rest[..<comma]))
                    if equalsIgnoringCase(token, "close") { keepAlive = false }
                    if equalsIgnoringCase(token, "keep-alive") { keepAlive = true }
                    rest = UnsafeRawBufferPointer(rebasing: rest[min(comma + 1, rest.endIndex)...])
                }
            }
        }
        return nil
    }

    /// "HTTP/1.x NNN reason": the minor version and the status.
    private static func statusLine(_ line: UnsafeRawBufferPointer) throws -> (Int, Int) {
        guard line.count >= 12, equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: line[..<7]), "http/1."),
              let minor = digit(line[7]), line[8] == UInt8(ascii: " "),
              let a = digit(line[9]), let b = digit(line[10]), let c = digit(line[11]),
              line.count == 12 || line[12] == UInt8(ascii: " ")
        else {
            throw Error(description: "malformed status line \"\(String(decoding: line.prefix(80), as: UTF8.self))\"")
        }
        let status = a * 100 + b * 10 + c
        guard status >= 100 else { throw Error(description: "status \(status) is out of range") }
        return (minor, status)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func decimal(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard let d = digit(byte) else { return nil }
            value = value * 10 + d
        }
        return value
    }

    private static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let space: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !space($0) }) else { return UnsafeRawBufferPointer(rebasing: bytes[0..<0]) }
        let last = bytes.lastIndex(where: { !space($0) })!
        return UnsafeRawBufferPointer(rebasing: bytes[first...last])
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    /// `word` is lowercase ASCII.
    private static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        let expected = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        return zip(bytes, expected).allSatisfy { lowercased($0) == $1 }
    }

    private static func endsWithIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        guard bytes.count >= word.utf8CodeUnitCount else { return false }
        return equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - word.utf8CodeUnitCount)...]), word)
    }
}
