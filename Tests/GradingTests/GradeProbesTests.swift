import Foundation
import ProbeTestSupport
import Testing

/// `probe grade` on the load-hardening task's untouched starter: its load probes run against
/// the live service and land in every report format, scored in their rubric dimension.
@Suite struct GradeProbesTests {
    @Test func theStarterFailsItsDefectProbesInEveryReport() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("grade-probes-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        let tasks = ProbeProcess.repository.appendingPathComponent("Tasks").path
        let bundle = root.appendingPathComponent("candidate").path, out = root.appendingPathComponent("reports").path
        let export = try ProbeProcess.execute([ProbeProcess.probe, "tasks", "export", "catalog-load-hardening", "--tasks", tasks, "--out", bundle])
        #expect(export.0 == 0, "\(export.2)")
        let graded = try ProbeProcess.execute([ProbeProcess.probe, "grade", "--tasks", tasks, "--task", "catalog-load-hardening",
                                               "--out", out, bundle])
        let folder = URL(fileURLWithPath: out).appendingPathComponent("candidate")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("report.json"))) as? [String: Any],
                                  "\(graded.2)")
        let probes = try #require(report["probes"] as? [[String: Any]])
        let passed = Dictionary(uniqueKeysWithValues: probes.map { ($0["name"] as? String ?? "", $0["passed"] as? Bool ?? true) })
        #expect(passed == ["listing-statements": false, "listing-cache-memory": false, "pricing-hang": false,
                           "doorbuster-reservations": false, "listing-latency": true])
        // Every threshold of this task is absolute: no reference service was started for it.
        #expect(probes.allSatisfy { $0["reference_metrics"] == nil })

        let quality = try #require((report["dimensions"] as? [String: Any])?["code-quality"] as? [String: Any])
        let evidence = quality["evidence"] as? [String] ?? []
        #expect(evidence.contains { $0.hasPrefix("load probe listing-statements failed (weight 1): statement growth from 10 to 100 items: 180") })
        #expect(evidence.contains { $0.hasPrefix("load probe listing-latency passed (weight 1)") })

        let gradescope = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("results.json"))) as? [String: Any])
        let scores = Dictionary(uniqueKeysWithValues: (gradescope["tests"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0["score"] as? Double ?? -1) })
        #expect(scores["load probe pricing-hang"] == 0)
        #expect(scores["load probe listing-latency"] == 1)

        let junit = try String(contentsOf: folder.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(junit.contains("name=\"load probe doorbuster-reservations\">\n      <failure message=\"load probe failed\">"))
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<h2>Load probes</h2>") && html.contains("latency over time"))
    }
}
