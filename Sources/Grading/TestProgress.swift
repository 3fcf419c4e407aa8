import Foundation
import Synchronization

/// Live progress of a pytest run, read from the result channel as it arrives: a test started
/// or finished. Display only; results come from the whole stream, checked, at the end.
public enum TestProgress: Sendable {
    case collected(Int)
    case started(String)
    case finished(String, outcome: String)
    /// A canary the run planted ended: `failed` is what it must do; anything else means the
    /// reporting was tampered with (the report's integrity findings say so, with evidence).
    case canary(outcome: String)
}

/// Turns channel chunks into ``TestProgress`` events, line by line.
final class ProgressDecoder: Sendable {
    private let pending = Mutex<[UInt8]>([])
    private let canaries = Mutex<Set<String>>([])
    private let handler: @Sendable (TestProgress) -> Void

    init(_ handler: @escaping @Sendable (TestProgress) -> Void) {
        self.handler = handler
    }

    private struct Line: Decodable {
        var event: String
        var nodeid: String?
        var outcome: String?
        var tests: [ResultStream.CollectedTest]?
    }

    /// The node ids of the canaries planted in this run, so their results show as canaries.
    func expectCanaries(_ ids: [String]) {
        canaries.withLock { $0.formUnion(ids) }
    }

    private func isCanary(_ id: String) -> Bool {
        let base = id.firstIndex(of: "[").map { String(id[..<$0]) } ?? id
        return canaries.withLock { $0.contains(base) }
    }

    func feed(_ bytes: [UInt8]) {
        let lines: [ArraySlice<UInt8>] = pending.withLock { buffer in
            buffer += bytes
            guard let last = buffer.lastIndex(of: 0x0a) else { return [] }
            let complete = Array(buffer[...last])
            buffer.removeFirst(last + 1)
            return complete.split(separator: 0x0a)
        }
        for line in lines {
            guard let event = try? JSONDecoder().decode(Line.self, from: Data(line)) else { continue }
            switch event.event {
            case "collected": handler(.collected(event.tests?.count ?? 0))
            case "start": if let id = event.nodeid { handler(.started(id)) }
            case "result":
                guard let id = event.nodeid else { continue }
                handler(isCanary(id) ? .canary(outcome: event.outcome ?? "?") : .finished(id, outcome: event.outcome ?? "?"))
            default: continue
            }
        }
    }
}
