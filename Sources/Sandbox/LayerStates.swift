import SandboxSpec

/// Whether each sandbox layer was applied: true, false, or nil when nothing reported it.
///
/// A table with one slot per ``Layer`` rather than a `[Layer: Bool]`: the first dictionary
/// keyed by Layer makes the Swift runtime look up Layer's Hashable conformance, which in a
/// static binary scans every conformance record, about 0.1 ms of each `probe run`.
public struct LayerStates: Equatable, Sendable {
    private var states: [Bool?] = Array(repeating: nil, count: Layer.allCases.count)

    public init() {}

    public subscript(layer: Layer) -> Bool? {
        get { states[Self.slot(of: layer)] }
        set { states[Self.slot(of: layer)] = newValue }
    }

    /// The layers that have a state, by name.
    public var reported: [String: Bool] {
        var out: [String: Bool] = [:]
        for layer in Layer.allCases { if let state = self[layer] { out[layer.rawValue] = state } }
        return out
    }

    private static func slot(of layer: Layer) -> Int {
        guard let slot = Layer.allCases.firstIndex(where: { $0 == layer }) else {
            preconditionFailure("Layer.allCases lacks \(layer)")
        }
        return slot
    }
}
