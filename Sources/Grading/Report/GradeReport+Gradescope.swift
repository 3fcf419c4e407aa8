import Foundation

extension GradeReport {
    /// `results.json` in Gradescope's autograder format, so Probe can run as a Gradescope
    /// autograder. Each test scores its weight; hidden tests are `visibility: hidden`.
    public func gradescope() throws -> Data {
        struct Test: Encodable {
            var score: Double
            var max_score: Double
            var status: String
            var name: String
            var output: String
            var tags: [String]
            var visibility: String
        }
        struct Results: Encodable {
            var score: Double
            var execution_time: Double
            var output: String
            var visibility: String
            var stdout_visibility: String
            var tests: [Test]
        }
        let trusted = verdict.status == .graded
        let tests = self.tests.map { test in
            let weight = Double(max(test.weight, 1))
            return Test(score: trusted && test.outcome == .passed ? weight : 0, max_score: weight,
                        status: test.outcome == .passed ? "passed" : "failed", name: test.id,
                        output: test.outcome == .passed ? "" : "\(test.outcome.rawValue): \(test.message)",
                        tags: test.rubric, visibility: test.id.hasPrefix("hidden/") ? "hidden" : "visible")
        } + probes.map { probe in
            // A load probe scores its weight like a test; what it measured is its output.
            Test(score: trusted && probe.passed ? Double(probe.weight) : 0, max_score: Double(probe.weight),
                 status: probe.passed ? "passed" : "failed", name: "load probe \(probe.name)",
                 output: (probe.passed ? probe.checks.map { "\($0.name): \($0.actual)" } : probe.failures).joined(separator: "\n"),
                 tags: [probe.rubric.rawValue], visibility: "visible")
        }
        var output = "Verdict: \(verdict.status.rawValue)\(verdict.reason.map { " — " + $0 } ?? "")"
        if let hiddenSummary { output += "\nHidden tests: \(hiddenSummary.passed) of \(hiddenSummary.total) passed." }
        let results = Results(score: tests.map(\.score).reduce(0, +), execution_time: Double(timing.wallMS) / 1000,
                              output: output, visibility: "after_published", stdout_visibility: "hidden", tests: tests)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(results) + Data("\n".utf8)
    }
}
