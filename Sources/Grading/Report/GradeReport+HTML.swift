import Foundation

extension GradeReport {
    /// `report.html`: one self-contained page (no scripts, no external files) for a hiring
    /// manager: the verdict and score, a bar per dimension, then the evidence under each.
    public var html: String {
        let e = Self.escapeHTML
        var body = "<h1>\(e(task.title))</h1>\n<p class=\"sub\">\(e(submission.name)) · task <code>\(e(task.id))</code> (\(e(task.type.rawValue)))</p>\n"
        let status = verdict.status.rawValue
        body += "<div class=\"verdict \(status)\"><strong>\(e(status))</strong>\(verdict.reason.map { " — " + e($0) } ?? "")</div>\n"
        body += "<p class=\"score\">Score: <strong>\(score.percent.map { Self.format($0) + "%" } ?? "none")</strong>"
        if !score.humanPending.isEmpty { body += " <span class=\"pending\">(human scores pending: \(e(score.humanPending.joined(separator: ", "))))</span>" }
        body += "</p>\n" + chart + "\n"
        for (_, dimension) in orderedDimensions {
            body += "<section><h2>\(e(dimension.title)) <small>weight \(dimension.weight)</small></h2>\n<ul>"
            body += dimension.evidence.map { "<li>\(e($0))</li>" }.joined()
            body += "</ul>\n"
            if let human = dimension.human {
                let given = human.score.map { "\(Self.format($0)) / \(Self.format(human.max))" } ?? "not scored yet"
                body += "<div class=\"human\"><h3>Human score: \(e(given))\(human.grader.map { " by " + e($0) } ?? "")</h3><ul>"
                body += human.evidence.map { "<li>\(e($0))</li>" }.joined()
                body += human.citations.map { "<li class=\"cite\">cited: \(e($0.summary))</li>" }.joined()
                body += "</ul></div>\n"
            }
            body += "</section>\n"
        }
        if !integrity.isEmpty {
            body += "<section><h2>Integrity</h2><ul>"
            body += integrity.map { "<li class=\"\($0.violation ? "violation" : "notice")\"><b>\($0.violation ? "violation" : "notice")</b> \(e($0.kind.rawValue)) <code>\(e($0.subject))</code>: \(e($0.detail))</li>" }.joined()
            body += "</ul></section>\n"
        }
        body += probesHTML
        body += "<section><h2>Tests</h2>"
        if let hiddenSummary { body += "<p>Hidden tests: \(hiddenSummary.passed) of \(hiddenSummary.total) passed.</p>" }
        body += "<table><tr><th>Test</th><th>Bucket</th><th>Outcome</th><th>ms</th><th>Message</th></tr>"
        for test in tests {
            body += "<tr class=\"\(test.outcome.rawValue)\"><td><code>\(e(test.id))</code></td><td>\(test.bucket)</td><td>\(test.outcome.rawValue)</td><td>\(test.durationMS)</td><td>\(e(test.message))</td></tr>"
        }
        body += "</table></section>\n"
        body += "<footer>Probe \(e(tooling["probe"] ?? "?")) · report schema \(schemaVersion) · sha256 \(e(String(submission.sha256.prefix(16))))… · \(timing.wallMS) ms</footer>\n"
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(e(task.title)): \(e(submission.name))</title>
        <style>\(Self.style)\(probes.isEmpty ? "" : Self.probeStyle)</style></head>
        <body>
        \(body)</body></html>

        """
    }

    /// A horizontal bar per dimension, automated and human parts side by side, as inline SVG.
    private var chart: String {
        let rows = orderedDimensions
        let rowHeight = 34, width = 560, label = 150, bar = width - label - 60
        var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"Score per dimension\" viewBox=\"0 0 \(width) \(rows.count * rowHeight + 10)\" width=\"\(width)\">"
        for (index, (_, dimension)) in rows.enumerated() {
            let y = index * rowHeight + 5
            let automated = dimension.max > 0 ? dimension.score / dimension.max : nil
            let human = dimension.human.flatMap { slot in slot.score.map { $0 / slot.max } }
            svg += "<text x=\"0\" y=\"\(y + 14)\">\(Self.escapeHTML(dimension.title))</text>"
            svg += "<rect x=\"\(label)\" y=\"\(y)\" width=\"\(bar)\" height=\"12\" class=\"track\"/>"
            if let automated {
                svg += "<rect x=\"\(label)\" y=\"\(y)\" width=\"\(Int(Double(bar) * automated))\" height=\"12\" class=\"auto\"/>"
                svg += "<text x=\"\(label + bar + 6)\" y=\"\(y + 11)\">\(Int((automated * 100).rounded()))%</text>"
            }
            svg += "<rect x=\"\(label)\" y=\"\(y + 14)\" width=\"\(bar)\" height=\"8\" class=\"track\"/>"
            if let human { svg += "<rect x=\"\(label)\" y=\"\(y + 14)\" width=\"\(Int(Double(bar) * human))\" height=\"8\" class=\"human\"/>" }
            if dimension.human != nil { svg += "<text x=\"\(label + bar + 6)\" y=\"\(y + 22)\" class=\"small\">\(human.map { "\(Int(($0 * 100).rounded()))% human" } ?? "human: pending")</text>" }
        }
        return svg + "</svg><p class=\"legend\"><span class=\"k auto\"></span> automated checks <span class=\"k human\"></span> human score</p>"
    }

    private static let style = """
    body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
    h1{margin-bottom:0}.sub{color:#5a6475;margin-top:.2rem}code{font-size:90%}
    .verdict{padding:.6rem .9rem;border-radius:6px;margin:1rem 0}.graded{background:#e6f4ea}
    .integrity-violation{background:#fde7e9}.not-graded{background:#fff4d6}
    .chart text{font-size:13px;fill:#1d2330}.chart .small{font-size:11px;fill:#5a6475}
    .track{fill:#eceff3}.auto{fill:#3867d6}.human{fill:#20bf6b}
    .legend{font-size:12px;color:#5a6475}.k{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}
    .k.auto{background:#3867d6}.k.human{background:#20bf6b}
    section{border-top:1px solid #e3e6eb;margin-top:1.2rem}small{color:#5a6475;font-weight:normal}
    .human h3{font-size:14px;margin-bottom:.2rem}li.violation{color:#b3261e}
    table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #eceff3;padding:3px 6px;text-align:left}
    tr.failed td,tr.error td,tr.timeout td,tr.not-run td{background:#fff6f6}footer{margin-top:2rem;color:#8a93a3;font-size:12px}
    """

    static func escapeHTML(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
