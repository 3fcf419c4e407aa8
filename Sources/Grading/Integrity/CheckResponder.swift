import Foundation

/// Answers the checks of one pytest run as they come (see ``CheckedAssertions``), and says
/// afterwards which reported passes its answers contradict.
///
/// It reads the result channel as the run loop receives it, line by line: `start` events say
/// which test is running, `check` events ask about one of that test's assertions. A check is
/// answered `1` (pass) or `0`. Asking for another test than the running one, a check of
/// another test function (only a planted canary may ask its original's), a check twice, or
/// anything after a `0` (a failed check ends an honest test) is an anomaly, answered `0`.
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
    }

    /// A check's value, read apart from the event: one that cannot be read is still answered.
    private struct Value: Decodable {
        var value: PythonValue

        enum CodingKeys: String, CodingKey { case value }

        init(from decoder: Decoder) throws {
            // A computed None arrives as null, which is a value here, not a missing one.
            value = try decoder.container(keyedBy: CodingKeys.self).decode(PythonValue.self, forKey: .value)
        }
    }

    private let checks: [Int: CheckedAssertions.Check]
    private let byFunction: [String: [CheckedAssertions.Check]]
    private let token: String
    private let suite: String
    /// The planted canaries' node ids, without parameters.
    private let canaries: Set<String>
    private let lock = NSLock()
    private var pending: [UInt8] = []
    /// How much of `pending` holds no newline.
    private var scanned = 0
    private var running: String?
    private var answers: [String: [Int: Answer]] = [:]
    private var anomalies: [String] = []

    /// `suite` is the hidden suite's folder name under the grader folder (`hidden`).
    init(_ rewritten: CheckedAssertions.Suite, suite: String, token: String, canaries: [String]) {
        checks = Dictionary(rewritten.checks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        byFunction = rewritten.byFunction()
        self.token = token
        self.suite = suite
        self.canaries = Set(canaries)
    }

    /// Takes one chunk of the channel and returns the answers to the checks it completes.
    func respond(_ chunk: [UInt8]) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        pending += chunk
        var reply: [UInt8] = []
        while let newline = pending[scanned...].firstIndex(of: 0x0a) {
            let line = Data(pending[..<newline])
            pending.removeSubrange(...newline)
            scanned = 0
            guard let event = try? JSONDecoder().decode(Event.self, from: line), event.t == token else { continue }
            switch event.event {
            case "start": running = event.nodeid
            case "result": running = nil
            case "check":
                let value = (try? JSONDecoder().decode(Value.self, from: line))?.value
                reply += answer(event, value: value) ? Array("1\n".utf8) : Array("0\n".utf8)
            default: break
            }
        }
        scanned = pending.count
        return reply
    }

    private func answer(_ event: Event, value: PythonValue?) -> Bool {
        guard let id = event.check, let check = checks[id] else {
            anomalies.append("a check of an assertion Probe never rewrote: \(event.check.map(String.init) ?? "none")")
            return false
        }
        guard let node = event.nodeid, node == running else {
            anomalies.append("check \(id) (\(check.module) line \(check.line)) was asked for \(event.nodeid ?? "no test"), which was not running")
            return false
        }
        guard let (module, function) = Self.split(node, suite: suite), owns(node, module: module, function: function, check) else {
            anomalies.append("\(node) asked check \(id), which belongs to \(check.module)::\(check.function)")
            return false
        }
        guard answers[node]?[id] == nil else {
            anomalies.append("\(node) asked check \(id) (line \(check.line)) twice")
            return false
        }
        guard answers[node]?.values.allSatisfy(\.passed) ?? true else {
            anomalies.append("\(node) asked check \(id) (line \(check.line)) after one of its checks had failed, which ends the test")
            return false
        }
        let passed = value.flatMap(check.passes) ?? false
        answers[node, default: [:]][id] = Answer(check: check, passed: passed, got: value?.description ?? "a value Probe could not read")
        return passed
    }

    /// Whether the test `node` runs `check`: its own function's, a method it inherits under a
    /// subclass's name, or, for a planted canary, the checks of the test it clones.
    private func owns(_ node: String, module: String, function: String, _ check: CheckedAssertions.Check) -> Bool {
        if module == check.module && function == check.function { return true }
        if let method = check.function.split(separator: "::").last, check.function.contains("::") {
            return function.hasSuffix("::" + method)
        }
        let planted = node.firstIndex(of: "[").map { String(node[..<$0]) } ?? node
        return module == check.module && canaries.contains(planted)
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
    /// every check of its function and passed them all. Canaries (`canaryNodes`, parameters
    /// included) are judged by their own rule.
    func findings(results: [String: TestResult], canaryNodes: Set<String>) -> [IntegrityFinding] {
        lock.lock()
        defer { lock.unlock() }
        var findings = anomalies.map { IntegrityFinding(.forgedStream, violation: true, subject: "result stream", $0, mentionsHidden: true) }
        for (node, result) in results.sorted(by: { $0.key < $1.key }) where result.outcome == .passed && !canaryNodes.contains(node) {
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
