import Foundation
import ProbeTestSupport
import TaskBank
import Testing

/// The bundle holds brief.md, starter/, public/ and the stamp, and the leak scanner catches a
/// secret by path and by content, wherever it was copied.
@Suite struct BundleExporterTests {
    private func exported(_ fixture: TaskFixture) throws -> (TaskDefinition, String) {
        let task = try TaskLoader(root: fixture.root.path).load(folder: TaskFixture.id).get()
        let bundle = fixture.root.path + "/bundle"
        try BundleExporter.export(task, to: bundle)
        return (task, bundle)
    }

    @Test func bundleHoldsOnlyWhatTheCandidateGets() throws {
        let fixture = try TaskFixture()
        defer { fixture.cleanUp() }
        let (task, bundle) = try exported(fixture)
        let top = try FileManager.default.contentsOfDirectory(atPath: bundle).sorted()
        #expect(top == ["brief.md", "probe-task.json", "public", "starter"])
        #expect(FileManager.default.fileExists(atPath: bundle + "/starter/shop/pricing.py"))
        #expect(FileManager.default.fileExists(atPath: bundle + "/public/test_smoke.py"))
        let stamp = try JSONDecoder().decode(TaskStamp.self, from: Data(contentsOf: URL(fileURLWithPath: bundle + "/probe-task.json")))
        #expect(stamp.id == "tiny-pricing")
        #expect(stamp.digest == (try BundleExporter.digest(of: task)))
        #expect(try LeakScanner.scan(bundle: bundle, task: task).isEmpty)
    }

    @Test func hiddenTestCopiedIntoStarterUnderAnotherNameIsCaughtByContent() throws {
        let fixture = try TaskFixture()
        defer { fixture.cleanUp() }
        // Reformatted on the way (CRLF, trailing spaces), as an editor might.
        let copied = try fixture.read("hidden/test_pricing.py").replacingOccurrences(of: "\n", with: "  \r\n")
        try fixture.write(copied, to: "starter/tests/test_examples.py")
        let (task, bundle) = try exported(fixture)
        let leaks = try LeakScanner.scan(bundle: bundle, task: task)
        #expect(leaks == [Leak(bundlePath: "starter/tests/test_examples.py", secret: "hidden/test_pricing.py", byContent: true)])
    }

    @Test func referenceSolutionInPublicIsCaught() throws {
        let fixture = try TaskFixture()
        defer { fixture.cleanUp() }
        try fixture.write(try fixture.read("reference/shop/pricing.py"), to: "public/solution_hint.py")
        let (task, bundle) = try exported(fixture)
        let leaks = try LeakScanner.scan(bundle: bundle, task: task)
        #expect(leaks.map(\.bundlePath) == ["public/solution_hint.py"])
        #expect(leaks.first?.secret == "reference/shop/pricing.py")
    }

    @Test func secretFileNameAndStrayEntryAreCaughtByPath() throws {
        let fixture = try TaskFixture()
        defer { fixture.cleanUp() }
        try fixture.write("# a different body\n", to: "starter/test_pricing.py")
        let (task, bundle) = try exported(fixture)
        try Data("answers: []\n".utf8).write(to: URL(fileURLWithPath: bundle + "/key.yaml"))
        let leaks = try LeakScanner.scan(bundle: bundle, task: task)
        #expect(leaks.map(\.bundlePath).sorted() == ["key.yaml", "starter/test_pricing.py"])
        #expect(leaks.allSatisfy { !$0.byContent })
    }

    @Test func exportRefusesToOverwrite() throws {
        let fixture = try TaskFixture()
        defer { fixture.cleanUp() }
        let (task, bundle) = try exported(fixture)
        #expect(throws: TaskError.self) { try BundleExporter.export(task, to: bundle) }
    }
}
