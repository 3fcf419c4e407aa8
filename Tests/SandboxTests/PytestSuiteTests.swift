import Foundation
import ProbeTestSupport
import Testing

/// A real multi-file pytest suite (threads, subprocesses, multiprocessing, sqlite, tmp_path)
/// gets the same outcome inside the pytest profile as outside, with nothing blocked.
@Suite struct PytestSuiteTests {
    static let suite = ProbeProcess.repository.appendingPathComponent("Tests/SandboxTests/Suites/normal").path
    static let pytest = [ProbeProcess.python, "-I", "-m", "pytest", "-q", "-p", "no:cacheprovider", suite]

    @Test func suitePassesInsideAsItDoesOutside() throws {
        let (bareCode, bareOut, _) = try ProbeProcess.execute(Self.pytest, environment: ["PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"])
        let sandboxed = try ProbeProcess.run(["--ro", Self.suite, "--env", "PYTEST_DISABLE_PLUGIN_AUTOLOAD=1"], Self.pytest)
        #expect(bareCode == 0)
        #expect(sandboxed.status == "ok", "\(sandboxed.stdout)\(sandboxed.childStderr)")
        #expect(sandboxed.blockedCalls == [])
        let summary = { (text: String) in text.split(separator: "\n").last.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } }
        #expect(summary(bareOut) == "20 passed")
        #expect(summary(sandboxed.stdout) == summary(bareOut))
    }

    @Test func aFailingSuiteFailsTheSameWay() throws {
        let dir = try ProbeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "def test_ok():\n    assert True\n\ndef test_bad():\n    assert 1 == 2\n"
            .write(to: dir.appendingPathComponent("test_mixed.py"), atomically: false, encoding: .utf8)
        let command = [ProbeProcess.python, "-I", "-m", "pytest", "-q", "-p", "no:cacheprovider", dir.path]
        let outcome = try ProbeProcess.run(["--ro", dir.path], command)
        #expect(outcome.status == "runtime-error")
        #expect(outcome.exitStatus == 1)
        #expect(outcome.stdout.contains("1 failed, 1 passed"))
    }

    /// The target starts in its own work dir, so a relative interpreter path must still name
    /// the venv it named in the caller's directory, or Python would run without the venv.
    @Test func aRelativeVenvInterpreterKeepsItsVenv() throws {
        let (code, out, err) = try ProbeProcess.execute(
            [ProbeProcess.probe, "run", "--", ".venv/bin/python", "-I", "-c", "import sys; print(sys.prefix)"],
            in: ProbeProcess.repository)
        #expect(code == 0, "\(err)")
        #expect(out == ProbeProcess.repository.appendingPathComponent(".venv").path + "\n")
    }
}
