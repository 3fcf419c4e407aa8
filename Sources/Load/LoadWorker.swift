import CProbeShims
import Glibc
import NIOCore
import NIOPosix

/// The connections of one event loop, their schedule, their deadlines and their recorder.
///
/// Everything here runs on `loop`. The worker is `@unchecked Sendable` only so that the
/// generator can start it with `loop.execute`; from then on it is touched on its loop alone.
final class LoadWorker: @unchecked Sendable {
    let loop: EventLoop
    private let plan: LoadPlan
    private let address: SocketAddress
    private let requests: PreparedRequests
    private var connections: [LoadConnection]
    private var recorder: LoadRecorder
    private let start: UInt64
    private let sendEnd: UInt64
    private let timeoutNanos: UInt64
    /// Open loop: nanoseconds between two sends of one connection.
    private let interval: UInt64?
    private var sendPhaseOver = false
    private var unfinished: Int
    private var sweeper: RepeatedTask?
    private var endTimer: Scheduled<Void>?
    private let done: EventLoopPromise<LoadRecorder>

    /// A request sent this much later than its slot is a late send.
    private static let lateNanos: UInt64 = 1_000_000
    /// Pause before reconnecting after a refused or failed connect, so a dead port is not a busy loop.
    private static let reconnectPause = TimeAmount.milliseconds(10)

    init(loop: EventLoop, plan: LoadPlan, address: SocketAddress, connectionIndices: [Int], start: UInt64) {
        self.loop = loop
        self.plan = plan
        self.address = address
        requests = PreparedRequests(plan.requests, host: plan.host, port: plan.port)
        connections = connectionIndices.map { LoadConnection(index: $0, stride: plan.connections) }
        let highest = UInt64((plan.timeout * 2 + plan.duration + 60) * 1_000_000)
        recorder = LoadRecorder(highestMicros: highest, bodyLimit: plan.keepBodies ? plan.bodyLimit : 0,
                                openLoop: plan.mode != .closed)
        self.start = start
        sendEnd = start + UInt64(plan.duration * 1e9)
        recorder.endedAt = sendEnd
        timeoutNanos = UInt64(plan.timeout * 1e9)
        if case .open(let rate) = plan.mode {
            interval = UInt64(Double(plan.connections) / rate * 1e9)
        } else {
            interval = nil
        }
        unfinished = connections.count
        done = loop.makePromise()
    }

    /// Starts every connection; the future holds the recorder once all are drained and closed.
    func run() -> EventLoopFuture<LoadRecorder> {
        loop.execute { self.begin() }
        return done.futureResult
    }

