import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An HTTP/1.1 server on loopback whose paths misbehave on purpose:
/// `/ok` answers 200, `/hang` never answers, `/503` answers 503, `/stall-first` answers the
/// very first request after 300 ms and the rest at once, `/cut` sends half a response and
/// closes, `/echo-n?n=K` answers K in its body, `/chunked?n=K` answers K in a chunked body,
/// `/until-close` answers a body with no length and closes, and `/garbage` answers bytes
/// that are not HTTP.
final class TestServer: Sendable {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let requests = Mutex(0)
    let firstStalled = Mutex(false)
    private let channel: Mutex<Channel?> = Mutex(nil)

    var port: Int { channel.withLock { $0?.localAddress?.port ?? 0 } }
    var count: Int { requests.withLock { $0 } }

    init() throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(server: self))
                }
            }
        let bound = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        channel.withLock { $0 = bound }
    }

    func shutdown() {
        try? group.syncShutdownGracefully()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: TestServer
        var uri = ""

        init(server: TestServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): uri = head.uri
            case .body: break
            case .end:
                server.requests.withLock { $0 += 1 }
                respond(context)
            }
        }

        private func respond(_ context: ChannelHandlerContext) {
            let path = String(uri.prefix { $0 != "?" })
            switch path {
            case "/hang":
                return
            case "/cut":
                var head = HTTPResponseHead(version: .http1_1, status: .ok)
                head.headers.add(name: "Content-Length", value: "100")
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "partial")))), promise: nil)
                context.close(promise: nil)
            case "/503":
                send(context, status: .serviceUnavailable, body: "down")
            case "/stall-first":
                let first = server.firstStalled.withLock { stalled in
                    defer { stalled = true }
                    return !stalled
                }
                if first {
                    let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
                    context.eventLoop.scheduleTask(in: .milliseconds(300)) {
                        self.send(loopBound.value, status: .ok, body: "late")
                    }
                } else {
                    send(context, status: .ok, body: "ok")
                }
            case "/echo-n":
                send(context, status: .ok, body: "{\"n\": \(uri.split(separator: "=").last ?? "")}")
            case "/chunked":
                // No Content-Length: NIO's encoder frames the body in chunks, one per write.
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok))), promise: nil)
                for part in ["{\"n\": ", uri.split(separator: "=").last.map(String.init) ?? "", "}"] {
                    context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: part)))), promise: nil)
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case "/until-close":
                sendRaw(context, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it")
            case "/garbage":
                sendRaw(context, "HTTP/1.1 2x0 OK\r\n\r\n")
            default:
                send(context, status: .ok, body: "ok")
            }
        }

        /// Writes bytes past NIO's response encoder, which would frame them, then closes.
        private func sendRaw(_ context: ChannelHandlerContext, _ text: String) {
            guard let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else {
                return context.close(promise: nil)
            }
            encoder.writeAndFlush(NIOAny(ByteBuffer(string: text)), promise: nil)
            context.close(promise: nil)
        }

        private func send(_ context: ChannelHandlerContext, status: HTTPResponseStatus, body: String) {
            var head = HTTPResponseHead(version: .http1_1, status: status)
            head.headers.add(name: "Content-Length", value: String(body.utf8.count))
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
