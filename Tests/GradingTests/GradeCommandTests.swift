import Foundation
import ProbeTestSupport
import Testing

/// `probe grade` end to end on the small task: scores, the tamper vectors in Tamper/, a kill
/// mid-run, the candidate's view, resuming, and human scores.
@Suite(.serialized) final class GradeCommandTests {
    let fixture: TaskFixture

    init() throws {
        fixture = try TaskFixture()
    }

    deinit {
        fixture.cleanUp()
    }

    struct Graded {
        var exitCode: Int32
        var stderr: String
        var out: URL

        func report(_ name: String = "submission") -> [String: Any] {
            let data = (try? Data(contentsOf: out.appendingPathComponent(name).appendingPathComponent("report.json"))) ?? Data()
            return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        }

        func verdict(_ name: String = "submission") -> String? { (report(name)["verdict"] as? [String: Any])?["status"] as? String }
        func reason(_ name: String = "submission") -> String { (report(name)["verdict"] as? [String: Any])?["reason"] as? String ?? "" }
        func outcomes(_ name: String = "submission") -> [String: String] {
            Dictionary(uniqueKeysWithValues: (report(name)["tests"] as? [[String: Any]] ?? []).map { ($0["id"] as? String ?? "", $0["outcome"] as? String ?? "") })
        }
        func integrityKinds(_ name: String = "submission") -> Set<String> {
            Set((report(name)["integrity"] as? [[String: Any]] ?? []).filter { $0["violation"] as? Bool == true }.compactMap { $0["kind"] as? String })
        }
        func percent(_ name: String = "submission") -> Double? { (report(name)["score"] as? [String: Any])?["percent"] as? Double }
        func text(_ name: String, _ file: String) -> String {
            (try? String(contentsOf: out.appendingPathComponent(name).appendingPathComponent(file), encoding: .utf8)) ?? ""
        }
    }

    static let failToPass: Set = [
        "hidden/test_pricing.py::test_discount_is_applied",
        "hidden/test_pricing.py::test_discount_rounds_half_up[1]",
        "hidden/test_pricing.py::test_discount_rounds_half_up[3]",
    ]

    func grade(_ submissions: [URL], extra: [String] = [], out: URL? = nil, environment: [String: String] = [:]) throws -> Graded {
        let out = out ?? fixture.root.appendingPathComponent("reports-\(UUID().uuidString.prefix(8))")
        let (code, _, err) = try ProbeProcess.execute([ProbeProcess.probe, "grade", "--tasks", fixture.root.path, "--task", TaskFixture.id,
                                                       "--out", out.path] + extra + submissions.map(\.path), environment: environment)
        return Graded(exitCode: code, stderr: err, out: out)
    }

    func submission(_ tree: TaskFixture.Tree, overlay: String? = nil, named name: String = "submission") throws -> URL {
        let folder = overlay.map { ProbeProcess.repository.appendingPathComponent("Tests/GradingTests/Tamper/\($0)") }
        return try fixture.submission(tree, overlay: folder, named: name)
    }

    /// The reference, with `total` wrapped so that it first runs `python` when called with a
    /// 50% discount: in the middle of the hidden suite (`test_discount_rounds_half_up[1]`).
    func referenceDoing(named name: String, atHalfOff python: String) throws -> URL {
        let folder = try submission(.reference, named: name)
        let pricing = folder.appendingPathComponent("shop/pricing.py")
        let body = python.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n")
        var text = try String(contentsOf: pricing, encoding: .utf8)
        text += "\n\n_real_total = total\n\n\ndef total(prices_cents, discount_percent=0):\n"
            + "    if discount_percent == 50:\n\(body)\n"
            + "    return _real_total(prices_cents, discount_percent)\n"
        try text.write(to: pricing, atomically: false, encoding: .utf8)
        return folder
    }

    @Test func referenceScoresFullMarksAndStarterLosesExactlyFailToPass() throws {
        let graded = try grade([try submission(.reference, named: "reference"), try submission(.starter, named: "starter")])
        #expect(graded.exitCode == 0, "\(graded.stderr)")
        #expect(graded.verdict("reference") == "graded")
        #expect(graded.percent("reference") == 100)
        #expect(graded.outcomes("reference").values.allSatisfy { $0 == "passed" })
        let starter = graded.outcomes("starter")
        #expect(Set(starter.filter { $0.value != "passed" }.keys) == Self.failToPass)
        #expect((graded.percent("starter") ?? 100) < 50)
        let summary = (try? String(contentsOf: graded.out.appendingPathComponent("summary.csv"), encoding: .utf8)) ?? ""
        #expect(summary.split(separator: "\n").count == 3)
        for file in ["report.json", "report.md", "report.html", "junit.xml", "results.json"] {
            #expect(!graded.text("reference", file).isEmpty, "\(file) missing")
        }
    }

