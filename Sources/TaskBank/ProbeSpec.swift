import Foundation

/// One entry of `task.yaml`'s `probes:`: a load probe, its parameters and its thresholds.
/// Which keys are allowed depends on `kind`; Tasks/README.md lists them.
public struct ProbeSpec: Decodable, Sendable {
    public enum Kind: String, CaseIterable, Sendable, Codable {
        case latency
        case nPlusOne = "n-plus-one"
        case memoryGrowth = "memory-growth"
        case hungDownstream = "hung-downstream"
        case blocking
        case race
    }

    /// `GET /products?limit=20`: a method and a path.
    public struct RequestLine: Sendable, Equatable, TextDecodable, CustomStringConvertible {
        static let expected = "a method and a path, like GET /products?limit=20"
        public var method: String
        public var path: String
        public var description: String { "\(method) \(path)" }

        public init?(_ text: String) {
            let parts = text.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(String(parts[0])),
                  parts[1].hasPrefix("/") else { return nil }
            method = String(parts[0])
            path = String(parts[1])
        }
    }

    public enum Fault: String, CaseIterable, Sendable { case hang, delay }
    public enum Direction: String, CaseIterable, Sendable { case increments, decrements }

    public var name: String
    public var kind: Kind
    public var rubric: RubricDimension
    public var weight: Int
    /// What the starter gets wrong that this probe measures. When set, the starter must fail it.
    public var defect: String?
    public var request: RequestLine
    public var body: String
    public var connections: Int
    /// Seconds of load (latency, hung-downstream's fault, blocking); memory-growth's whole
    /// sweep must fit in it.
    public var duration: Double
    /// Each request's deadline, in seconds.
    public var timeout: Double

