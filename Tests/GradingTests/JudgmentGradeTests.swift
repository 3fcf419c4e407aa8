import Foundation
import ProbeTestSupport
import Testing

/// `probe grade` on the three judgment task types, end to end in the sandbox: the key fed as a
/// submission scores full marks, an empty submission scores zero without crashing, and the
/// fixtures in Judgment/ (a review of false positives, vacuous tests, a postmortem that blames
/// the symptom) score what they should.
@Suite(.serialized) struct JudgmentGradeTests {
    /// Reports of `submissions` (name → overlays on the starter), graded in one run.
    /// `cache` is the XDG cache folder the run keeps reference measurements in (by default one
    /// of its own, removed afterwards, so the reference is measured in the test).
    static func grade(_ task: String, _ submissions: [String: [String]], cache: URL? = nil) throws -> [String: [String: Any]] {
        let root = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let tasks = ProbeProcess.repository.appendingPathComponent("Tasks")
        var paths: [String] = []
        for (name, overlays) in submissions.sorted(by: { $0.key < $1.key }) {
            let folder = root.appendingPathComponent(name).path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for overlay in [tasks.appendingPathComponent(task + "/starter").path] + overlays {
                _ = try ProbeProcess.execute(["/bin/cp", "-R", overlay + "/.", folder])
            }
            paths.append(folder)
        }
        let out = root.appendingPathComponent("reports").path
        let (code, _, err) = try ProbeProcess.execute([ProbeProcess.probe, "grade", "--tasks", tasks.path, "--task", task,
                                                       "--jobs", "2", "--out", out] + paths,
                                                      environment: ["XDG_CACHE_HOME": (cache ?? root.appendingPathComponent("cache")).path])
        #expect(code == 0, "probe grade exited \(code): \(err.suffix(2000))")
        var reports: [String: [String: Any]] = [:]
        for name in submissions.keys {
            let data = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name + "/report.json"))
            reports[name] = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        }
        return reports
    }

    static func fixture(_ name: String) -> String {
        ProbeProcess.repository.appendingPathComponent("Tests/GradingTests/Judgment/" + name).path
    }

    static func task(_ id: String, _ folder: String) -> String {
        ProbeProcess.repository.appendingPathComponent("Tasks/\(id)/\(folder)").path
    }

    static func dimension(_ report: [String: Any]?, _ name: String) -> (score: Double, max: Double, evidence: [String]) {
        let dimension = (report?["dimensions"] as? [String: Any])?[name] as? [String: Any]
        return (dimension?["score"] as? Double ?? -1, dimension?["max"] as? Double ?? -1, dimension?["evidence"] as? [String] ?? [])
    }

    static func judgment(_ report: [String: Any]?, _ part: String) -> [String: Any] {
        ((report?["judgment"] as? [String: Any])?[part] as? [String: Any]) ?? [:]
    }

    @Test func regressionTestsAreScoredByTheMutantsTheyCatch() throws {
        let id = "billing-regression-tests"
        let cache = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let reports = try Self.grade(id, ["key": [Self.task(id, "reference")], "vacuous": [Self.fixture("billing-vacuous")],
                                          "one-test": [Self.fixture("billing-one-good-test")], "empty": [],
                                          "forged": [Self.fixture("billing-forged-results")]], cache: cache)
        // The reference's own tests: every bug caught, no false alarm, nothing vacuous, and the
        // generated score is the bar itself.
        let key = Self.judgment(reports["key"], "tests")
        #expect((key["original"] as? [String: Any])?["caught"] as? Bool == true)
        #expect((key["planted"] as? [[String: Any]])?.count == 8)
        #expect((key["planted"] as? [[String: Any]] ?? []).filter { $0["caught"] as? Bool != true }.isEmpty)
        #expect((key["false_alarms"] as? [Any])?.isEmpty == true && (key["vacuous"] as? [Any])?.isEmpty == true)
        #expect(key["generated_total"] as? Int ?? 0 > 20)
        #expect(Self.dimension(reports["key"], "verification").score == 100)
        #expect(Self.dimension(reports["key"], "code-quality").score == 100)

        // The reference bar was measured in this run, and kept under the task's name with the
        // score the reports hold it to.
        let bar = key["reference_generated_score"] as? Double
        #expect(bar != nil && bar! > 0.5)
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("probe/reference").path)
        #expect(entries.count == 1 && entries[0].hasPrefix(id + "-"))
        let stored = try String(contentsOf: cache.appendingPathComponent("probe/reference/" + (entries.first ?? "")), encoding: .utf8)
        // report.json's number may lose the last digit in JSON, so compare to 1e-12.
        let kept = stored.split(separator: "\n").last.flatMap { Double($0) }
        #expect(kept != nil && bar != nil && abs(kept! - bar!) < 1e-12, "kept \(kept ?? -1), report \(bar ?? -1)")

        // The test that asserts nothing is named; the original bug and every planted bug survive.
        let vacuous = Self.judgment(reports["vacuous"], "tests")
        let named = (vacuous["vacuous"] as? [[String: Any]] ?? []).map { "\($0["test"] ?? ""): \($0["reason"] ?? "")" }
        #expect(named.contains("tests/test_proration_vacuous.py::test_downgrade_day_after_month_end_renewal_zd_88213: asserts nothing"))
        #expect((vacuous["original"] as? [String: Any])?["caught"] as? Bool == false)
        #expect((vacuous["planted"] as? [[String: Any]] ?? []).filter { $0["caught"] as? Bool == true }.isEmpty)
        #expect(Self.dimension(reports["vacuous"], "verification").score < 60)

        // One real test: the original bug and exactly the two planted bugs it reaches.
        let one = Self.judgment(reports["one-test"], "tests")
        #expect((one["original"] as? [String: Any])?["caught"] as? Bool == true)
        let caught = (one["planted"] as? [[String: Any]] ?? []).filter { $0["caught"] as? Bool == true }.compactMap { $0["id"] as? String }
        #expect(Set(caught) == ["bug:change-day-on-old-plan", "bug:rounds-daily-rate"])

        // A test that reads the driver's /proc for the token (failing if it can) and writes a
        // planted mutant to its results descriptor: the driver is not dumpable, and Landlock
        // keeps /proc read-only.
        let forged = Self.judgment(reports["forged"], "tests")
        #expect((forged["false_alarms"] as? [Any])?.isEmpty == true, "the test read the token: \(forged["false_alarms"] ?? "")")
        #expect((forged["problems"] as? [String])?.isEmpty == true)
        #expect((forged["planted"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }.count == 8)
        #expect(!(forged["planted"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == "bug:forged" })
        #expect((forged["vacuous"] as? [[String: Any]])?.first?["test"] as? String == "tests/test_forge_results.py::test_forge_the_results")

        // No tests: zero from the judgment, and a report nonetheless.
        let empty = Self.judgment(reports["empty"], "tests")
        #expect((empty["tests"] as? [Any])?.isEmpty == true)
        #expect((empty["problems"] as? [String] ?? []).contains("the submission adds no test files"))
        #expect(Self.dimension(reports["empty"], "verification").score == 20)
        #expect(Self.dimension(reports["empty"], "verification").evidence.contains("score: tests 88.0/88 (20%), judgment 0.0/10 (80%)"))
    }

    @Test func reviewsAreMatchedAgainstTheKey() throws {
        let id = "rates-pr-review"
        let reports = try Self.grade(id, ["key": [Self.task(id, "reference"), Self.fixture("rates-key-review")],
                                          "noise": [Self.fixture("rates-false-positives")], "empty": []])
        let key = Self.judgment(reports["key"], "review")
        #expect(key["precision"] as? Double == 1 && key["recall"] as? Double == 1)
        #expect((key["defects"] as? [[String: Any]] ?? []).filter { $0["fixed"] as? Bool != true || $0["credit"] as? Double != 1 }.isEmpty)
        #expect(Self.dimension(reports["key"], "judgment-with-ai").score == 100)

        let noise = Self.judgment(reports["noise"], "review")
        #expect(noise["precision"] as? Double == 0 && noise["recall"] as? Double == 0)
        #expect((noise["unmatched"] as? [Any])?.count == 4)
        #expect(Self.dimension(reports["noise"], "judgment-with-ai").evidence.contains { $0.hasSuffix("judgment 0.0/15 (80%)") })

        #expect(Self.judgment(reports["empty"], "review")["file"] == nil)
        #expect(Self.dimension(reports["empty"], "judgment-with-ai").evidence.contains { $0.hasSuffix("judgment 0.0/15 (80%)") })
    }

    @Test func postmortemsAreMatchedOnTheRootCause() throws {
        let id = "notifications-incident"
        let reports = try Self.grade(id, ["key": [Self.task(id, "reference")],
                                          "symptom": [Self.task(id, "reference"), Self.fixture("notifications-symptom")], "empty": []])
        let key = Self.judgment(reports["key"], "postmortem")
        #expect(key["matched_root_causes"] as? [String] == ["exception-path-releases-without-attempt"])
        let keyTests = Self.judgment(reports["key"], "tests")
        #expect((keyTests["original"] as? [String: Any])?["caught"] as? Bool == true)
        #expect(Self.dimension(reports["key"], "communication").score == 100)
        #expect(Self.dimension(reports["key"], "verification").score == 100)

        let symptom = Self.judgment(reports["symptom"], "postmortem")
        #expect((symptom["matched_root_causes"] as? [String])?.isEmpty == true)
        #expect((symptom["root_cause_references"] as? [String])?.first == "relay/store.py:111")

        // The postmortem was judged (an absent file is a finding, not a skipped judgment).
        let emptyPostmortem = Self.judgment(reports["empty"], "postmortem")
        #expect(emptyPostmortem["root_cause_count"] != nil)
        #expect(emptyPostmortem["file"] == nil)
        #expect(Self.dimension(reports["empty"], "communication").score == 0)
        #expect(Self.dimension(reports["empty"], "communication").evidence.contains("postmortem: no INCIDENT.md in the submission"))
    }
}
