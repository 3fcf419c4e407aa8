import Foundation

/// Answers the checks of one pytest run as they come (see ``CheckedAssertions``), and says
/// afterwards which reported passes its answers contradict.
///
/// It reads the result channel as the run loop receives it, line by line: `start` events say
/// which test is running, `check` events ask about one of that test's assertions. A check is
/// answered `1` (pass) or `0`; one that names another test than the running one, a check of
/// another test function, or a check asked twice is an anomaly, answered `0`.
final class CheckResponder: @unchecked Sendable {
    struct Answer: Sendable {
        var check: CheckedAssertions.Check
        var passed: Bool
        /// What the test computed, as Python would show it.
        var got: String
    }

    private struct Event: Decodable {
        var t: String?
        var event: String
        var nodeid: String?
        var check: Int?
        var value: PythonValue?

        enum CodingKeys: String, CodingKey { case t, event, nodeid, check, value }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            t = try container.decodeIfPresent(String.self, forKey: .t)
            event = try container.decode(String.self, forKey: .event)
            nodeid = try container.decodeIfPresent(String.self, forKey: .nodeid)
            check = try container.decodeIfPresent(Int.self, forKey: .check)
            // A computed None arrives as null, which is a value here, not a missing one.
            value = container.contains(.value) ? try container.decode(PythonValue.self, forKey: .value) : nil
        }
    }

    private let checks: [Int: CheckedAssertions.Check]
    private let byFunction: [String: [CheckedAssertions.Check]]
    private let token: String
    private let suite: String
    private let lock = NSLock()
    private var pending: [UInt8] = []
    private var running: String?
    private var answers: [String: [Int: Answer]] = [:]
    private var anomalies: [String] = []

    /// `suite` is the hidden suite's folder name under the grader folder (`hidden`).
    init(_ rewritten: CheckedAssertions.Suite, suite: String, token: String) {
        checks = Dictionary(rewritten.checks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        byFunction = rewritten.byFunction()
        self.token = token
        self.suite = suite
    }

    /// Takes one chunk of the channel and returns the answers to the checks it completes.
    func respond(_ chunk: [UInt8]) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        pending += chunk
        var reply: [UInt8] = []
        while let newline = pending.firstIndex(of: 0x0a) {
            let line = Array(pending[..<newline])
            pending.removeSubrange(...newline)
            guard let event = try? JSONDecoder().decode(Event.self, from: Data(line)), event.t == token else { continue }
            switch event.event {
            case "start": running = event.nodeid
            case "result": running = nil
            case "check": reply += answer(event) ? Array("1\n".utf8) : Array("0\n".utf8)
            default: break
            }
        }
        return reply
    }

    private func answer(_ event: Event) -> Bool {
        guard let id = event.check, let check = checks[id] else {
            anomalies.append("a check of an assertion Probe never rewrote: \(event.check.map(String.init) ?? "none")")
            return false
        }
        guard let node = event.nodeid, node == running else {
            anomalies.append("check \(id) (\(check.module) line \(check.line)) was asked for \(event.nodeid ?? "no test"), which was not running")
            return false
        }
        guard let (module, function) = Self.split(node, suite: suite), module == check.module,
              function == check.function || isClone(function, module: module, of: check) else {
            anomalies.append("\(node) asked check \(id), which belongs to \(check.module)::\(check.function)")
            return false
        }
        guard answers[node]?[id] == nil else {
            anomalies.append("\(node) asked check \(id) (line \(check.line)) twice")
            return false
        }
        let passed = event.value.flatMap(check.passes) ?? false
        answers[node, default: [:]][id] = Answer(check: check, passed: passed, got: event.value?.description ?? "nothing")
        return passed
    }

    /// A canary clones a module-level test under another name, checks included: its checks
    /// belong to a function that is not its own, and it has none of its own.
    private func isClone(_ function: String, module: String, of check: CheckedAssertions.Check) -> Bool {
        !function.contains("::") && !check.function.contains("::") && byFunction[module + "::" + function] == nil
    }

    /// `hidden/sub/test_x.py::Class::test_y[3]` → (`sub/test_x.py`, `Class::test_y`).
    static func split(_ node: String, suite: String) -> (module: String, function: String)? {
        guard node.hasPrefix(suite + "/"), let separator = node.range(of: "::") else { return nil }
        let module = String(node[node.index(node.startIndex, offsetBy: suite.count + 1)..<separator.lowerBound])
        var function = String(node[separator.upperBound...])
        if let bracket = function.firstIndex(of: "[") { function = String(function[..<bracket]) }
        return (module, function)
    }

    /// What the answers say about the run's reports: a test reported as passed must have asked
    /// every check of its function and passed them all. Canaries are judged by their own rule.
    func findings(results: [String: TestResult], canaries: Set<String>) -> [IntegrityFinding] {
        lock.lock()
        defer { lock.unlock() }
        var findings = anomalies.map { IntegrityFinding(.forgedStream, violation: true, subject: "result stream", $0, mentionsHidden: true) }
        for (node, result) in results.sorted(by: { $0.key < $1.key }) where result.outcome == .passed && !canaries.contains(node) {
            guard let (module, function) = Self.split(node, suite: suite) else { continue }
            let asked = answers[node] ?? [:]
            for answer in asked.values.sorted(by: { $0.check.id < $1.check.id }) where !answer.passed {
                findings.append(IntegrityFinding(.passedDespiteCheck, violation: true, subject: node,
                                                 "reported as passed, though line \(answer.check.line) (`\(answer.check.source)`) failed with \(answer.got): the failure was swallowed or the report rewritten",
                                                 mentionsHidden: true))
            }
            for check in byFunction[module + "::" + function] ?? [] where asked[check.id] == nil {
                findings.append(IntegrityFinding(.passedWithoutCheck, violation: true, subject: node,
                                                 "reported as passed without reaching line \(check.line) (`\(check.source)`), which every pass of this test runs",
                                                 mentionsHidden: true))
            }
        }
        return findings
    }

    /// The grader's message for each test with a failed check: the assertion as written and
    /// the value the test computed.
    func failureMessages() -> [String: String] {
        lock.lock()
        defer { lock.unlock() }
        var messages: [String: String] = [:]
        for (node, asked) in answers {
            guard let failed = asked.values.filter({ !$0.passed }).min(by: { $0.check.id < $1.check.id }) else { continue }
            messages[node] = "line \(failed.check.line): \(failed.check.source) — got \(failed.got)"
        }
        return messages
    }
}
