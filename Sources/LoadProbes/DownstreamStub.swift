import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The grader-owned downstream the service calls (a pricing service, say). Healthy, it
/// answers every request with the task's JSON body after the task's delay. For the
/// hung-downstream probe it can accept and never answer, or answer late; lifting the fault
/// closes the connections it held, so the service sees its calls fail at once.
///
/// It listens on the same event loop as the generator, whose thread has joined the sandbox's
/// network namespace: only the service, inside the sandbox, can reach it.
final class DownstreamStub: @unchecked Sendable {
    enum Mode: Equatable {
        case healthy
        case hang
        case delay(Double)
    }

    static let port = 18_081
    let loop: EventLoop
    private let body: String
    private let healthyDelay: Double
    // Touched on `loop` only.
    private var mode: Mode = .healthy
    private var held: [Channel] = []
    private(set) var requestsSeen = 0
    private var server: Channel?

    init(loop: EventLoop, body: String, delay: Double) {
        self.loop = loop
        self.body = body
        healthyDelay = delay
    }

    static var url: String { "http://127.0.0.1:\(port)" }

    /// Listens on 127.0.0.1 in the sandbox's namespace. The stub binds as soon as the
    /// namespace appears, while init may be bringing `lo` up, and during that transition
    /// the kernel refuses 127.0.0.1 with EADDRNOTAVAIL for a moment (about 1 bind in 8,000
    /// made across it, measured here; one of them failed a CI run). That error is retried
    /// until `deadline`.
    func start(until deadline: Date) throws {
        while true {
            do {
                return try bind()
            } catch let error as IOError where error.errnoCode == EADDRNOTAVAIL && Date() < deadline {
                usleep(1000)
            }
        }
    }

    private func bind() throws {
        let bootstrap = ServerBootstrap(group: loop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(StubHandler(stub: self))
                }
            }
        // Bound from the loop's own thread, so the socket is made in the sandbox's namespace.
        server = try loop.flatSubmit { bootstrap.bind(host: "127.0.0.1", port: Self.port) }.wait()
    }

    func set(_ newMode: Mode) {
        try? loop.submit {
            self.mode = newMode
            if newMode == .healthy {
                for channel in self.held { channel.close(promise: nil) }
                self.held.removeAll()
            }
        }.wait()
    }

    func requestCount() -> Int { (try? loop.submit { self.requestsSeen }.wait()) ?? 0 }

    func stop() {
        try? loop.submit {
            for channel in self.held { channel.close(promise: nil) }
            self.held.removeAll()
            self.server?.close(promise: nil)
        }.wait()
    }

    fileprivate func answer(_ context: ChannelHandlerContext, keepAlive: Bool) {
        requestsSeen += 1
        switch mode {
        case .hang:
            held.append(context.channel)
        case .delay(let seconds):
            respond(context, after: seconds, keepAlive: keepAlive)
        case .healthy:
            respond(context, after: healthyDelay, keepAlive: keepAlive)
        }
    }

    private func respond(_ context: ChannelHandlerContext, after seconds: Double, keepAlive: Bool) {
        let channel = context.channel
        let bytes = body
        let send = {
            var head = HTTPResponseHead(version: .http1_1, status: .ok)
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: String(bytes.utf8.count))
            if !keepAlive { head.headers.add(name: "Connection", value: "close") }
            channel.write(HTTPServerResponsePart.head(head), promise: nil)
            channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: bytes))), promise: nil)
            channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in
                if !keepAlive { channel.close(promise: nil) }
            }
        }
        if seconds > 0 {
            loop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { send() }
        } else {
            send()
        }
    }
}

private final class StubHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    private let stub: DownstreamStub
    private var keepAlive = true

    init(stub: DownstreamStub) { self.stub = stub }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): keepAlive = head.isKeepAlive
        case .body: break
        case .end: stub.answer(context, keepAlive: keepAlive)
        }
    }
}
