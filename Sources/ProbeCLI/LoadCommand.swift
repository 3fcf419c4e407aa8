import ArgumentParser
import Grading
import Load
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load an HTTP/1.1 service and report throughput, errors and latency percentiles.",
        discussion: """
        Closed loop by default: every connection sends its next request as soon as the answer \
        arrives. --rate switches to open loop, where latency is measured from each request's \
        scheduled send time, so a stalled server cannot hide the requests it delayed \
        (coordinated omission). Every request has a deadline (--timeout); a request past it is \
        an error, never dropped. A `{n}` in the URL or body is replaced by the request's number.
        """
    )

    @Argument(help: "The target, http://HOST:PORT/PATH.")
    var url: String

    @Option(help: "Concurrent keep-alive connections.")
    var connections = 16

    @Option(help: "Open loop: total requests per second, spread over the connections.")
    var rate: Double?

    @Option(help: "Seconds of sending; in-flight requests are drained afterwards.")
    var duration = 10.0

    @Option(help: "Each request's deadline, in seconds.")
    var timeout = 2.0

    @Option(name: .customLong("event-loops"), help: "Event-loop threads.")
    var eventLoops = 1

    @Option(help: "HTTP method.")
    var method = "GET"

    @Option(name: .customLong("header"), help: "An extra header, NAME: VALUE (repeatable).")
    var headers: [String] = []

    @Option(help: "Request body (sent with Content-Length).")
    var body = ""

    @Option(help: "Stop after this many requests.")
    var requests: Int?

    @Flag(help: "Print the report as one JSON object on stdout.")
    var json = false

    func validate() throws {
        for header in headers where !header.contains(":") {
            throw ValidationError("--header \(header): expected NAME: VALUE")
        }
        _ = try plan()
    }

    func plan() throws -> LoadPlan {
        let pairs = headers.map { header -> (String, String) in
            let colon = header.firstIndex(of: ":")!
            return (String(header[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(header[header.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        do {
            var plan = try LoadPlan(url: url, method: method.uppercased(), headers: pairs, body: body)
            plan.connections = connections
            plan.duration = duration
            plan.timeout = timeout
            plan.eventLoops = eventLoops
            plan.requestLimit = requests
            if let rate { plan.mode = .open(rate: rate) }
            try plan.validate()
            return plan
        } catch let error as LoadError {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        let report = try LoadGenerator.run(plan())
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(LoadSummary(report: report).text)
        }
    }
}

/// `probe load`'s human output: counts, errors by class, then the percentile table.
struct LoadSummary {
    let report: LoadReport

    var text: String {
        let r = report
        var lines = ["\(r.mode) loop, \(r.connections) connections, \(r.eventLoops) event loop(s), \(r.durationS) s"
                     + (r.rate.map { ", target \(GradeReport.format($0)) req/s" } ?? "")]
        lines.append("  \(GradeReport.format(r.requestsPerSecond)) req/s: \(r.sent) sent, \(r.completed) answered, "
                     + "\(r.unanswered) unanswered, \(r.inFlightAtEnd) in flight at the end (drained)")
        let errors = ErrorClass.allCases.compactMap { kind in r.errors(kind) > 0 ? "\(kind.rawValue) \(r.errors(kind))" : nil }
        lines.append("  errors: " + (errors.isEmpty ? "none" : errors.joined(separator: ", ")))
        if r.mode == "open" { lines.append("  late sends \(r.lateSends), dropped sends \(r.droppedSends)") }
        lines.append("  latency (µs)            p50        p90        p99      p99.9        max")
        func row(_ name: String, _ p: LoadReport.Percentiles) -> String {
            "  " + name.padding(toLength: 18, withPad: " ", startingAt: 0)
                + [p.p50, p.p90, p.p99, p.p999, p.max].map { String($0).leftPadded(11) }.joined()
        }
        lines.append(row(r.mode == "open" ? "corrected" : "answers", r.latencyUs))
        if let uncorrected = r.latencyUncorrectedUs { lines.append(row("uncorrected", uncorrected)) }
        lines.append(row("with timeouts", r.latencyIncludingTimeoutsUs))
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
