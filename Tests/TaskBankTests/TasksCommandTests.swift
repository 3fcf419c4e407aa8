import Foundation
import ProbeTestSupport
import Testing

/// `probe tasks list/show/export`, as a user runs them.
@Suite struct TasksCommandTests {
    private func probe(_ arguments: [String]) throws -> (Int32, String, String) {
        try ProbeProcess.execute([ProbeProcess.probe] + arguments)
    }

    @Test func listJSONIsAnArrayOfIDTypeTitlePath() throws {
        let fixture = try TaskFixture()
        defer { fixture.cleanUp() }
        let (code, out, _) = try probe(["tasks", "list", "--json", "--tasks", fixture.root.path])
        #expect(code == 0)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: String]])
        #expect(entries == [["id": "tiny-pricing", "type": "feature-extension", "title": "Apply order discounts",
                             "path": fixture.task.path]])
    }

    @Test func listReportsABrokenTaskAndExitsOne() throws {
        let fixture = try TaskFixture()
        defer { fixture.cleanUp() }
        try fixture.edit("task.yaml", replacing: "memory: 256MiB", with: "memory: lots")
        let (code, out, err) = try probe(["tasks", "list", "--tasks", fixture.root.path])
        #expect(code == 1)
        #expect(out.isEmpty)
        #expect(err.contains("tiny-pricing/task.yaml: limits.memory: expected a positive size in KiB, MiB or GiB, like 512MiB, got 'lots'"))
    }

    @Test func showNamesBugsAndBuckets() throws {
        let fixture = try TaskFixture()
        defer { fixture.cleanUp() }
        let (code, out, _) = try probe(["tasks", "show", "tiny-pricing", "--tasks", fixture.root.path])
        #expect(code == 0)
        #expect(out.contains("3 fail_to_pass, 3 pass_to_pass"))
        #expect(out.contains("rounds-down: Truncates the discounted total instead of rounding half a cent up."))
    }

    @Test func exportWritesTheBundleAndRefusesALeakingOne() throws {
        let fixture = try TaskFixture()
        defer { fixture.cleanUp() }
        let out = fixture.root.path + "/bundle"
        var (code, _, err) = try probe(["tasks", "export", "tiny-pricing", "--out", out, "--tasks", fixture.root.path])
        #expect(code == 0, "\(err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["brief.md", "probe-task.json", "public", "starter"])

        try fixture.write(try fixture.read("hidden/test_pricing.py"), to: "starter/notes.py")
        let leaking = fixture.root.path + "/leaking"
        (code, _, err) = try probe(["tasks", "export", "tiny-pricing", "--out", leaking, "--tasks", fixture.root.path])
        #expect(code == 1)
        #expect(err.contains("starter/notes.py has the content of hidden/test_pricing.py"))
        #expect(!FileManager.default.fileExists(atPath: leaking))
    }

    @Test func missingTasksRootIsAUsageError() throws {
        let (code, _, err) = try probe(["tasks", "list", "--tasks", "/nonexistent/tasks"])
        #expect(code == 64)
        #expect(err.contains("/nonexistent/tasks (--tasks): no such folder"))
    }
}
