import Foundation
import ProbeTestSupport
import Testing

/// `probe validate` on a small task, broken on purpose in one way per test: each break must be
/// reported by the check meant to catch it, naming the test or file, and exit non-zero.
@Suite(.serialized) struct ValidateCommandTests {
    struct Report {
        var exitCode: Int32
        var json: [String: Any]
        var stderr: String

        var task: [String: Any] { (json["tasks"] as? [[String: Any]])?.first ?? [:] }
        var checks: [String: [String: Any]] {
            Dictionary(uniqueKeysWithValues: (task["checks"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0) })
        }
        func status(_ check: String) -> String? { checks[check]?["status"] as? String }
        func details(_ check: String) -> [String] { checks[check]?["details"] as? [String] ?? [] }
        var failedChecks: [String] { checks.filter { $0.value["status"] as? String == "failed" }.map(\.key).sorted() }
    }

    private func validate(_ fixture: TaskFixture, extra: [String] = []) throws -> Report {
        let (code, out, err) = try ProbeProcess.execute([ProbeProcess.probe, "validate", "--tasks", fixture.root.path, "--json"] + extra)
        let json = (try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]) ?? [:]
        return Report(exitCode: code, json: json, stderr: err + out)
    }

    private func withFixture(_ body: (TaskFixture) throws -> Void) throws {
        let fixture = try TaskFixture()
        defer { fixture.cleanUp() }
        try body(fixture)
    }

    @Test func theFixtureIsValid() throws {
        try withFixture { fixture in
            let report = try validate(fixture)
            #expect(report.exitCode == 0, "\(report.stderr)")
            #expect(report.json["valid"] as? Bool == true)
            #expect(Set(report.checks.keys) == ["schema", "manifest", "reference", "starter", "bug:rounds-down", "checks", "export"])
            #expect(report.failedChecks.isEmpty, "\(report.checks)")
            // test_discount_is_applied (== 1800) and test_empty_order_is_free (== 0); the
            // rounding test compares with a computed value.
            #expect(report.checks["checks"]?["reason"] as? String
                == "2 assertions in 2 hidden test functions keep their expected values outside the sandbox")
            // Three reference runs, the starter and the bug, each sandboxed.
            let runs = report.task["runs"] as? [[String: Any]] ?? []
            #expect(runs.compactMap { $0["variant"] as? String }.sorted() == ["bug:rounds-down", "reference", "reference", "reference", "starter"])
        }
    }

    /// A hidden module the assertion rewriter cannot read keeps its expected values in the
    /// sandbox: the checks check names it.
    @Test func aHiddenModuleLeftAsWrittenIsNamed() throws {
        try withFixture { fixture in
            try fixture.write("def test_unfinished(:\n    assert 1 == 1\n", to: "hidden/test_broken.py")
            let report = try validate(fixture)
            #expect(report.exitCode == 1)
            #expect(report.failedChecks.contains("checks"))
            #expect(report.details("checks").count == 1)
            #expect(report.details("checks").first?.hasPrefix("hidden/test_broken.py: SyntaxError") == true, "\(report.details("checks"))")
        }
    }

    @Test func bugThatNoTestCatchesIsNamed() throws {
        try withFixture { fixture in
            // A "bug" that is really a correct solution written differently.
            try fixture.write(try fixture.read("reference/shop/pricing.py") + "\n# rounding follows the finance team's rule\n",
                              to: "bugs/rounds-down/tree/shop/pricing.py")
            let report = try validate(fixture)
            #expect(report.exitCode == 1)
            #expect(report.failedChecks == ["bug:rounds-down"])
            #expect(report.details("bug:rounds-down") == [
                "hidden/test_pricing.py::test_discount_rounds_half_up[1]: passed on the bug; it is meant to catch it",
                "hidden/test_pricing.py::test_discount_rounds_half_up[3]: passed on the bug; it is meant to catch it",
            ])
        }
    }

    @Test func bugThatOnlyBreaksImportsProvesNothing() throws {
        try withFixture { fixture in
            // Every caught_by test "errors", but only because its module no longer imports.
            try fixture.write("def total(:\n", to: "bugs/rounds-down/tree/shop/pricing.py")
            let report = try validate(fixture)
            #expect(report.failedChecks == ["bug:rounds-down"])
            #expect(report.details("bug:rounds-down").count == 2)
            #expect(report.details("bug:rounds-down").allSatisfy { $0.contains("did not run to a verdict on the bug, so it proves nothing: collection failed") })
        }
    }

    @Test func removingTheCaughtByTestFailsTheSchema() throws {
        try withFixture { fixture in
            let hidden = try fixture.read("hidden/test_pricing.py")
            let start = try #require(hidden.range(of: "@pytest.mark.rubric(\"verification\")"))
            let end = try #require(hidden.range(of: "@pytest.mark.rubric(\"decomposition\")\ndef test_empty_order_is_free"))
            try fixture.write(String(hidden[..<start.lowerBound]) + String(hidden[end.lowerBound...]), to: "hidden/test_pricing.py")
            let report = try validate(fixture)
            #expect(report.exitCode == 1)
            #expect(report.status("schema") == "failed")
            #expect(report.status("reference") == "skipped")
            #expect(report.details("schema").contains { $0.contains("bugs/rounds-down/bug.yaml: caught_by[0]") })
            #expect(report.details("schema").contains { $0.contains("tests.fail_to_pass[1]") && $0.contains("defines no 'test_discount_rounds_half_up'") })
        }
    }

    @Test func hiddenTestCopiedIntoTheStarterIsALeak() throws {
        try withFixture { fixture in
            try fixture.write(try fixture.read("hidden/test_pricing.py"), to: "starter/tests/test_more.py")
            let report = try validate(fixture)
            #expect(report.exitCode == 1)
            #expect(report.failedChecks == ["export"])
            #expect(report.details("export") == ["starter/tests/test_more.py has the content of hidden/test_pricing.py"])
        }
    }

    @Test func failToPassTestThatPassesOnTheStarterIsNamed() throws {
        try withFixture { fixture in
            try fixture.edit("hidden/test_pricing.py", replacing: "assert total([1000, 1000], discount_percent=10) == 1800",
                             with: "assert total([1000, 1000], discount_percent=0) == 2000")
            let report = try validate(fixture)
            #expect(report.failedChecks == ["starter"])
            #expect(report.details("starter") == ["hidden/test_pricing.py::test_discount_is_applied: in fail_to_pass, but passed on the starter"])
        }
    }

    @Test func unlistedTestAndMissingRubricMarkerAreNamed() throws {
        try withFixture { fixture in
            try fixture.write(try fixture.read("hidden/test_pricing.py") + "\n\ndef test_single_item():\n    assert total([5]) == 5\n",
                              to: "hidden/test_pricing.py")
            let report = try validate(fixture)
            #expect(report.failedChecks == ["manifest"])
            #expect(Set(report.details("manifest")) == [
                "hidden/test_pricing.py::test_single_item: collected, but in neither bucket of task.yaml",
                "hidden/test_pricing.py::test_single_item: no @pytest.mark.rubric(...) marker; every hidden test is evidence for a dimension",
            ])
        }
    }

    @Test func testFailingOnTheReferenceIsNamed() throws {
        try withFixture { fixture in
            try fixture.edit("hidden/test_pricing.py", replacing: "assert total([], discount_percent=30) == 0",
                             with: "assert total([], discount_percent=30) == 1")
            let report = try validate(fixture)
            #expect(report.failedChecks == ["reference", "starter"])
            #expect(report.details("reference").count == 1)
            #expect(report.details("reference").first?.hasPrefix("hidden/test_pricing.py::test_empty_order_is_free: failed on the reference: ") == true)
        }
    }

    @Test func hungTestTimesOutByNameAndTheRunResumesWithTheRest() throws {
        try withFixture { fixture in
            try fixture.edit("task.yaml", replacing: "wall: 30s", with: "wall: 3s")
            try fixture.edit("hidden/test_pricing.py", replacing: "def test_empty_order_is_free():\n",
                             with: "def test_empty_order_is_free():\n    import time\n    time.sleep(3600)\n")
            let report = try validate(fixture, extra: ["tiny-pricing"])
            #expect(report.status("reference") == "failed")
            // Only the hung test: those before it kept their results, and the one after it
            // (test_rejects_discount_over_100) ran in the resumed run and passed.
            #expect(report.details("reference") == ["hidden/test_pricing.py::test_empty_order_is_free: timeout on the reference: was running when the run hit its limit: still running after the 3.0 s wall-time limit; the whole tree was killed"],
                    "\(report.checks["reference"] ?? [:])")
            #expect(report.details("starter").count == 1)
            #expect(report.status("bug:rounds-down") == "passed")
        }
    }

    @Test func junitHasOneCasePerCheckAndNamesTheFailure() throws {
        try withFixture { fixture in
            try fixture.write(try fixture.read("hidden/test_pricing.py"), to: "public/test_copy_of_hidden.py")
            let junit = fixture.root.path + "/report.xml"
            let report = try validate(fixture, extra: ["--junit", junit])
            #expect(report.exitCode == 1)
            let xml = try String(contentsOfFile: junit, encoding: .utf8)
            #expect(xml.components(separatedBy: "<testcase ").count - 1 == 7)  // schema, manifest, reference, starter, the bug, checks, export
            #expect(xml.contains("<testcase classname=\"tiny-pricing\" name=\"bug:rounds-down\"/>"))
            #expect(xml.contains("<testcase classname=\"tiny-pricing\" name=\"export\">\n      <failure message=\"the candidate bundle leaks 1 file\">"))
        }
    }

    @Test func unknownTaskIsAClearError() throws {
        try withFixture { fixture in
            let report = try validate(fixture, extra: ["no-such-task"])
            #expect(report.exitCode == 64)
            #expect(report.stderr.contains("no task 'no-such-task'; known tasks: tiny-pricing"))
            // Found while running, not while parsing: the usage shown is still this command's.
            #expect(report.stderr.contains("Usage: probe validate "))
            #expect(report.stderr.contains("See 'probe validate --help' for more information."))
        }
    }
}
