import Foundation
import ProbeTestSupport
@testable import TaskBank
import Testing

/// The loader names the file and field at fault and says what was expected, for every kind of
/// malformed task, and reports all problems of a task at once.
@Suite struct TaskLoaderTests {
    /// Loads the fixture's root and returns the problems of its one task.
    private func problems(_ fixture: TaskFixture) throws -> [TaskError] {
        let catalog = try TaskLoader(root: fixture.root.path).loadAll()
        return catalog.invalid.first?.problems.errors ?? []
    }

    private func withFixture(_ body: (TaskFixture) throws -> Void) throws {
        let fixture = try TaskFixture()
        defer { fixture.cleanUp() }
        try body(fixture)
    }

    @Test func theFixtureLoads() throws {
        try withFixture { fixture in
            let catalog = try TaskLoader(root: fixture.root.path).loadAll()
            #expect(catalog.invalid.isEmpty, "\(catalog.invalid.map(\.problems.description))")
            let task = try #require(catalog.tasks.first)
            #expect(task.id == TaskFixture.id)
            #expect(task.manifest.type == .featureExtension)
            #expect(task.manifest.limits.cpu.seconds == 20)
            #expect(task.manifest.limits.memory.bytes == 256 << 20)
            #expect(task.manifest.timebox.seconds == 1800)
            #expect(task.manifest.rubric == [.decomposition: 2, .verification: 1])
            #expect(task.manifest.tests.failToPass.map(\.raw).contains("hidden/test_pricing.py::test_discount_rounds_half_up[3]"))
            #expect(task.bugs.map(\.name) == ["rounds-down"])
            #expect(task.answerKey == nil)
        }
    }

    @Test func aModuleDefinesItsFunctionsClassesAndAssignedNames() {
        let source = "import pytest\n\nLIMIT = 3\ncount: int = 0\n\nclass TestCart:\n    def test_total(self):\n        pass\n\n\nasync def test_async():\n    return None\n"
        let names = TaskChecker.definedNames(in: source)
        #expect(names == ["LIMIT", "count", "TestCart", "test_total", "test_async"])
        // A module saved with CRLF line ends defines the same names.
        #expect(TaskChecker.definedNames(in: source.replacingOccurrences(of: "\n", with: "\r\n")) == names)
    }

    @Test func invalidYAMLIsASyntaxErrorNamingTheFile() throws {
        try withFixture { fixture in
            try fixture.write("id: tiny-pricing\ntype: [unclosed\n", to: "task.yaml")
            let errors = try problems(fixture)
            #expect(errors.count == 1)
            #expect(errors.first?.kind == .syntax)
            #expect(errors.first?.file.hasSuffix("tiny-pricing/task.yaml") == true)
        }
    }

    @Test func unknownTypeListsTheAcceptedOnes() throws {
        try withFixture { fixture in
            try fixture.edit("task.yaml", replacing: "type: feature-extension", with: "type: code-golf")
            let error = try #require(try problems(fixture).first)
            #expect(error.kind == .invalidField)
            #expect(error.field == "type")
            #expect(error.message.contains("expected one of load-hardening, feature-extension, pr-review, regression-tests, incident-debug"))
            #expect(error.message.contains("'code-golf'"))
        }
    }

