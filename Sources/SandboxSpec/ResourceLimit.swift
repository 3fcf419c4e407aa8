/// One setrlimit(2) the launcher applies to the target before exec.
public struct ResourceLimit: Equatable, Sendable {
    public enum Resource: String, CaseIterable, Sendable {
        case cpu, fsize, core, nproc, nofile, addressSpace = "as"
    }

    public var resource: Resource
    public var soft: UInt64
    public var hard: UInt64

    public init(_ resource: Resource, soft: UInt64, hard: UInt64? = nil) {
        self.resource = resource
        self.soft = soft
        self.hard = hard ?? soft
    }

    /// `NAME=SOFT:HARD`, as passed on the launcher's command line.
    public var argument: String { "\(resource.rawValue)=\(soft):\(hard)" }

    public init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, let resource = Resource(rawValue: String(parts[0])) else { return nil }
        let values = parts[1].split(separator: ":")
        guard values.count == 2, let soft = UInt64(values[0]), let hard = UInt64(values[1]), soft <= hard else {
            return nil
        }
        self.init(resource, soft: soft, hard: hard)
    }
}
