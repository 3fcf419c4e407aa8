import NIOCore
import Testing

@testable import Load

/// The generator's HTTP/1.1 response parser on its own: framing by length, chunks, HEAD,
/// bodiless statuses and the close; answers split at every byte; malformed answers refused.
struct ResponseParserTests {
    /// Everything one buffer yields, with body parts joined into one string per answer.
    struct Parsed: Equatable {
        var heads: [ResponseParser.Event] = []
        var bodies: [String] = []
        var ends = 0
    }

    /// Feeds `wire` in pieces of `piece` bytes, the way reads arrive, keeping what is left.
    func parse(_ wire: String, piece: Int = .max, head: Bool = false, parser: inout ResponseParser) throws -> Parsed {
        var parsed = Parsed()
        var body = ""
        var pending = ByteBuffer()
        let bytes = Array(wire.utf8)
        var offset = 0
        parser.expectAnswer(toHead: head)
        while offset < bytes.count {
            let end = min(bytes.count, offset + piece)
            pending.writeBytes(bytes[offset..<end])
            offset = end
            while let event = try parser.next(&pending) {
                switch event {
                case .head: parsed.heads.append(event)
                case .body(let part): body += String(buffer: part)
                case .end:
                    parsed.ends += 1
                    parsed.bodies.append(body)
                    body = ""
                }
            }
        }
        if !body.isEmpty { parsed.bodies.append(body) }
        return parsed
    }

    func parse(_ wire: String, piece: Int = .max, keepBodies: Bool = true, head: Bool = false) throws -> Parsed {
        var parser = ResponseParser(keepBodies: keepBodies)
        return try parse(wire, piece: piece, head: head, parser: &parser)
    }

    static let chunked = "HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
        + "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n"

    @Test(arguments: [1, 2, 3, 7, 64])
    func answersSplitAtAnyByteParseTheSame(piece: Int) throws {
        let fixed = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 11\r\n\r\nhello world"
        #expect(try parse(fixed, piece: piece) == Parsed(heads: [.head(status: 200, keepAlive: true)], bodies: ["hello world"], ends: 1))
        #expect(try parse(Self.chunked, piece: piece) == Parsed(heads: [.head(status: 201, keepAlive: true)], bodies: ["hello, world"], ends: 1))
    }

    @Test func twoAnswersInOneReadAreBothParsed() throws {
        let one = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        let parsed = try parse(one + Self.chunked)
        #expect(parsed.heads == [.head(status: 200, keepAlive: true), .head(status: 201, keepAlive: true)])
        #expect(parsed.bodies == ["ok", "hello, world"])
    }

    @Test func bodiesAreSkippedWhenNotKept() throws {
        let parsed = try parse(Self.chunked, piece: 5, keepBodies: false)
        #expect(parsed == Parsed(heads: [.head(status: 201, keepAlive: true)], bodies: [""], ends: 1))
    }

    @Test func aHeadAnswerHasNoBodyWhateverItsLengthSays() throws {
        var parser = ResponseParser(keepBodies: true)
        let head = try parse("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", head: true, parser: &parser)
        #expect(head.ends == 1 && head.bodies == [""])
        // The next answer on the connection starts right after the head.
        let next = try parse("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope", parser: &parser)
        #expect(next == Parsed(heads: [.head(status: 404, keepAlive: true)], bodies: ["nope"], ends: 1))
    }

    @Test func noContentAndNotModifiedEndAtTheirHead() throws {
        #expect(try parse("HTTP/1.1 204 No Content\r\n\r\n").ends == 1)
        #expect(try parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n").bodies == [""])
    }

    @Test func informationalAnswersAreSkipped() throws {
        let parsed = try parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        #expect(parsed.heads == [.head(status: 200, keepAlive: true)])
        #expect(parsed.ends == 1)
    }

    @Test func aBodyWithoutLengthRunsUntilTheClose() throws {
        var parser = ResponseParser(keepBodies: true)
        let parsed = try parse("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it", piece: 4, parser: &parser)
        #expect(parsed.heads == [.head(status: 200, keepAlive: false)])
        #expect(parsed.ends == 0)
        #expect(parsed.bodies == ["all of it"])
        #expect(parser.endOfInput() == .end)
        // A close in the middle of a framed answer is no end.
        var cut = ResponseParser(keepBodies: false)
        _ = try parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", parser: &cut)
        #expect(cut.endOfInput() == nil)
    }

    @Test func keepAliveFollowsTheVersionAndTheConnectionHeader() throws {
        #expect(try parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").heads == [.head(status: 200, keepAlive: false)])
        #expect(try parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").heads
            == [.head(status: 200, keepAlive: true)])
        #expect(try parse("HTTP/1.1 503 Unavailable\r\nConnection: upgrade, close\r\nContent-Length: 0\r\n\r\n").heads
            == [.head(status: 503, keepAlive: false)])
    }

    @Test func bareLineFeedsAndLeadingEmptyLinesAreTolerated() throws {
        let parsed = try parse("\r\nHTTP/1.1 200 OK\nContent-Length: 2\n\nok")
        #expect(parsed == Parsed(heads: [.head(status: 200, keepAlive: true)], bodies: ["ok"], ends: 1))
    }

    @Test(arguments: [
        ("HTTP/2 200 OK\r\n\r\n", "malformed status line"),
        ("HTTP/1.1 2x0 OK\r\n\r\n", "malformed status line"),
        ("HTTP/1.1 099 Low\r\n\r\n", "out of range"),
        ("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "without a name and a colon"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", "Content-Length is not a number"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "two different Content-Length"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "not hexadecimal"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "longer than its size"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n", "too large"),
    ])
    func malformedAnswersAreRefusedWithTheReason(wire: String, reason: String) throws {
        #expect { try parse(wire) } throws: { ($0 as? ResponseParser.Error)?.description.contains(reason) == true }
    }

    @Test func anEndlessHeadIsRefusedOnceItPassesTheLimit() throws {
        var parser = ResponseParser(keepBodies: false)
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\n")
        #expect(try parser.next(&buffer) == nil)
        buffer.writeString("X-Filler: " + String(repeating: "a", count: ResponseParser.headLimit))
        #expect { try parser.next(&buffer) } throws: { ($0 as? ResponseParser.Error)?.description.contains("longer than") == true }
    }
}