    private static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }
    private func second(_ time: UInt64) -> Int { time > start ? Int((time - start) / 1_000_000_000) : 0 }

    private func begin() {
        guard !connections.isEmpty else { return done.succeed(recorder) }
        let tick = TimeAmount.nanoseconds(Int64(max(1_000_000, min(10_000_000, timeoutNanos / 20))))
        sweeper = loop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in self.sweep() }
        endTimer = loop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(sendEnd)) { self.endSendPhase() }
        for connection in connections { connect(connection) }
    }

    // MARK: Connections

    private func connect(_ connection: LoadConnection) {
        guard !sendPhaseOver, hasMore(connection) else { return finish(connection) }
        let bootstrap = ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.nanoseconds(Int64(timeoutNanos)))
        bootstrap.connect(to: address).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel):
                self.attach(channel, to: connection)
            case .failure(let error):
                self.recorder.record(Self.classify(error) == .connectionRefused ? .connectionRefused : .other,
                                     second: self.second(Self.now()))
                self.loop.assumeIsolated().scheduleTask(in: Self.reconnectPause) { self.connect(connection) }
            }
        }
    }

    private func attach(_ channel: Channel, to connection: LoadConnection) {
        guard !sendPhaseOver, !connection.finished else {
            channel.close(promise: nil)
            return finish(connection)
        }
        let handler = ResponseHandler(worker: self, connection: connection, keepBodies: plan.keepBodies)
        do {
            try channel.pipeline.syncOperations.addHandler(handler)
        } catch {
            channel.close(promise: nil)
            recorder.record(.other, second: second(Self.now()))
            return finish(connection)
        }
        connection.channel = channel
        connection.handler = handler
        connection.lastError = nil
        trySend(connection)
    }

    /// Drops the connection's channel and opens a new one (or finishes, when the run is over).
    private func reconnect(_ connection: LoadConnection) {
        let channel = connection.channel
        connection.channel = nil
        connection.handler = nil
        channel?.close(promise: nil)
        connect(connection)
    }

    private func finish(_ connection: LoadConnection) {
        guard !connection.finished else { return }
        connection.finished = true
        connection.channel?.close(promise: nil)
        connection.channel = nil
        connection.handler = nil
        unfinished -= 1
        if unfinished == 0 {
            recorder.endedAt = min(Self.now(), sendEnd)
            sweeper?.cancel()
            endTimer?.cancel()
            done.succeed(recorder)
        }
    }

    // MARK: Sending

    private func hasMore(_ connection: LoadConnection) -> Bool {
        guard let limit = plan.requestLimit else { return true }
        return connection.nextSequence < limit
    }

    private func trySend(_ connection: LoadConnection) {
        guard connection.inFlight == nil, !connection.finished else { return }
        guard !sendPhaseOver, hasMore(connection) else { return finish(connection) }
        // No channel: a reconnect is under way, and it calls back here once connected.
        guard let handler = connection.handler, let channel = connection.channel else { return }
        let now = Self.now()
        var scheduled = now
        if let interval {
            guard !connection.timerPending else { return }
            // Connections are staggered over one interval so the rate is smooth, not bursty.
            let offset = interval * UInt64(connection.index) / UInt64(plan.connections)
            let slot = start + offset + UInt64(connection.nextSlot) * interval
            guard slot < sendEnd else { return finish(connection) }
            if slot > now {
                connection.timerPending = true
                loop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(slot)) {
                    connection.timerPending = false
                    self.trySend(connection)
                }
                return
            }
            connection.nextSlot += 1
            scheduled = slot
            if now - slot > Self.lateNanos { recorder.lateSends += 1 }
        }
        let sequence = connection.nextSequence
        connection.sentCount += 1
        connection.inFlight = .init(sequence: sequence, sentAt: now, scheduledAt: scheduled)
        recorder.sent += 1
        let number = sequence + plan.sequenceOffset
        handler.send(requests.buffer(for: number, allocator: channel.allocator), isHead: requests.isHead(number))
    }

    private func endSendPhase() {
        sendPhaseOver = true
        let now = Self.now()
        for connection in connections where !connection.finished {
            if connection.inFlight != nil { recorder.inFlightAtEnd += 1 }
            if let interval {
                // Slots whose time came but that no connection could send: dropped.
                let offset = interval * UInt64(connection.index) / UInt64(plan.connections)
                let due = now > start + offset ? (min(now, sendEnd) - start - offset) / interval + 1 : 0
                let unsent = Int(due) - connection.nextSlot
                if unsent > 0 { recorder.droppedSends += unsent }
            }
            if connection.inFlight == nil { finish(connection) }
        }
    }

    private func sweep() {
        let now = Self.now()
        for connection in connections {
            guard let request = connection.inFlight, now >= request.sentAt + timeoutNanos else { continue }
            let deadline = request.sentAt + timeoutNanos - request.scheduledAt
            recorder.recordTimeout(deadlineMicros: deadline / 1000, second: second(now))
            connection.inFlight = nil
            reconnect(connection)
        }
    }

    // MARK: Answers, from ResponseHandler

    func answerStarted(_ connection: LoadConnection, status: Int, keepAlive: Bool, channel: Channel) {
        guard connection.channel === channel, connection.inFlight != nil else { return }
        connection.inFlight?.status = status
        connection.inFlight?.keepAlive = keepAlive
    }

    func answerBody(_ connection: LoadConnection, _ part: inout ByteBuffer, channel: Channel) {
        // The parser reports body parts only when the plan keeps bodies.
        guard connection.channel === channel, connection.inFlight != nil else { return }
        if connection.inFlight?.body == nil {
            connection.inFlight?.body = part
        } else {
            connection.inFlight?.body?.writeBuffer(&part)
        }
    }

    func answerEnded(_ connection: LoadConnection, channel: Channel) {
        guard connection.channel === channel, let request = connection.inFlight, let status = request.status else { return }
        let now = Self.now()
        connection.inFlight = nil
        recorder.recordAnswer(status: status, correctedMicros: (now - request.scheduledAt) / 1000,
                              uncorrectedMicros: (now - request.sentAt) / 1000, second: second(now))
        if plan.keepBodies {
            let text = request.body.map { String(buffer: $0) } ?? ""
            recorder.keep(ResponseBody(sequence: request.sequence, status: status, body: text))
        }
        if request.keepAlive {
            trySend(connection)
        } else {
            reconnect(connection)
        }
    }

    func transportError(_ connection: LoadConnection, _ error: Error, channel: Channel) {
        guard connection.channel === channel else { return }
        connection.lastError = Self.classify(error)
    }

    func closed(_ connection: LoadConnection, channel: Channel) {
        guard connection.channel === channel else { return }
        if connection.inFlight != nil {
            // Cut short: by the error the channel reported, or, with none, by an EOF.
            recorder.recordUnanswered(connection.lastError ?? .eof, second: second(Self.now()))
            connection.inFlight = nil
        }
        connection.channel = nil
        connection.handler = nil
        connect(connection)
    }

    static func classify(_ error: Error) -> ErrorClass {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return .connectionRefused
            case ECONNRESET, EPIPE: return .reset
            default: return .other
            }
        }
        if let connect = error as? NIOConnectionError {
            let refused = connect.connectionErrors.contains { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }
            return refused ? .connectionRefused : .other
        }
        if let channel = error as? ChannelError {
            if case .connectTimeout = channel { return .timeout }
            return .eof
        }
        return .other
    }
}
