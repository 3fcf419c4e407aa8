import NIOCore

/// One HTTP/1.1 request, serialized once. A `{n}` in the path or body is replaced by the
/// request's sequence number, for probes that need a unique key per request; requests
/// without it are written from the same prebuilt bytes every time.
public struct RequestTemplate: Sendable, Equatable {
    public var method: String
    public var path: String
    public var headers: [(String, String)]
    public var body: String

    public init(method: String = "GET", path: String, headers: [(String, String)] = [], body: String = "") {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.method == b.method && a.path == b.path && a.body == b.body
            && a.headers.map { "\($0.0):\($0.1)" } == b.headers.map { "\($0.0):\($0.1)" }
    }

    static let placeholder = "{n}"

    var isTemplated: Bool { path.contains(Self.placeholder) || body.contains(Self.placeholder) }

    /// The request as bytes on the wire, for sequence number `n`.
    func serialized(host: String, port: Int, sequence n: Int) -> String {
        let number = String(n)
        let path = path.replacing(Self.placeholder, with: number)
        let body = body.replacing(Self.placeholder, with: number)
        var text = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH" {
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                text += "Content-Type: application/json\r\n"
            }
            text += "Content-Length: \(body.utf8.count)\r\n"
        }
        return text + "\r\n" + body
    }
}

/// The requests of one plan, ready to write: prebuilt buffers where no `{n}` needs filling.
struct PreparedRequests {
    private let templates: [RequestTemplate]
    private let prebuilt: [ByteBuffer?]
    /// Whether each request is a HEAD, whose answer has no body.
    private let heads: [Bool]
    private let host: String
    private let port: Int

    init(_ templates: [RequestTemplate], host: String, port: Int) {
        self.templates = templates
        self.host = host
        self.port = port
        heads = templates.map { $0.method == "HEAD" }
        prebuilt = templates.map { $0.isTemplated ? nil : ByteBuffer(string: $0.serialized(host: host, port: port, sequence: 0)) }
    }

    func buffer(for sequence: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        let index = sequence % templates.count
        if let buffer = prebuilt[index] { return buffer }
        return allocator.buffer(string: templates[index].serialized(host: host, port: port, sequence: sequence))
    }

    func isHead(_ sequence: Int) -> Bool { heads[sequence % heads.count] }
}
