import Foundation
import Load
import TaskBank

/// Measures one probe against one running service. Each kind lives in `ProbeMeter+Kind.swift`
/// with its measurement and its checks.
struct ProbeMeter {
    let spec: ProbeSpec
    let service: RunningService

    func measure() throws -> ProbeMeasurement {
        switch spec.kind {
        case .latency: try measureLatency()
        case .nPlusOne: try measureNPlusOne()
        case .memoryGrowth: try measureMemoryGrowth()
        case .hungDownstream: try measureHungDownstream()
        case .blocking: try measureBlocking()
        case .race: try measureRace()
        }
    }

    /// The checks of `spec` on `measured`, against the reference's figures where thresholds are relative.
    static func checks(_ spec: ProbeSpec, _ measured: ProbeMeasurement, reference: ProbeMeasurement?) -> [ProbeResult.Check] {
        var checks = measured.facts
        switch spec.kind {
        case .latency: checks += latencyChecks(spec, measured, reference: reference)
        case .nPlusOne: checks += nPlusOneChecks(spec, measured)
        case .memoryGrowth: checks += memoryChecks(spec, measured)
        case .hungDownstream: checks += hungDownstreamChecks(spec, measured)
        case .blocking: checks += blockingChecks(spec, measured, reference: reference)
        case .race: break
        }
        return checks
    }

    // MARK: Shared helpers

    func plan(_ line: ProbeSpec.RequestLine, body: String = "", path: String? = nil) -> LoadPlan {
        var plan = LoadPlan(host: "127.0.0.1", port: service.port,
                            requests: [RequestTemplate(method: line.method, path: path ?? line.path, body: body)])
        plan.connections = spec.connections
        plan.duration = spec.duration
        plan.timeout = spec.timeout
        return plan
    }

    func run(_ plan: LoadPlan, label: String, into measured: inout ProbeMeasurement) throws -> LoadReport {
        let report = try LoadGenerator.run(plan, on: service.group).wait()
        measured.phases.append(.init(label: label, load: report))
        return report
    }

    func fetch(_ line: ProbeSpec.RequestLine, path: String? = nil, body: String = "") throws -> ResponseBody? {
        try LoadGenerator.fetch(RequestTemplate(method: line.method, path: path ?? line.path, body: body),
                                port: service.port, timeout: spec.timeout, on: service.group).wait()
    }

    /// Error rate over everything sent: transport failures and 5xx answers.
    static func errorRate(_ report: LoadReport) -> Double {
        let failures = report.unanswered + report.errors(.status5xx)
        return report.sent == 0 ? 1 : Double(failures) / Double(report.sent)
    }

    static func milliseconds(_ micros: UInt64) -> Double { Double(micros) / 1000 }

    /// A number at `field` (dotted for nesting) of a JSON object body.
    static func number(in body: String, field: String) -> Double? {
        guard case .number(let value)? = value(in: body, field: field) else { return nil }
        return value
    }

    /// The value at `field` of a JSON object body, as text, for comparing ids.
    static func text(in body: String, field: String) -> String? {
        switch value(in: body, field: field) {
        case .number(let value)?: ProbeResult.Check.format(value)
        case .string(let value)?: value
        default: nil
        }
    }

    private static func value(in body: String, field: String) -> JSONValue? {
        guard var value = try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8)) else { return nil }
        for part in field.split(separator: ".") {
            guard case .object(let object) = value, let next = object[String(part)] else { return nil }
            value = next
        }
        return value
    }
}

/// Any JSON value. Decoded with JSONDecoder, which (unlike JSONSerialization on Linux) never
/// mistakes a 0 or 1 for a boolean.
enum JSONValue: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }
}
