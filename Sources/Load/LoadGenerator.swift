import NIOCore
import NIOPosix

/// The event loops a load runs on. When a network namespace is given, every loop thread joins
/// it before the first socket is opened, so the generator reaches a service that listens
/// only inside a sandbox's private loopback. Shut it down when done.
public final class LoadGroup: Sendable {
    public let group: MultiThreadedEventLoopGroup
    public let loops: [EventLoop]

    public init(eventLoops: Int = 1, networkNamespace: String? = nil) throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: eventLoops)
        loops = Array(group.makeIterator())
        if let networkNamespace {
            do {
                for loop in loops { try loop.submit { try NetworkNamespace.join(networkNamespace) }.wait() }
            } catch {
                try? group.syncShutdownGracefully()
                throw error
            }
        }
    }

    public func shutdown() {
        try? group.syncShutdownGracefully()
    }
}

/// Runs a ``LoadPlan``: connections are spread over the group's loops, each loop measures its
/// own share, and the loops' histograms are merged at the end.
public enum LoadGenerator {
    /// Runs `plan` on a group of its own and waits for the report.
    public static func run(_ plan: LoadPlan) throws -> LoadReport {
        try plan.validate()
        let group = try LoadGroup(eventLoops: plan.eventLoops, networkNamespace: plan.networkNamespace)
        defer { group.shutdown() }
        return try run(plan, on: group).wait()
    }

    /// Runs `plan` on `group`'s loops (the plan's `eventLoops` is ignored: the group decides).
    public static func run(_ plan: LoadPlan, on group: LoadGroup) -> EventLoopFuture<LoadReport> {
        let first = group.loops[0]
        let address: SocketAddress
        do {
            try plan.validate()
            address = try SocketAddress.makeAddressResolvingHost(plan.host, port: plan.port)
        } catch {
            return first.makeFailedFuture(error)
        }
        let start = NIODeadline.now().uptimeNanoseconds
        let count = min(group.loops.count, plan.connections)
        let effective = { var copy = plan; copy.eventLoops = count; return copy }()
        let workers = (0..<count).map { loopIndex in
            LoadWorker(loop: group.loops[loopIndex], plan: effective, address: address,
                       connectionIndices: Array(Swift.stride(from: loopIndex, to: plan.connections, by: count)), start: start)
        }
        let futures = workers.map { $0.run() }
        return EventLoopFuture.whenAllSucceed(futures, on: first).map { recorders in
            var merged = recorders[0]
            for recorder in recorders.dropFirst() { merged.merge(recorder) }
            let seconds = Double(merged.endedAt > start ? merged.endedAt - start : 0) / 1e9
            return LoadReport(plan: effective, recorder: merged, sendSeconds: seconds)
        }
    }

    /// One request on its own connection: its status and body, or nil when no answer came
    /// before `timeout`. For readiness checks and reading a service's counters.
    public static func fetch(_ request: RequestTemplate, host: String = "127.0.0.1", port: Int, timeout: Double,
                             on group: LoadGroup) -> EventLoopFuture<ResponseBody?> {
        var plan = LoadPlan(host: host, port: port, requests: [request])
        plan.connections = 1
        plan.requestLimit = 1
        plan.duration = timeout
        plan.timeout = timeout
        plan.keepBodies = true
        return run(plan, on: group).map { $0.bodies.first }
    }
}
