import Foundation
import ProbeTestSupport
import Testing

/// Checks on the task bank's own files that `probe validate` cannot make.
struct TaskBankContentTests {
    static let billing = ProbeProcess.repository.appendingPathComponent("Tasks/billing-regression-tests")

    /// The code of a Python test module: without its module docstring and its rubric markers.
    static func code(_ relative: String) throws -> [String] {
        let text = try String(contentsOf: billing.appendingPathComponent(relative), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        if lines.first?.hasPrefix("\"\"\"") == true, let end = lines.dropFirst().firstIndex(where: { $0.contains("\"\"\"") }) {
            lines.removeSubrange(0...end)
        }
        return lines.filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("@pytest.mark.rubric(") }
            .drop { $0.isEmpty }.map { $0 }
    }

    /// The grader's copy of the reference regression tests (the hidden suite cannot reach
    /// reference/, which never enters a workspace) must not drift from the reference itself.
    @Test func theHiddenCopyOfTheBillingReferenceTestsMatchesTheReference() throws {
        let hidden = try Self.code("hidden/test_reference_regressions.py")
        let reference = try Self.code("reference/tests/test_proration_regressions.py")
        #expect(hidden.count > 100)
        let differing = zip(hidden, reference).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(differing == nil, "first difference: hidden \"\(differing?.element.0 ?? "")\", reference \"\(differing?.element.1 ?? "")\"")
        #expect(hidden.count == reference.count)
    }
}
