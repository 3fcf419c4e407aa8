import TaskBank
import Foundation

/// Tests that must fail, planted per run among the hidden tests.
///
/// A submission that patches pytest when it is imported (for example
/// `TestReport.from_item_and_call`, or `Function.runtest` to swallow exceptions) fools every
/// pytest flag: only a test that must fail, and is then reported as passed, exposes it. Each
/// run appends canaries to every hidden test module, named from the words of that module's own
/// test names and marked with one of its rubric dimensions:
///
/// - a **clone** of a real test of the module (decorators, fixtures and calls into the
///   candidate's code included) with one more assertion at its end that is always false, so a
///   patch that spares tests which do not call the submission still meets it;
/// - a **plain** canary, a small body in the style of a real assertion, when a module has no
///   test that can be cloned, and as a second canary when there is only one module.
///
/// Names and values are random per run, so a patch cannot single them out by name.
///
/// With the reference's durations (``ReferenceDurations``), a clone's original is a quick test,
/// one the reference ran in ``quickMS`` or less: a clone runs its original's whole body, and
/// one of a race test that waits out a busy database would cost the run as much again. A
/// module with no quick test gets a plain canary, unless no module has one, in which case the
/// quickest test of the suite is cloned. This does not open a new way round the canaries: a
/// patch that can tell a clone by its timing could tell it by its source too (see the README's
/// known limits), and such tests are guarded by their checked assertions.
enum CanaryTests {
    /// The slowest reference run, in milliseconds, of a test that may be cloned.
    static let quickMS = 20

