import NIOCore
import NIOHTTP1

/// One connection of a worker and the request it has in flight. Lives on its worker's event
/// loop and is only touched there.
final class LoadConnection {
    /// The connection's number over the whole run; it sends sequence numbers
    /// `index, index + stride, index + 2·stride…`, so numbers are unique across connections.
    let index: Int
    let stride: Int
    var sentCount = 0
    var channel: Channel?
    var handler: ResponseHandler?
    var inFlight: InFlight?
    var finished = false
    var timerPending = false
    /// Open loop: the next slot of this connection's schedule.
    var nextSlot = 0
    /// The last transport error seen on the current channel, to classify its closing.
    var lastError: ErrorClass?

    struct InFlight {
        var sequence: Int
        var sentAt: UInt64
        var scheduledAt: UInt64
        var status: Int?
        var keepAlive = true
        var body: ByteBuffer?
    }

    init(index: Int, stride: Int) {
        self.index = index
        self.stride = stride
    }

    var nextSequence: Int { index + sentCount * stride }
}

/// The first handler of a connection's pipeline: it turns the request head that passed the
/// response decoder (which watches request heads, to know which answers have no body) into
/// the request's prebuilt bytes.
final class RequestWriter: ChannelOutboundHandler {
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = ByteBuffer
    /// The bytes of the request whose head is written next.
    var next: ByteBuffer?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head = unwrapOutboundIn(data), let bytes = next else {
            promise?.succeed(())
            return
        }
        next = nil
        context.write(wrapOutboundOut(bytes), promise: promise)
    }
}

/// The last handler: turns decoded responses and socket events into the worker's calls.
final class ResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    private unowned let worker: LoadWorker
    private let connection: LoadConnection
    private let writer: RequestWriter
    private var context: ChannelHandlerContext?

    init(worker: LoadWorker, connection: LoadConnection, writer: RequestWriter) {
        self.worker = worker
        self.connection = connection
        self.writer = writer
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Sends one request: its head goes through the decoder, its bytes come from the writer.
    func send(_ bytes: ByteBuffer, head: HTTPRequestHead) {
        writer.next = bytes
        context?.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            worker.answerStarted(connection, status: Int(head.status.code), keepAlive: head.isKeepAlive, channel: context.channel)
        case .body(var part):
            worker.answerBody(connection, &part, channel: context.channel)
        case .end:
            worker.answerEnded(connection, channel: context.channel)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        worker.transportError(connection, error, channel: context.channel)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        worker.closed(connection, channel: context.channel)
    }
}
