import Foundation
import Load
import LoadProbes

extension GradeReport {
    /// `report.md`'s load-probe section: each probe's verdict and checks, then a percentile
    /// table and an error breakdown per load phase.
    var probesMarkdown: String {
        guard !probes.isEmpty else { return "" }
        var out = "\n## Load probes\n"
        for probe in probes {
            out += "\n### \(probe.passed ? "✅" : "❌") \(probe.name) (\(probe.kind.rawValue), \(probe.rubric.rawValue), weight \(probe.weight))\n\n"
            if let error = probe.error { out += "Could not measure: \(Self.inline(error))\n\n" }
            out += probe.checks.map { "- \($0.passed ? "ok" : "**failed**") \(Self.inline($0.name)): \($0.actual) (limit \($0.limit))\n" }.joined()
            out += probe.notes.map { "- \(Self.inline($0))\n" }.joined()
            if !probe.phases.isEmpty {
                out += "\n| Phase | req/s | sent | answered | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors |\n|---|---|---|---|---|---|---|---|---|---|\n"
                for phase in probe.phases {
                    let p = phase.load.latencyIncludingTimeoutsUs, l = phase.load
                    let cells = [p.p50, p.p90, p.p99, p.p999, p.max].map { Self.format(Double($0) / 1000) }.joined(separator: " | ")
                    out += "| \(phase.label) | \(Self.format(l.requestsPerSecond)) | \(l.sent) | \(l.completed) | \(cells) | \(Self.errorBreakdown(l)) |\n"
                }
            }
        }
        return out
    }