    @Test func aPlantedBugLosesPointsExactlyOnItsCaughtByTests() throws {
        let folder = try submission(.reference, named: "rounds-down")
        let pricing = folder.appendingPathComponent("shop/pricing.py")
        let text = try String(contentsOf: pricing, encoding: .utf8)
        let buggy = text.replacingOccurrences(of: "    return int(net.quantize(Decimal(1), rounding=ROUND_HALF_UP))",
                                              with: "    return int(net)")
        #expect(buggy != text)
        try buggy.write(to: pricing, atomically: false, encoding: .utf8)
        let graded = try grade([folder])
        #expect(graded.verdict("rounds-down") == "graded")
        let lost = Set(graded.outcomes("rounds-down").filter { $0.value != "passed" }.keys)
        #expect(lost == ["hidden/test_pricing.py::test_discount_rounds_half_up[1]", "hidden/test_pricing.py::test_discount_rounds_half_up[3]"])
    }

    /// Each vector either ends in integrity-violation, with the finding named, or leaves the
    /// starter's bug failing; never a pass of a FAIL_TO_PASS test.
    @Test(arguments: [
        ("conftest-hookwrapper", nil), ("ini-addopts-plugin", nil), ("shadow-pytest", nil), ("sitecustomize-pth", nil),
        ("rewrite-hidden-tests", nil),
        ("patch-testreport", "canary-passed"), ("patch-via-pluggy", "canary-passed"), ("canary-aware-swallow", "canary-passed"),
        ("exit-at-import", "exited-early"), ("forge-result-stream", "canary-passed"),
    ] as [(String, String?)])
    func tamperVectorNeverPasses(vector: String, violation: String?) throws {
        let graded = try grade([try submission(.starter, overlay: vector)])
        #expect(graded.exitCode == 0, "\(graded.stderr)")
        let outcomes = graded.outcomes()
        #expect(outcomes.count == 6)
        if let violation {
            #expect(graded.verdict() == "integrity-violation", "\(vector): \(graded.report())")
            #expect(graded.integrityKinds().contains(violation), "\(vector): \(graded.integrityKinds())")
            #expect(graded.percent() == 0)
        } else {
            #expect(graded.verdict() == "graded", "\(vector): \(graded.reason())")
            for id in Self.failToPass { #expect(outcomes[id] == "failed", "\(vector): \(id) is \(outcomes[id] ?? "missing")") }
        }
    }

    /// clone-aware-report (Tamper/README.md) tells the canaries apart and rewrites every other
    /// result inside Probe's own plugin. The flip works (an F2P test whose assertion compares
    /// with a computed value reads as passed, and no canary is tripped), and only the checked
    /// assertion of `test_discount_is_applied` catches it.
    @Test func aReportRewriteThatSparesTheCanariesIsCaughtByACheckedAssertion() throws {
        let graded = try grade([try submission(.starter, overlay: "clone-aware-report")])
        #expect(graded.exitCode == 0, "\(graded.stderr)")
        #expect(graded.verdict() == "integrity-violation", "\(graded.report())")
        #expect(graded.integrityKinds() == ["passed-despite-check"])
        #expect(graded.outcomes()["hidden/test_pricing.py::test_discount_rounds_half_up[1]"] == "passed")
        #expect(graded.percent() == 0)
    }

    /// Compiled bytecode that would run instead of the source graders read, in archives (a
    /// folder submission's `__pycache__` never leaves the intake):
    /// - `cache`: the starter's buggy `shop/pricing.py`, with the reference's fix compiled into
    ///   its `__pycache__` as an "unchecked hash" .pyc (PEP 552), which CPython runs without
    ///   looking at the source;
    /// - `sourceless`: a `shop/pricing.py` that only imports `total` from `shop/_speedups.pyc`,
    ///   the fix compiled with no source beside it.
    /// Outside Probe both apply the discount. In Probe the bug still fails in the first, nothing
    /// unreadable passes in the second, and the report names the bytecode it removed.
    @Test func compiledBytecodeNeverRunsInsteadOfTheSource() throws {
        let fixed = try submission(.reference, named: "fixed").appendingPathComponent("shop/pricing.py").path
        let cache = try submission(.starter, named: "cache"), sourceless = try submission(.starter, named: "sourceless")
        let compile = """
        import importlib.util, py_compile, sys
        fixed, cached_source, stray = sys.argv[1:]
        mode = py_compile.PycInvalidationMode.UNCHECKED_HASH
        py_compile.compile(fixed, cfile=importlib.util.cache_from_source(cached_source), dfile=cached_source, doraise=True,
                           invalidation_mode=mode)
        py_compile.compile(fixed, cfile=stray, doraise=True)
        """
        let built = try ProbeProcess.execute([ProbeProcess.python, "-I", "-c", compile, fixed,
                                              cache.appendingPathComponent("shop/pricing.py").path,
                                              sourceless.appendingPathComponent("shop/_speedups.pyc").path])
        #expect(built.0 == 0, "\(built.2)")
        try "from shop._speedups import total\n\n__all__ = [\"total\"]\n"
            .write(to: sourceless.appendingPathComponent("shop/pricing.py"), atomically: false, encoding: .utf8)

        var archives: [URL] = []
        for folder in [cache, sourceless] {
            // The vector is real: outside Probe, the tree applies the discount.
            let naive = try ProbeProcess.execute([ProbeProcess.python, "-I", "-B", "-c",
                                                  "import sys; sys.path.insert(0, sys.argv[1]); from shop.pricing import total; print(total([1000], 10))",
                                                  folder.path])
            #expect(naive.1 == "900\n", "\(folder.lastPathComponent): \(naive.2)")
            let archive = folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + ".tar.gz")
            let packed = try ProbeProcess.execute(["/usr/bin/tar", "-czf", archive.path, "-C", folder.path, "."])
            #expect(packed.0 == 0, "\(packed.2)")
            archives.append(archive)
        }
        let graded = try grade(archives)
        for (name, bytecode) in [("cache", "shop/__pycache__"), ("sourceless", "shop/_speedups.pyc")] {
            #expect(graded.verdict(name) == "graded", "\(name): \(graded.reason(name))")
            let outcomes = graded.outcomes(name)
            for id in Self.failToPass { #expect(outcomes[id] != nil && outcomes[id] != "passed", "\(name): \(id) is \(outcomes[id] ?? "missing")") }
            let removed = (graded.report(name)["integrity"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "neutralized" }
            #expect(removed.contains { $0["subject"] as? String == bytecode }, "\(name): \(removed)")
        }
    }

    @Test func neutralizedFilesAreReported() throws {
        let graded = try grade([try submission(.starter, overlay: "ini-addopts-plugin")])
        let subjects = Set((graded.report()["integrity"] as? [[String: Any]] ?? []).compactMap { $0["subject"] as? String })
        #expect(subjects.isSuperset(of: ["pytest.ini", "pytest.toml", "tox.ini", "setup.cfg", "pyproject.toml"]), "\(subjects)")
    }

    @Test func killNineMidRunKeepsTheFinishedResults() throws {
        let folder = try referenceDoing(named: "killer", atHalfOff: "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
        let graded = try grade([folder])
        let outcomes = graded.outcomes("killer")
        #expect(outcomes["hidden/test_pricing.py::test_discount_is_applied"] == "passed")
        #expect(outcomes["public/test_smoke.py::test_total_without_discount"] == "passed")
        #expect(outcomes["hidden/test_pricing.py::test_discount_rounds_half_up[1]"] == "error")
        // The kill ends the run; the tests after it had no chance, and say so.
        #expect(outcomes["hidden/test_pricing.py::test_discount_rounds_half_up[3]"] == "not-run")
        #expect(graded.verdict("killer") == "graded")
    }

    /// `probe grade` keeps its runs on a private tmpfs, so a submission that writes many
    /// files into its work dir, each far below the file-size limit, spends the run's memory
    /// limit (256 MiB here) and ends in `memory-limit`. $TMPDIR is a folder on the repository's
    /// disk (a tmpfs /tmp would be charged to the run too): there the same 400 MiB would fit,
    /// and the test writing it would pass.
    @Test func fillingTheWorkDirSpendsTheMemoryLimitNotTheDisk() throws {
        let temporary = ProbeProcess.repository.appendingPathComponent(".build/probe-test-tmp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temporary) }
        let folder = try referenceDoing(named: "filler", atHalfOff: "for i in range(400):\n    with open(f\"filler-{i}.bin\", \"wb\") as f:\n        f.write(bytes(1 << 20))")
        let graded = try grade([folder], environment: ["TMPDIR": temporary.path])
        #expect(graded.exitCode == 0, "\(graded.stderr)")
        // Its runs were under $TMPDIR, and nothing of them is left.
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path) == [])
        let tests = graded.report("filler")["tests"] as? [[String: Any]] ?? []
        let filling = tests.first { $0["id"] as? String == "hidden/test_pricing.py::test_discount_rounds_half_up[1]" }
        let message = filling?["message"] as? String ?? ""
        #expect(filling?["outcome"] as? String == "error")
        #expect(message.contains("OOM killer"), "\(message)")
        #expect(graded.outcomes("filler")["hidden/test_pricing.py::test_discount_is_applied"] == "passed")
        #expect(graded.verdict("filler") == "graded")
    }

    @Test func theCandidatesViewHoldsNothingHidden() throws {
        let graded = try grade([try submission(.starter)], extra: ["--audience", "candidate"])
        #expect(graded.verdict() == "graded")
        let hiddenNames = ["test_discount_is_applied", "test_discount_rounds_half_up", "test_empty_order_is_free", "test_rejects_discount_over_100", "hidden/"]
        for file in ["report.json", "report.md", "report.html", "junit.xml", "results.json"] {
            let text = graded.text("submission", file)
            #expect(!text.isEmpty)
            for name in hiddenNames { #expect(!text.contains(name), "\(file) names \(name)") }
        }
        let summary = graded.report()["hidden_summary"] as? [String: Any]
        #expect(summary?["total"] as? Int == 5)
        #expect(summary?["passed"] as? Int == 2)
    }

    @Test func anIdenticalSubmissionIsSkippedUnlessRegrade() throws {
        let folder = try submission(.reference)
        let first = try grade([folder])
        #expect(first.verdict() == "graded")
        let second = try grade([folder], out: first.out)
        #expect(second.stderr.contains("already graded"), "\(second.stderr)")
        let third = try grade([folder], extra: ["--regrade"], out: first.out)
        #expect(!third.stderr.contains("already graded"))
        #expect(third.verdict() == "graded")
    }

    @Test func gradescopeResultsHideHiddenTests() throws {
        let graded = try grade([try submission(.reference)])
        let data = Data(graded.text("submission", "results.json").utf8)
        let results = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        let tests = results["tests"] as? [[String: Any]] ?? []
        #expect(tests.count == 6)
        for test in tests {
            let hidden = (test["name"] as? String ?? "").hasPrefix("hidden/")
            #expect(test["visibility"] as? String == (hidden ? "hidden" : "visible"))
        }
        #expect(results["score"] as? Double == tests.compactMap { $0["max_score"] as? Double }.reduce(0, +))
    }

    @Test func humanScoresMustCiteAMoment() throws {
        let folder = try submission(.reference)
        try "# Notes\n\nI applied the discount to the gross total and rounded half up.\n"
            .write(to: folder.appendingPathComponent("NOTES.md"), atomically: false, encoding: .utf8)
        let graded = try grade([folder])
        let report = graded.out.appendingPathComponent("submission")
        func score(_ yaml: String) throws -> (Int32, String) {
            let file = graded.out.appendingPathComponent("scores.yaml")
            try yaml.write(to: file, atomically: false, encoding: .utf8)
            let (code, out, err) = try ProbeProcess.execute([ProbeProcess.probe, "score", report.path, "--scores", file.path])
            return (code, out + err)
        }
        let uncited = try score("scores:\n  - dimension: decomposition\n    score: 4\n    citations: []\n")
        #expect(uncited.0 != 0)
        #expect(uncited.1.contains("scores[0].citations: a score must cite at least one moment"), "\(uncited.1)")
        let pastTheEnd = try score("scores:\n  - dimension: decomposition\n    score: 4\n    citations:\n      - file: NOTES.md\n        line: 40\n")
        #expect(pastTheEnd.1.contains("scores[0].citations[0].line: NOTES.md has 3 lines"), "\(pastTheEnd.1)")
        let invented = try score("scores:\n  - dimension: decomposition\n    score: 4\n    citations:\n      - quote: \"I wrote a thorough test plan\"\n")
        #expect(invented.1.contains("quote: not found word for word"), "\(invented.1)")
        let automated = try score("scores:\n  - dimension: verification\n    score: 4\n    citations:\n      - file: NOTES.md\n        line: 3\n")
        #expect(automated.1.contains("is scored by the automated checks only"), "\(automated.1)")
        #expect(graded.report()["score"].flatMap { ($0 as? [String: Any])?["human_pending"] as? [String] } == ["decomposition"])

        let good = try score("grader: Ada\nscores:\n  - dimension: decomposition\n    score: 4\n    citations:\n      - file: NOTES.md\n        line: 3\n      - quote: \"rounded half up\"\n")
        #expect(good.0 == 0, "\(good.1)")
        let merged = graded.report()
        let human = ((merged["dimensions"] as? [String: Any])?["decomposition"] as? [String: Any])?["human"] as? [String: Any]
        #expect(human?["score"] as? Double == 4)
        #expect(human?["grader"] as? String == "Ada")
        #expect((merged["score"] as? [String: Any])?["human_pending"] as? [String] == [])
        #expect(graded.text("submission", "report.md").contains("cited: NOTES.md:3"))
    }
}