    @Test func regressionTestsTasksNameWhatToMutateAndTheOriginalBug() throws {
        try withFixture { fixture in
            try fixture.edit("task.yaml", replacing: "type: feature-extension", with: "type: regression-tests")
            let missing = try problems(fixture).map(\.message)
            #expect(missing == ["missing; a regression-tests task names the modules to mutate and its original_bug"])
            try fixture.edit("task.yaml", replacing: "tests:\n", with: "mutation:\n  modules: [pricing/nowhere.py]\n  original_bug: no-such-bug\ntests:\n")
            let wrong = try problems(fixture).map { "\($0.field ?? ""): \($0.message)" }
            #expect(wrong == ["mutation.modules[0]: pricing/nowhere.py is in neither starter/ nor reference/",
                              "mutation.original_bug: bugs/no-such-bug/ does not exist"])
            try fixture.edit("task.yaml", replacing: "modules: [pricing/nowhere.py]", with: "modules: [../escape.py]")
            #expect(try problems(fixture).first?.message.contains("expected .py paths relative to the tree, got '../escape.py'") == true)
        }
    }

    @Test func loadProbesAreCheckedByKindAndNeedAService() throws {
        let probe = "probes:\n  - {name: listing, kind: n-plus-one, request: \"GET /items?limit={size}\", sizes: [10, 100]}\n"
        try withFixture { fixture in
            try fixture.edit("task.yaml", replacing: "tests:\n", with: probe + "tests:\n")
            #expect(try problems(fixture).first?.message == "load probes need a service: section that says how to start the service")
            let service = "service: {start: [python, -m, app], setup: [python, load/seed.py], port_env: PORT, readiness: /health, startup_timeout: 5s}\n"
            try fixture.edit("task.yaml", replacing: "probes:\n", with: service + "probes:\n")
            let missing = try problems(fixture).map { "\($0.file.split(separator: "/").suffix(2).joined(separator: "/")): \($0.message)" }
            #expect(missing == ["load/seed.py: named by task.yaml's service.setup, but it does not exist"])
            // A field of another kind is refused, naming the fields this kind takes.
            try fixture.edit("task.yaml", replacing: "sizes: [10, 100]}", with: "sizes: [10, 100], keys: 5}")
            let wrongKind = try #require(try problems(fixture).first)
            #expect(wrongKind.field == "probes[0].keys")
            #expect(wrongKind.message.contains("not a field of a n-plus-one probe; expected one of:"))
            try fixture.edit("task.yaml", replacing: "sizes: [10, 100], keys: 5}", with: "sizes: [100, 10]}")
            #expect(try problems(fixture).first?.message == "expected two list sizes, small then large, like [10, 100]")
            try fixture.edit("task.yaml", replacing: "GET /items?limit={size}", with: "FETCH /items?limit={size}")
            #expect(try problems(fixture).first?.message.contains("expected a method and a path, like GET /products?limit=20") == true)
        }
    }

    @Test func misspeltFieldIsRefusedNotIgnored() throws {
        try withFixture { fixture in
            try fixture.edit("task.yaml", replacing: "  pass_to_pass:", with: "  pass_to_passs:")
            let error = try #require(try problems(fixture).first)
            #expect(error.kind == .invalidField)
            #expect(error.field == "tests.pass_to_passs")
            #expect(error.message.contains("unknown field"))
        }
    }

    @Test func missingRequiredFieldIsNamed() throws {
        try withFixture { fixture in
            try fixture.edit("task.yaml", replacing: "  wall: 30s\n", with: "")
            let error = try #require(try problems(fixture).first)
            #expect(error.field == "limits.wall")
            #expect(error.message.contains("required"))
        }
    }

    @Test func durationWithoutUnitSaysWhatWasExpected() throws {
        try withFixture { fixture in
            try fixture.edit("task.yaml", replacing: "cpu: 20s", with: "cpu: 20")
            let error = try #require(try problems(fixture).first)
            #expect(error.field == "limits.cpu")
            #expect(error.message.contains("expected a positive duration with units"))
        }
    }

    @Test func absurdLimitIsRefusedNotTrapped() throws {
        try withFixture { fixture in
            try fixture.edit("task.yaml", replacing: "cpu: 20s", with: "cpu: 99999999999999999999h")
            let error = try #require(try problems(fixture).first)
            #expect(error.field == "limits.cpu")
            #expect(error.message.contains("expected at most 24h"))
        }
    }

    @Test func failToPassMustBeHidden() throws {
        try withFixture { fixture in
            try fixture.edit("task.yaml", replacing: "    - public/test_smoke.py::test_total_without_discount\n", with: "")
            try fixture.edit("task.yaml", replacing: "  fail_to_pass:\n", with: "  fail_to_pass:\n    - public/test_smoke.py::test_total_without_discount\n")
            let error = try #require(try problems(fixture).first)
            #expect(error.field == "tests.fail_to_pass[0]")
            #expect(error.message.contains("is not in hidden/"))
        }
    }

    @Test func badTestIDInABucketIsNamedWithItsIndex() throws {
        try withFixture { fixture in
            try fixture.edit("task.yaml", replacing: "    - hidden/test_pricing.py::test_empty_order_is_free",
                             with: "    - test_pricing.py::test_empty_order_is_free")
            let error = try #require(try problems(fixture).first)
            #expect(error.field == "tests.pass_to_pass[1]")
            #expect(error.message.contains("expected a test id like hidden/test_api.py::test_name"))
        }
    }

    @Test func idMustMatchTheFolder() throws {
        try withFixture { fixture in
            try fixture.edit("task.yaml", replacing: "id: tiny-pricing", with: "id: other-task")
            let errors = try problems(fixture)
            #expect(errors.map(\.field) == ["id"])
            #expect(errors.first?.message == "is 'other-task' but the folder is 'tiny-pricing'; they must match")
        }
    }

    @Test func missingFolderIsReported() throws {
        try withFixture { fixture in
            try fixture.remove("public")
            let errors = try problems(fixture)
            #expect(errors.contains { $0.kind == .missingFile && $0.file.hasSuffix("tiny-pricing/public/") })
            // The bucket entry naming a test in the missing folder is reported too, at once.
            #expect(errors.contains { $0.kind == .unknownTest && $0.field == "tests.pass_to_pass[0]" })
        }
    }

    @Test func duplicateTestIDAcrossBucketsIsReported() throws {
        try withFixture { fixture in
            try fixture.edit("task.yaml", replacing: "    - hidden/test_pricing.py::test_empty_order_is_free",
                             with: "    - hidden/test_pricing.py::test_discount_is_applied")
            let error = try #require(try problems(fixture).first)
            #expect(error.kind == .duplicate)
            #expect(error.field == "tests.pass_to_pass[1]")
            #expect(error.message.contains("already listed at tests.fail_to_pass[0]"))
        }
    }

    @Test func testThatDoesNotExistIsReported() throws {
        try withFixture { fixture in
            try fixture.edit("task.yaml", replacing: "test_rejects_discount_over_100", with: "test_rejects_negative_discount")
            let error = try #require(try problems(fixture).first)
            #expect(error.kind == .unknownTest)
            #expect(error.field == "tests.pass_to_pass[2]")
            #expect(error.message.contains("defines no 'test_rejects_negative_discount'"))
        }
    }

    @Test func caughtByATestInNoBucketIsReported() throws {
        try withFixture { fixture in
            try fixture.edit("bugs/rounds-down/bug.yaml", replacing: "test_discount_rounds_half_up[3]", with: "test_discount_rounds_half_up[5]")
            let error = try #require(try problems(fixture).first)
            #expect(error.kind == .unknownTest)
            #expect(error.file.hasSuffix("bugs/rounds-down/bug.yaml"))
            #expect(error.field == "caught_by[1]")
        }
    }

    @Test func bugIdenticalToTheReferenceIsReported() throws {
        try withFixture { fixture in
            try fixture.write(try fixture.read("reference/shop/pricing.py"), to: "bugs/rounds-down/tree/shop/pricing.py")
            let error = try #require(try problems(fixture).first)
            #expect(error.kind == .identicalOverlay)
            #expect(error.file.hasSuffix("tiny-pricing/bugs/rounds-down"))
            #expect(error.field == "shop/pricing.py")
        }
    }

    /// The truncating bug of the fixture, written as a diff against the reference.
    private static let roundsDownPatch = """
    --- a/shop/pricing.py
    +++ b/shop/pricing.py
    @@ -5,6 +5,4 @@
         \"\"\"The order total in cents after a whole-order percentage discount.\"\"\"
         if not 0 <= discount_percent <= 100:
             raise ValueError(f"discount must be 0-100, got {discount_percent}")
    -    gross = Decimal(sum(prices_cents))
    -    net = gross * (100 - discount_percent) / 100
    -    return int(net.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    +    return sum(prices_cents) * (100 - discount_percent) // 100

    """

    @Test func bugWrittenAsAPatchMaterializesLikeItsOverlay() throws {
        try withFixture { fixture in
            let overlay = try fixture.read("bugs/rounds-down/tree/shop/pricing.py")
            try fixture.remove("bugs/rounds-down/tree")
            try fixture.write(Self.roundsDownPatch, to: "bugs/rounds-down/bug.patch")
            let task = try TaskLoader(root: fixture.root.path).load(folder: TaskFixture.id).get()
            let tree = fixture.root.path + "/tree"
            try task.materialize(.bug("rounds-down"), into: tree)
            #expect(try String(contentsOfFile: tree + "/shop/pricing.py", encoding: .utf8) == overlay)
        }
    }

    @Test func patchThatDoesNotApplyNamesTheHunk() throws {
        try withFixture { fixture in
            try fixture.remove("bugs/rounds-down/tree")
            try fixture.write(Self.roundsDownPatch.replacingOccurrences(of: "-    gross = Decimal", with: "-    gross = Fraction"),
                              to: "bugs/rounds-down/bug.patch")
            let error = try #require(try problems(fixture).first)
            #expect(error.file.hasSuffix("bugs/rounds-down/bug.patch"))
            #expect(error.field == "shop/pricing.py")
            #expect(error.message == "hunk 1 (@@ -5,6 +5,4 @@) does not apply: expected '    gross = Fraction(sum(prices_cents))' at line 8, found '    gross = Decimal(sum(prices_cents))'")
        }
    }

    @Test func reviewTaskNeedsAnAnswerKeyAndItsLinesMustExist() throws {
        try withFixture { fixture in
            try fixture.edit("task.yaml", replacing: "type: feature-extension", with: "type: pr-review")
            #expect(try problems(fixture).map(\.kind) == [.missingFile])
            try fixture.write("""
            answers:
              - id: no-discount
                file: shop/pricing.py
                lines: 5-99
                category: correctness
                severity: major
                summary: The discount is ignored.
                tests: [hidden/test_pricing.py::test_discount_is_applied]
            """, to: "key.yaml")
            let error = try #require(try problems(fixture).first)
            #expect(error.field == "answers[0].lines")
            #expect(error.message.contains("past the end of starter/shop/pricing.py"))
        }
    }

    @Test func answerKeyIsRefusedForOtherTypes() throws {
        try withFixture { fixture in
            try fixture.write("answers: []\n", to: "key.yaml")
            let error = try #require(try problems(fixture).first)
            #expect(error.file.hasSuffix("key.yaml"))
            #expect(error.message.contains("only pr-review and incident-debug"))
        }
    }

    @Test func folderWithoutTaskYAMLIsReported() throws {
        try withFixture { fixture in
            try FileManager.default.createDirectory(at: fixture.root.appendingPathComponent("stray"), withIntermediateDirectories: true)
            let catalog = try TaskLoader(root: fixture.root.path).loadAll()
            #expect(catalog.tasks.count == 1)
            #expect(catalog.invalid.map(\.folder) == ["stray"])
            #expect(catalog.invalid.first?.problems.errors.first?.kind == .missingFile)
        }
    }

    @Test func unknownTaskIDListsTheKnownOnes() throws {
        try withFixture { fixture in
            #expect {
                try TaskLoader(root: fixture.root.path).load(ids: ["nope"])
            } throws: { error in
                (error as? TaskError)?.message == "no task 'nope'; known tasks: tiny-pricing"
            }
        }
    }

    @Test func theRealTaskBankLoads() throws {
        let catalog = try TaskLoader(root: ProbeProcess.repository.appendingPathComponent("Tasks").path).loadAll()
        #expect(catalog.invalid.isEmpty, "\(catalog.invalid.map { "\($0.folder): \($0.problems)" })")
        #expect(Set(catalog.tasks.map(\.manifest.type)) == Set(TaskType.allCases))
    }
}