    static func errorBreakdown(_ load: LoadReport) -> String {
        let parts = ErrorClass.allCases.compactMap { kind in load.errors(kind) > 0 ? "\(kind.rawValue) \(load.errors(kind))" : nil }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    /// `report.html`'s load-probe section: verdicts and checks, the percentile table, a
    /// latency-over-time plot and a latency-distribution plot per phase, and RSS over time.
    var probesHTML: String {
        guard !probes.isEmpty else { return "" }
        let e = Self.escapeHTML
        var body = "<section><h2>Load probes</h2>"
        for probe in probes {
            body += "<h3 class=\"\(probe.passed ? "ok" : "bad")\">\(probe.passed ? "passed" : "failed"): \(e(probe.name)) <small>\(e(probe.kind.rawValue)) · \(e(probe.rubric.rawValue)) · weight \(probe.weight)</small></h3><ul>"
            if let error = probe.error { body += "<li class=\"violation\">could not measure: \(e(error))</li>" }
            body += probe.checks.map { "<li class=\"\($0.passed ? "" : "violation")\">\(e($0.name)): \(e($0.actual)) (limit \(e($0.limit)))</li>" }.joined()
            body += probe.notes.map { "<li>\(e($0))</li>" }.joined()
            body += "</ul>"
            if !probe.phases.isEmpty {
                body += "<table><tr><th>Phase</th><th>req/s</th><th>sent</th><th>answered</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max (ms)</th><th>errors</th></tr>"
                for phase in probe.phases {
                    let p = phase.load.latencyIncludingTimeoutsUs, l = phase.load
                    body += "<tr><td>\(e(phase.label))</td><td>\(Self.format(l.requestsPerSecond))</td><td>\(l.sent)</td><td>\(l.completed)</td>"
                    body += [p.p50, p.p90, p.p99, p.p999, p.max].map { "<td>\(Self.format(Double($0) / 1000))</td>" }.joined()
                    body += "<td>\(e(Self.errorBreakdown(l)))</td></tr>"
                }
                body += "</table><div class=\"plots\">"
                for phase in probe.phases where phase.load.windows.count > 1 { body += Self.timePlot(phase) }
                for phase in probe.phases where !phase.load.percentileCurve.isEmpty { body += Self.distributionPlot(phase) }
                body += "</div>"
            }
            if probe.samples.count > 1 { body += Self.memoryPlot(probe.samples) }
        }
        return body + "</section>\n"
    }

    private static let plotWidth = 300, plotHeight = 150, margin = 36

    /// A polyline plot on shared axes; `series` are (class, points) with x and y already in data units.
    private static func plot(title: String, xLabel: String, yLabel: String, series: [(String, [(Double, Double)])],
                             xTicks: [(Double, String)]? = nil) -> String {
        let all = series.flatMap(\.1)
        guard let maxX = all.map(\.0).max(), let maxYRaw = all.map(\.1).max() else { return "" }
        let minX = all.map(\.0).min() ?? 0
        let maxY = Swift.max(maxYRaw * 1.1, 0.001)
        let w = Double(plotWidth - margin - 8), h = Double(plotHeight - margin)
        func x(_ value: Double) -> Double { Double(margin) + (maxX > minX ? (value - minX) / (maxX - minX) : 0) * w }
        func y(_ value: Double) -> Double { 8 + h - value / maxY * h }
        var svg = "<svg class=\"plot\" role=\"img\" aria-label=\"\(escapeHTML(title))\" viewBox=\"0 0 \(plotWidth) \(plotHeight + 12)\" width=\"\(plotWidth)\">"
        svg += "<text x=\"\(margin)\" y=\"6\" class=\"small\">\(escapeHTML(title))</text>"
        svg += "<line x1=\"\(margin)\" y1=\"\(8 + h)\" x2=\"\(plotWidth - 8)\" y2=\"\(8 + h)\" class=\"axis\"/><line x1=\"\(margin)\" y1=\"8\" x2=\"\(margin)\" y2=\"\(8 + h)\" class=\"axis\"/>"
        svg += "<text x=\"2\" y=\"14\" class=\"small\">\(format(maxY))</text><text x=\"2\" y=\"\(Int(8 + h))\" class=\"small\">0</text>"
        svg += "<text x=\"\(plotWidth / 2)\" y=\"\(plotHeight + 10)\" class=\"small\">\(escapeHTML(xLabel))</text>"
        svg += "<text x=\"2\" y=\"\(plotHeight / 2)\" class=\"small\">\(escapeHTML(yLabel))</text>"
        for (value, label) in xTicks ?? [(minX, format(minX)), (maxX, format(maxX))] {
            svg += "<text x=\"\(Int(x(value)) - 6)\" y=\"\(Int(8 + h + 12))\" class=\"small\">\(escapeHTML(label))</text>"
        }
        for (kind, points) in series where !points.isEmpty {
            let coordinates = points.map { String(format: "%.1f,%.1f", x($0.0), y($0.1)) }.joined(separator: " ")
            svg += "<polyline points=\"\(coordinates)\" class=\"\(kind)\"/>"
        }
        return svg + "</svg>"
    }

    /// p50 and p99 of each second of the phase: degradation over time.
    static func timePlot(_ phase: ProbeResult.Phase) -> String {
        let windows = phase.load.windows
        return plot(title: "\(phase.label): latency over time (p50 blue, p99 red)", xLabel: "second", yLabel: "ms",
                    series: [("p50", windows.map { (Double($0.second), Double($0.p50Us) / 1000) }),
                             ("p99", windows.map { (Double($0.second), Double($0.p99Us) / 1000) })])
    }

    /// Latency by percentile, on a "nines" axis so the tail gets the room it deserves.
    static func distributionPlot(_ phase: ProbeResult.Phase) -> String {
        func nines(_ percentile: Double) -> Double { percentile >= 100 ? 5 : Swift.min(5, -log10(1 - percentile / 100)) }
        let points = phase.load.percentileCurve.map { (nines($0.percentile), Double($0.valueUs) / 1000) }
        return plot(title: "\(phase.label): latency distribution", xLabel: "percentile", yLabel: "ms", series: [("p99", points)],
                    xTicks: [(0, "0"), (1, "90"), (2, "99"), (3, "99.9"), (4, "99.99")])
    }

    static func memoryPlot(_ samples: [ProcessTree.Sample]) -> String {
        plot(title: "service RSS (MiB) and threads, every 250 ms", xLabel: "second", yLabel: "MiB",
             series: [("p50", samples.map { (Double($0.atMs) / 1000, Double($0.rssKiB) / 1024) }),
                      ("threads", samples.map { (Double($0.atMs) / 1000, Double($0.threads)) })])
    }

    static let probeStyle = """
    .plots{display:flex;flex-wrap:wrap;gap:8px}.plot polyline{fill:none;stroke-width:1.5}.plot .p50{stroke:#3867d6}
    .plot .p99{stroke:#eb3b5a}.plot .threads{stroke:#8a93a3;stroke-dasharray:3 2}.axis{stroke:#8a93a3}
    .plot text{font-size:10px;fill:#5a6475}h3.ok{color:#1e7b34}h3.bad{color:#b3261e}
    """
}
