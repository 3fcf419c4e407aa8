import Foundation
import Sandbox

/// What one mutation run reported, read from its result channel: lines without the run's
/// token, or that do not decode, are ignored (and counted), so nothing the tests print can
/// pose as a result. Whatever finished before a crash or a kill is kept.
public struct MutationOutcome: Sendable {
    public struct Baseline: Decodable, Sendable {
        /// `ok`, or how the run on the unaltered tree ended: `timeout`, `crashed`, `no-tests`.
        public var status: String
        public var outcomes: [String: String]
        public var messages: [String: String]
        public var coverage: [String: [String: [Int]]]
        public var ms: Int
    }

    public struct Mutant: Decodable, Sendable {
        public var id: String
        public var kind: String
        public var file: String?
        public var line: Int?
        public var `operator`: String?
        public var description: String
        public var tests: [String]
        public var outcomes: [String: String]
        public var status: String
        public var ms: Int
    }

    public var verdict: Verdict
    public var baseline: Baseline?
    /// Tests whose body asserts nothing.
    public var noAssert: [String] = []
    public var mutants: [Mutant] = []
    public var generated = 0
    public var capped = false
    /// The driver reached its end.
    public var finished = false
    public var ignoredLines = 0

    /// No run: nothing to judge (a submission without tests).
    static let empty = MutationOutcome(verdict: Verdict.setupFailure(stage: "none", message: "no tests to run"), token: "")

    init(verdict: Verdict, token: String) {
        self.verdict = verdict
        struct Envelope: Decodable {
            var t: String
            var event: String
        }
        struct Static: Decodable { var no_assert: [String] }
        struct Done: Decodable {
            var generated: Int
            var capped: Bool
        }
        let decoder = JSONDecoder()
        for line in verdict.channel.split(separator: UInt8(ascii: "\n")) {
            let data = Data(line)
            guard let envelope = try? decoder.decode(Envelope.self, from: data), envelope.t == token else {
                ignoredLines += 1
                continue
            }
            switch envelope.event {
            case "baseline": baseline = try? decoder.decode(Baseline.self, from: data)
            case "static": noAssert = (try? decoder.decode(Static.self, from: data))?.no_assert ?? []
            case "mutant": if let mutant = try? decoder.decode(Mutant.self, from: data) { mutants.append(mutant) }
            case "done":
                if let done = try? decoder.decode(Done.self, from: data) {
                    generated = done.generated
                    capped = done.capped
                    finished = true
                }
            default: ignoredLines += 1
            }
        }
    }

    /// Tests that passed on the unaltered tree; only they can catch anything.
    public var trustedTests: Set<String> {
        Set((baseline?.outcomes ?? [:]).filter { $0.value == "passed" }.map(\.key))
    }

    /// Whether `mutant` was caught by a test that passed on the unaltered tree: one of them
    /// failed or errored, or the run hung or crashed while one of them was selected.
    public func caught(_ mutant: Mutant) -> Bool {
        let trusted = trustedTests.intersection(mutant.tests)
        guard !trusted.isEmpty else { return false }
        if mutant.status == "timeout" || mutant.status == "crashed" { return true }
        return trusted.contains { ["failed", "error", "xpassed"].contains(mutant.outcomes[$0] ?? "") }
    }

    /// The trusted tests that failed on `mutant`.
    public func killers(of mutant: Mutant) -> [String] {
        trustedTests.intersection(mutant.tests).filter { ["failed", "error", "xpassed"].contains(mutant.outcomes[$0] ?? "") }.sorted()
    }
}
