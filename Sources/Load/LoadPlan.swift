/// What one load run does: where it sends, what, how hard and for how long.
public struct LoadPlan: Sendable {
    public enum Mode: Sendable, Equatable {
        /// Every connection sends its next request as soon as the previous answer arrives.
        case closed
        /// Requests are scheduled at a fixed total rate (requests per second), spread over the
        /// connections. Latency is measured from the scheduled send time, so a stalled server
        /// is charged for the requests it kept us from sending (coordinated omission).
        case open(rate: Double)
    }

    public var host: String
    public var port: Int
    /// Sent in turn: request `n` (counting from 0 over the whole run) uses `requests[n % count]`.
    public var requests: [RequestTemplate]
    public var connections: Int = 16
    public var mode: Mode = .closed
    /// How long requests are sent, in seconds. In-flight requests are drained afterwards.
    public var duration: Double = 5
    /// Send exactly this many requests and stop (or stop at `duration`, whichever is first).
    public var requestLimit: Int?
    /// Every request's deadline, in seconds. A request past it counts as a `timeout` error and
    /// is recorded at the deadline in the "including timeouts" histogram; its connection is
    /// closed and reopened, because HTTP/1.1 cannot abandon one response and read the next.
    public var timeout: Double = 2
    public var eventLoops: Int = 1
    /// Added to every sequence number, so a run can continue the keys of an earlier one.
    public var sequenceOffset = 0
    /// Keep the bodies of the responses (up to ``bodyLimit``), for probes that read them.
    public var keepBodies = false
    public var bodyLimit = 100_000
    /// A network namespace (`/proc/PID/ns/net`) the generator's threads join before they
    /// open any socket: how the grader reaches a service in the sandbox's private network.
    public var networkNamespace: String?

    public init(host: String, port: Int, requests: [RequestTemplate]) {
        self.host = host
        self.port = port
        self.requests = requests
    }

    /// Refuses plans that cannot run, naming the option at fault.
    public func validate() throws {
        guard !requests.isEmpty else { throw LoadError.invalidPlan("no request to send") }
        guard (1...65535).contains(port) else { throw LoadError.invalidPlan("port \(port): expected 1 to 65535") }
        guard (1...10_000).contains(connections) else {
            throw LoadError.invalidPlan("--connections \(connections): expected 1 to 10000")
        }
        guard (1...64).contains(eventLoops) else { throw LoadError.invalidPlan("--event-loops \(eventLoops): expected 1 to 64") }
        guard duration > 0, duration <= 86_400 else {
            throw LoadError.invalidPlan("--duration \(duration): expected a positive number of seconds up to a day")
        }
        guard timeout > 0, timeout <= 3_600 else {
            throw LoadError.invalidPlan("--timeout \(timeout): expected a positive number of seconds up to an hour")
        }
        if case .open(let rate) = mode, !(rate > 0 && rate <= 10_000_000) {
            throw LoadError.invalidPlan("--rate \(rate): expected a positive number of requests per second")
        }
        if let requestLimit, requestLimit < 1 { throw LoadError.invalidPlan("request limit \(requestLimit): expected at least 1") }
    }
}

extension LoadPlan {
    /// A plan for `http://HOST[:PORT][/PATH]`, sending `method` with `body` to that path.
    public init(url: String, method: String = "GET", headers: [(String, String)] = [], body: String = "") throws {
        guard url.hasPrefix("http://") else {
            throw LoadError.invalidPlan("\(url): expected an http:// URL (https is not supported)")
        }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        var path = String(rest.dropFirst(authority.count))
        if path.isEmpty { path = "/" } else if path.hasPrefix("?") { path = "/" + path }
        var host = String(authority)
        var port = 80
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = String(authority[..<colon])
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                throw LoadError.invalidPlan("\(url): the port must be a number from 1 to 65535")
            }
            port = number
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw LoadError.invalidPlan("\(url): no host") }
        self.init(host: host, port: port, requests: [RequestTemplate(method: method, path: path, headers: headers, body: body)])
    }
}
