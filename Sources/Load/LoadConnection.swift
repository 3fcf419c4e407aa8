import NIOCore

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

/// A connection's only handler: it writes prebuilt requests and parses their answers with
/// `ResponseParser`, turning them and socket events into the worker's calls.
final class ResponseHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    /// Strong: a channel still closing after its worker's run ended delivers its last events
    /// to a live worker (which ignores them). The worker drops its connections' handlers, so
    /// there is no cycle; the pipeline releases this handler once the channel is closed.
    private let worker: LoadWorker
    private let connection: LoadConnection
    private var parser: ResponseParser
    /// Bytes of an answer that arrived in pieces, kept until the rest comes.
    private var pending: ByteBuffer?
    private var context: ChannelHandlerContext?

    init(worker: LoadWorker, connection: LoadConnection, keepBodies: Bool) {
        self.worker = worker
        self.connection = connection
        parser = ResponseParser(keepBodies: keepBodies)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func send(_ bytes: ByteBuffer, isHead: Bool) {
        parser.expectAnswer(toHead: isHead)
        context?.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data)
        if var earlier = pending {
            pending = nil
            earlier.writeBuffer(&input)
            input = earlier
        }
        let channel = context.channel
        do {
            while let event = try parser.next(&input) {
                switch event {
                case .head(let status, let keepAlive):
                    worker.answerStarted(connection, status: status, keepAlive: keepAlive, channel: channel)
                case .body(var part):
                    worker.answerBody(connection, &part, channel: channel)
                case .end:
                    worker.answerEnded(connection, channel: channel)
                }
            }
        } catch {
            worker.transportError(connection, error, channel: channel)
            context.close(promise: nil)
            return
        }
        if input.readableBytes > 0 {
            input.discardReadBytes()
            pending = input
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        worker.transportError(connection, error, channel: context.channel)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A body without a length ends where the server closes the connection.
        if parser.endOfInput() != nil {
            worker.answerEnded(connection, channel: context.channel)
        }
        worker.closed(connection, channel: context.channel)
    }
}
