import Foundation
import Synchronization

/// Live progress of a pytest run, read from the result channel as it arrives: a test started
/// or finished. Display only; results come from the whole stream, checked, at the end.
public enum TestProgress: Sendable {
    case collected(Int)
    case started(String)
    case finished(String, outcome: String)
}

/// Turns channel chunks into ``TestProgress`` events, line by line.
final class ProgressDecoder: Sendable {
    private let pending = Mutex<[UInt8]>([])
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
            case "result": if let id = event.nodeid { handler(.finished(id, outcome: event.outcome ?? "?")) }
            default: continue
            }
        }
    }
}
