import Foundation
import ProbeTestSupport
import Testing

/// Submissions as archives and bundles: hostile archives are refused naming the entry, a
/// `probe submit` bundle round-trips, and a bundle changed afterwards or stamped for another
/// task is not graded.
@Suite(.serialized) final class SubmissionIntakeTests {
    let fixture: TaskFixture
    let work: URL

    init() throws {
        fixture = try TaskFixture()
        work = fixture.root.appendingPathComponent("intake")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    deinit {
        fixture.cleanUp()
    }

    /// Builds an archive with the grading venv's Python; `body` gets `out` (the path).
    func archive(_ name: String, _ body: String) throws -> URL {
        let out = work.appendingPathComponent(name)
        let script = "import io, os, tarfile, zipfile\nout = \(String(reflecting: out.path))\n" + body
        let (code, _, err) = try ProbeProcess.execute([ProbeProcess.python, "-c", script])
        #expect(code == 0, "\(err)")
        return out
    }

    func grade(_ paths: [String]) throws -> (Int32, String, [String: Any]) {
        let out = work.appendingPathComponent("reports-\(UUID().uuidString.prefix(6))")
        let (code, stdout, err) = try ProbeProcess.execute([ProbeProcess.probe, "grade", "--tasks", fixture.root.path,
                                                            "--task", TaskFixture.id, "--out", out.path] + paths)
        let folder = (try? FileManager.default.contentsOfDirectory(atPath: out.path))?.first { !$0.hasPrefix("summary") } ?? "-"
        let data = (try? Data(contentsOf: out.appendingPathComponent(folder).appendingPathComponent("report.json"))) ?? Data()
        return (code, stdout + err, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    func verdict(_ report: [String: Any]) -> (String?, String) {
        let verdict = report["verdict"] as? [String: Any]
        return (verdict?["status"] as? String, verdict?["reason"] as? String ?? "")
    }

    @Test(arguments: [
        ("dotdot.tar.gz", """
         with tarfile.open(out, "w:gz") as t:
             data = b"print('x')\\n"; info = tarfile.TarInfo("../evil.py"); info.size = len(data); t.addfile(info, io.BytesIO(data))
         """, "entry '../evil.py'"),
        ("absolute.tar", """
         with tarfile.open(out, "w") as t:
             data = b"x"; info = tarfile.TarInfo("/etc/cron.d/evil"); info.size = 1; t.addfile(info, io.BytesIO(data))
         """, "entry '/etc/cron.d/evil'"),
        ("symlink-out.tar.gz", """
         with tarfile.open(out, "w:gz") as t:
             info = tarfile.TarInfo("shop/secrets"); info.type = tarfile.SYMTYPE; info.linkname = "/etc/passwd"; t.addfile(info)
         """, "entry 'shop/secrets'"),
        ("device.tar", """
         with tarfile.open(out, "w") as t:
             info = tarfile.TarInfo("dev/mem"); info.type = tarfile.CHRTYPE; info.devmajor = 1; info.devminor = 1; t.addfile(info)
         """, "entry 'dev/mem'"),
        ("bomb.zip", """
         with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
             z.writestr("shop/pricing.py", b"0" * (40 << 20))
         """, "entry 'shop/pricing.py'"),
        ("zip-slip.zip", """
         with zipfile.ZipFile(out, "w") as z:
             z.writestr("shop/../../outside.py", b"x = 1\\n")
         """, "outside.py"),
        ("not-an-archive.tar.gz", """
         open(out, "wb").write(b"this is not an archive at all")
         """, "expected"),
    ] as [(String, String, String)])
    func hostileArchiveIsNotGradedAndNamesTheEntry(name: String, body: String, entry: String) throws {
        let path = try archive(name, body)
        let (code, output, report) = try grade([path.path])
        #expect(code == 1, "\(output)")
        let (status, reason) = verdict(report)
        #expect(status == "not-graded")
        #expect(reason.contains(entry), "\(reason)")
        #expect(output.contains("not graded"), "\(output)")
    }

    @Test func aTarballOfAFolderIsGraded() throws {
        let folder = try fixture.submission(.reference, named: "alice-solution")
        let path = try archive("alice.tar.gz", """
            with tarfile.open(out, "w:gz") as t:
                t.add(\(String(reflecting: folder.path)), arcname="alice-solution")
            """)
        let (code, output, report) = try grade([path.path])
        #expect(code == 0, "\(output)")
        #expect(verdict(report).0 == "graded")
        #expect((report["score"] as? [String: Any])?["percent"] as? Double == 100)
        #expect((report["submission"] as? [String: Any])?["form"] as? String == "tar.gz")
    }

    /// A candidate's exported task folder with the reference solution, committed with git.
    func candidateFolder() throws -> URL {
        let folder = work.appendingPathComponent("candidate")
        let (code, _, err) = try ProbeProcess.execute([ProbeProcess.probe, "tasks", "export", TaskFixture.id,
                                                       "--tasks", fixture.root.path, "--out", folder.path])
        #expect(code == 0, "\(err)")
        let solved = try String(contentsOf: fixture.task.appendingPathComponent("reference/shop/pricing.py"), encoding: .utf8)
        try solved.write(to: folder.appendingPathComponent("starter/shop/pricing.py"), atomically: false, encoding: .utf8)
        try "# Notes\n\nRounded half up with Decimal.\n".write(to: folder.appendingPathComponent("starter/NOTES.md"), atomically: false, encoding: .utf8)
        for argv in [["init", "-q"], ["add", "-A"], ["-c", "user.name=Alice", "-c", "user.email=a@example.com", "commit", "-qm", "Apply the discount, rounding half up"]] {
            _ = try ProbeProcess.execute(["/usr/bin/git", "-C", folder.path] + argv)
        }
        return folder
    }

    @Test func aSubmitBundleRoundTripsWithItsHistory() throws {
        let folder = try candidateFolder()
        let bundle = work.appendingPathComponent("alice.tar.gz")
        let (code, out, err) = try ProbeProcess.execute([ProbeProcess.probe, "submit", folder.path, "--out", bundle.path])
        #expect(code == 0, "\(err)")
        #expect(out.contains("shop/pricing.py"))
        #expect(out.contains("with .git history"))
        #expect(!out.contains("probe-task.json"))

        let (graded, output, report) = try grade([bundle.path])
        #expect(graded == 0, "\(output)")
        #expect(verdict(report).0 == "graded")
        #expect((report["submission"] as? [String: Any])?["form"] as? String == "bundle")
        let commits = (report["code_quality"] as? [String: Any])?["commits"] as? [[String: Any]]
        #expect(commits?.map { $0["subject"] as? String } == ["Apply the discount, rounding half up"])
        #expect((report["task"] as? [String: Any])?["stamp_digest"] == nil)
    }

    @Test func aBundleChangedAfterSubmitIsNotGraded() throws {
        let folder = try candidateFolder()
        let bundle = work.appendingPathComponent("alice.tar.gz")
        _ = try ProbeProcess.execute([ProbeProcess.probe, "submit", folder.path, "--out", bundle.path])
        let changed = try archive("changed.tar.gz", """
            src = tarfile.open(\(String(reflecting: bundle.path)))
            with tarfile.open(out, "w:gz") as t:
                for member in src.getmembers():
                    data = src.extractfile(member).read() if member.isfile() else None
                    if member.name == "shop/pricing.py":
                        data = data.replace(b"ROUND_HALF_UP)", b"ROUND_HALF_UP) + 0")
                        member.size = len(data)
                    t.addfile(member, io.BytesIO(data) if data is not None else None)
            """)
        let (code, _, report) = try grade([changed.path])
        #expect(code == 1)
        let (status, reason) = verdict(report)
        #expect(status == "not-graded")
        #expect(reason.contains("entry 'shop/pricing.py': its SHA-256 differs from probe-submission.json"), "\(reason)")
    }

    @Test func aStampForAnotherTaskIsNotGraded() throws {
        let folder = try candidateFolder()
        let stamp = folder.appendingPathComponent("probe-task.json")
        let text = try String(contentsOf: stamp, encoding: .utf8).replacingOccurrences(of: "\"tiny-pricing\"", with: "\"other-task\"")
        try text.write(to: stamp, atomically: false, encoding: .utf8)
        let (code, _, report) = try grade([folder.path])
        #expect(code == 1)
        #expect(verdict(report).1.contains("the submission is for task 'other-task', not 'tiny-pricing'"), "\(verdict(report).1)")
    }

    @Test func checkRunsThePublicTestsInTheCandidatesFolder() throws {
        let folder = try candidateFolder()
        let (code, out, err) = try ProbeProcess.execute([ProbeProcess.probe, "check", folder.path])
        #expect(code == 0, "\(out)\(err)")
        #expect(out.contains("tiny-pricing: 1 of 1 public tests passed"), "\(out)")
        #expect(!(out + err).contains("hidden/"))
    }
}