    // latency, hung-downstream, blocking
    public var p50Ms: Double?
    public var p99Ms: Double?
    /// The candidate's p99 may be at most this multiple of the reference's, measured in the same run.
    public var relativeP99: Double?
    public var minRPS: Double?
    /// The candidate's throughput must be at least this fraction of the reference's.
    public var relativeRPS: Double?
    public var maxErrorRate: Double?
    /// Whether a threshold is relative to the reference's figures, so judging this probe
    /// needs the reference measured in the same run.
    public var comparesWithReference: Bool { relativeP99 != nil || relativeRPS != nil }
    // n-plus-one
    public var sizes: [Int]
    public var repeats: Int
    public var maxStatementGrowth: Int
    // memory-growth
    public var keys: Int
    public var maxBytesPerKey: Double?
    public var maxGrowthMiB: Double?
    // hung-downstream
    public var fault: Fault
    public var faultDelay: Double
    public var allowedStatuses: [Int]
    public var recovery: Double
    public var recoveredStatus: Int
    public var recoveredBodyContains: String?
    // blocking
    public var health: RequestLine?
    // race
    public var requests: Int
    public var counter: RequestLine?
    public var counterField: String?
    public var direction: Direction
    public var idField: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, kind, rubric, weight, defect, request, body, connections, duration, timeout
        case p50Ms = "p50_ms", p99Ms = "p99_ms", relativeP99 = "relative_p99", minRPS = "min_rps"
        case relativeRPS = "relative_rps", maxErrorRate = "max_error_rate"
        case sizes, repeats, maxStatementGrowth = "max_statement_growth"
        case keys, maxBytesPerKey = "max_bytes_per_key", maxGrowthMiB = "max_growth_mib"
        case fault, faultDelay = "fault_delay", allowedStatuses = "allowed_statuses", recovery
        case recoveredStatus = "recovered_status", recoveredBodyContains = "recovered_body_contains"
        case health, requests, counter, counterField = "counter_field", direction, idField = "id_field"
    }

    static let common: Set<CodingKeys> = [.name, .kind, .rubric, .weight, .defect, .request, .body, .connections, .duration, .timeout]
    static let allowed: [Kind: Set<CodingKeys>] = [
        .latency: [.p50Ms, .p99Ms, .relativeP99, .minRPS, .relativeRPS, .maxErrorRate],
        .nPlusOne: [.sizes, .repeats, .maxStatementGrowth],
        .memoryGrowth: [.keys, .maxBytesPerKey, .maxGrowthMiB],
        .hungDownstream: [.fault, .faultDelay, .p99Ms, .allowedStatuses, .recovery, .recoveredStatus, .recoveredBodyContains],
        .blocking: [.health, .p99Ms, .relativeP99],
        .race: [.requests, .counter, .counterField, .direction, .idField],
    ]

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(.name, parse: { Self.isValidName($0) ? $0 : nil }, expected: "lowercase letters, digits and dashes, like listing-latency")
        kind = try c.decodeEnum(.kind)
        let allowed = Self.common.union(Self.allowed[kind] ?? [])
        for key in c.allKeys where !allowed.contains(key) {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not a field of a \(kind.rawValue) probe; expected one of: \(allowed.map(\.stringValue).sorted().joined(separator: ", "))")
        }
        rubric = c.contains(.rubric) ? try c.decodeEnum(.rubric) : .codeQuality
        weight = try c.positive(.weight, default: 1)
        defect = try c.decodeIfPresent(String.self, forKey: .defect)
        request = try c.decode(RequestLine.self, forKey: .request)
        body = try c.decodeIfPresent(String.self, forKey: .body) ?? ""
        connections = try c.positive(.connections, default: 8)
        duration = try c.decodeIfPresent(TimeSpan.self, forKey: .duration)?.seconds ?? (kind == .memoryGrowth ? 60 : 3)
        timeout = try c.decodeIfPresent(TimeSpan.self, forKey: .timeout)?.seconds ?? 2
        p50Ms = try c.decodeIfPresent(Double.self, forKey: .p50Ms)
        p99Ms = try c.decodeIfPresent(Double.self, forKey: .p99Ms)
        relativeP99 = try c.decodeIfPresent(Double.self, forKey: .relativeP99)
        minRPS = try c.decodeIfPresent(Double.self, forKey: .minRPS)
        relativeRPS = try c.decodeIfPresent(Double.self, forKey: .relativeRPS)
        maxErrorRate = try c.decodeIfPresent(Double.self, forKey: .maxErrorRate)
        sizes = try c.decodeIfPresent([Int].self, forKey: .sizes) ?? [10, 100]
        repeats = try c.positive(.repeats, default: 3)
        maxStatementGrowth = try c.decodeIfPresent(Int.self, forKey: .maxStatementGrowth) ?? 0
        keys = try c.positive(.keys, default: 20_000)
        maxBytesPerKey = try c.decodeIfPresent(Double.self, forKey: .maxBytesPerKey)
        maxGrowthMiB = try c.decodeIfPresent(Double.self, forKey: .maxGrowthMiB)
        fault = c.contains(.fault) ? try c.decodeEnum(.fault) : .hang
        faultDelay = try c.decodeIfPresent(TimeSpan.self, forKey: .faultDelay)?.seconds ?? 5
        allowedStatuses = try c.decodeIfPresent([Int].self, forKey: .allowedStatuses) ?? [200, 502, 503, 504]
        recovery = try c.decodeIfPresent(TimeSpan.self, forKey: .recovery)?.seconds ?? 5
        recoveredStatus = try c.decodeIfPresent(Int.self, forKey: .recoveredStatus) ?? 200
        recoveredBodyContains = try c.decodeIfPresent(String.self, forKey: .recoveredBodyContains)
        health = try c.decodeIfPresent(RequestLine.self, forKey: .health)
        requests = try c.positive(.requests, default: 300)
        counter = try c.decodeIfPresent(RequestLine.self, forKey: .counter)
        counterField = try c.decodeIfPresent(String.self, forKey: .counterField)
        direction = c.contains(.direction) ? try c.decodeEnum(.direction) : .increments
        idField = try c.decodeIfPresent(String.self, forKey: .idField)

        switch kind {
        case .nPlusOne:
            guard sizes.count == 2, sizes[0] >= 1, sizes[1] > sizes[0] else {
                throw DecodingError.dataCorruptedError(forKey: .sizes, in: c, debugDescription: "expected two list sizes, small then large, like [10, 100]")
            }
            guard request.path.contains("{size}") else {
                throw DecodingError.dataCorruptedError(forKey: .request, in: c, debugDescription: "an n-plus-one request needs {size} in its path (and {i} to vary repeats past a cache)")
            }
        case .memoryGrowth:
            guard request.path.contains("{n}") || body.contains("{n}") else {
                throw DecodingError.dataCorruptedError(forKey: .request, in: c, debugDescription: "a memory-growth request needs {n} in its path or body, so each request uses a new key")
            }
            guard maxBytesPerKey != nil || maxGrowthMiB != nil else {
                throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "a memory-growth probe needs max_bytes_per_key or max_growth_mib")
            }
        case .blocking:
            guard health != nil else { throw DecodingError.keyNotFound(CodingKeys.health, .init(codingPath: c.codingPath, debugDescription: "")) }
        case .race:
            guard counter != nil, counterField != nil else {
                throw DecodingError.keyNotFound(counter == nil ? CodingKeys.counter : .counterField, .init(codingPath: c.codingPath, debugDescription: ""))
            }
        case .latency, .hungDownstream:
            break
        }
    }

    public static func isValidName(_ name: String) -> Bool { TaskManifest.isValidID(name) }
}

extension KeyedDecodingContainer {
    func positive(_ key: Key, default value: Int) throws -> Int {
        guard let decoded = try decodeIfPresent(Int.self, forKey: key) else { return value }
        guard decoded > 0 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "expected a positive whole number, got \(decoded)")
        }
        return decoded
    }
}
