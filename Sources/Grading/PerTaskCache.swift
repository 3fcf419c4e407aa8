import Foundation
import Synchronization

/// A value measured once per task and grading session, however many submissions ask for it
/// at once: the first caller measures while the others for the same task wait, so
/// `probe grade --jobs N` never runs the same reference pass twice. A failed measurement is
/// not kept; the next caller tries again.
final class PerTaskCache<Value: Sendable>: Sendable {
    private final class Slot: @unchecked Sendable {
        let lock = NSLock()
        var value: Value?
    }

    private let slots = Mutex<[String: Slot]>([:])

    init() {}

    func value(for task: String, _ measure: () throws -> Value) rethrows -> Value {
        let slot = slots.withLock { slots in
            if let slot = slots[task] { return slot }
            let slot = Slot()
            slots[task] = slot
            return slot
        }
        slot.lock.lock()
        defer { slot.lock.unlock() }
        if let value = slot.value { return value }
        let value = try measure()
        slot.value = value
        return value
    }
}