    /// Appends the canaries to the test modules under `folder` (the grader's copy of `hidden/`)
    /// and returns their node ids, relative to the grader folder whose `suite` it is.
    /// `durations` holds the reference's milliseconds per test, by `suite/module::function`.
    static func plant(in folder: String, suite: String, durations: [String: Int] = [:]) throws -> [String] {
        let modules = testModules(in: folder)
        guard !modules.isEmpty else { return [] }
        var texts: [String] = []
        for module in modules {
            let path = folder + "/" + module
            guard var text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw GradingError(.io, "\(path): cannot read a hidden test module to plant a canary")
            }
            if !text.hasSuffix("\n") { text += "\n" }
            if !text.lines().contains("import pytest") { text += "\nimport pytest\n" }
            texts.append(text)
        }
        let clonable = cloneable(zip(modules, texts).map { (suite + "/" + $0, cloneSources(in: $1)) }, durations: durations)
        var generator = SystemRandomNumberGenerator()
        var planted: [String] = []
        for (index, module) in modules.enumerated() {
            var text = texts[index]
            let count = modules.count == 1 ? 2 : 1
            var names = Set(testNames(in: text))
            let words = vocabulary(names)
            let dimensions = rubricDimensions(in: text)
            for canary in 0..<count {
                let name = uniqueName(words: words, taken: names, using: &generator)
                names.insert(name)
                if canary == 0, let source = clonable[index].randomElement(using: &generator) {
                    text += "\n\n" + clone(source, as: name, using: &generator)
                } else {
                    let dimension = dimensions.randomElement(using: &generator) ?? "verification"
                    text += "\n\n@pytest.mark.rubric(\"\(dimension)\")\ndef \(name)():\n" + body(indent: "    ", using: &generator)
                }
                planted.append("\(suite)/\(module)::\(name)")
            }
            guard FileManager.default.createFile(atPath: folder + "/" + module, contents: Data(text.utf8)) else {
                throw GradingError(.io, "\(folder)/\(module): cannot write a canary")
            }
        }
        return planted
    }

    /// The tests each module may clone, given its clone sources (by `suite/module`) and the
    /// reference's durations: the quick ones; else, in no module, the quickest of all. Every
    /// source when any has no duration.
    static func cloneable(_ sources: [(module: String, tests: [TestFunction])], durations: [String: Int]) -> [[TestFunction]] {
        var timed: [[(test: TestFunction, ms: Int)]] = []
        for (module, tests) in sources {
            let known = tests.compactMap { test in durations[module + "::" + test.name].map { (test: test, ms: $0) } }
            guard known.count == tests.count else { return sources.map(\.tests) }
            timed.append(known)
        }
        var quick = timed.map { $0.filter { $0.ms <= quickMS }.map(\.test) }
        let everyTest = timed.enumerated().flatMap { index, tests in tests.map { (module: index, test: $0.test, ms: $0.ms) } }
        if quick.allSatisfy(\.isEmpty), let quickest = everyTest.min(by: { $0.ms < $1.ms }) {
            quick[quickest.module] = [quickest.test]
        }
        return quick
    }

    /// Test modules under `folder`, as sorted relative paths.
    static func testModules(in folder: String) -> [String] {
        let walker = FileManager.default.enumerator(atPath: folder)
        var modules: [String] = []
        while let relative = walker?.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasSuffix(".py"), name.hasPrefix("test_") || name.hasSuffix("_test.py") { modules.append(relative) }
        }
        return modules.sorted()
    }

    /// Top-level test function names in a module.
    private static func testNames(in text: String) -> [String] {
        text.lines().compactMap { line in
            for prefix in ["def test_", "async def test_"] where line.hasPrefix(prefix) {
                return String(line.dropFirst(prefix.count - 5).prefix { $0.isLetter || $0.isNumber || $0 == "_" })
            }
            return nil
        }
    }

    private static func vocabulary(_ names: Set<String>) -> [String] {
        let words = names.flatMap { $0.split(separator: "_").map(String.init) }.filter { $0 != "test" && $0.count > 2 }
        let fallback = ["order", "total", "request", "retry", "limit", "cache", "item", "value", "rejects", "keeps", "returns"]
        return Array(Set(words.isEmpty ? fallback : words)).sorted()
    }

    private static func rubricDimensions(in text: String) -> [String] {
        var dimensions: Set<String> = []
        var rest = Substring(text)
        while let range = rest.range(of: "mark.rubric(\"") {
            let name = rest[range.upperBound...].prefix { $0 != "\"" }
            if !name.isEmpty, name.allSatisfy({ $0.isLowercase || $0 == "-" }) { dimensions.insert(String(name)) }
            rest = rest[range.upperBound...]
        }
        return dimensions.sorted()
    }

    private static func uniqueName(words: [String], taken: Set<String>, using generator: inout SystemRandomNumberGenerator) -> String {
        while true {
            let count = Int.random(in: 2...3, using: &generator)
            let picked = (0..<count).map { _ in words.randomElement(using: &generator)! }
            let name = "test_" + picked.joined(separator: "_") + (Bool.random(using: &generator) ? "" : "_\(Int.random(in: 2...99, using: &generator))")
            if !taken.contains(name) { return name }
        }
    }

    /// A top-level test function of a module, as lines: decorators, signature and body.
    struct TestFunction {
        var name: String
        var lines: [String]
        /// The body's indentation.
        var indent: String
    }

    /// The module's top-level tests that a clone with one more assertion at its end surely
    /// fails: synchronous, not skipped or xfailed, with no `return`, `yield` or bare `raise`
    /// that could leave the function before the last line.
    static func cloneSources(in text: String) -> [TestFunction] {
        let lines = text.lines()
        let continues = { (line: String) in line.hasPrefix(" ") || line.hasPrefix("\t") || line.hasPrefix(")") || line.hasPrefix("]") }
        var functions: [TestFunction] = []
        var index = 0
        while index < lines.count {
            guard lines[index].hasPrefix("def test_") else { index += 1; continue }
            // Decorators, multi-line ones included, sit right above with no blank line.
            var start = index
            while start > 0, lines[start - 1].hasPrefix("@") || continues(lines[start - 1]) { start -= 1 }
            while start < index, !lines[start].hasPrefix("@") { start += 1 }
            // The body runs to the next line that starts at column 0.
            var end = index + 1
            while end < lines.count, lines[end].isEmpty || continues(lines[end]) { end += 1 }
            while end > index + 1, lines[end - 1].trimmingCharacters(in: .whitespaces).isEmpty { end -= 1 }
            defer { index = end }
            guard let signatureEnd = (index..<end).first(where: { lines[$0].trimmingCharacters(in: .whitespaces).hasSuffix(":") }),
                  signatureEnd + 1 < end else { continue }
            let body = lines[(signatureEnd + 1)..<end]
            let indent = String(body.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.prefix { $0 == " " } ?? "")
            let words = Set(body.flatMap { $0.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }) })
            let decorators = lines[start..<index].joined(separator: "\n")
            let exits = words.contains("return") || words.contains("yield") || body.contains { $0.trimmingCharacters(in: .whitespaces) == "raise" }
            guard !indent.isEmpty, !exits, !decorators.contains("skip"), !decorators.contains("xfail") else { continue }
            let name = String(lines[index].dropFirst(4).prefix { $0.isLetter || $0.isNumber || $0 == "_" })
            functions.append(TestFunction(name: name, lines: Array(lines[start..<end]), indent: indent))
        }
        return functions
    }

    /// `source` renamed to `name`, with an always-false assertion as its last statement.
    static func clone(_ source: TestFunction, as name: String, using generator: inout SystemRandomNumberGenerator) -> String {
        let renamed = source.lines.map { line in
            line.hasPrefix("def \(source.name)(") ? "def \(name)(" + line.dropFirst("def \(source.name)(".count) : String(line)
        }
        return renamed.joined(separator: "\n") + "\n" + body(indent: source.indent, using: &generator)
    }

    /// A short, plausible body whose assertion is always false.
    private static func body(indent: String, using generator: inout SystemRandomNumberGenerator) -> String {
        let a = Int.random(in: 2...900, using: &generator), b = Int.random(in: 2...900, using: &generator)
        let off = Int.random(in: 1...9, using: &generator)
        let words = ["pending", "active", "closed", "expired", "queued", "settled"].shuffled(using: &generator).prefix(3)
        let lines: [String]
        switch Int.random(in: 0..<4, using: &generator) {
        case 0:
            lines = ["amounts = [\(a), \(b)]", "assert sum(amounts) == \(a + b + off)"]
        case 1:
            lines = ["record = {\"id\": \(a), \"status\": \"\(words[words.startIndex])\"}",
                     "assert dict(record, status=\"\(words[words.startIndex + 1])\") == record"]
        case 2:
            lines = ["with pytest.raises(KeyError):", "    {\"id\": \(a)}.get(\"id\")"]
        default:
            lines = ["states = \(Array(words))", "assert sorted(states) == \(Array(words.sorted().reversed()))"]
        }
        return lines.map { indent + $0 + "\n" }.joined()
    }
}
