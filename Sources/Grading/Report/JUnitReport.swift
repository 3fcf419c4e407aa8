/// Reports as JUnit XML. For `probe validate`: one `<testsuite>` per task, one `<testcase>` per
/// check, so CI systems show exactly which check of which task broke.
public enum JUnitReport {
    public static func xml(_ report: ValidationReport) -> String {
        let failures = report.tasks.flatMap(\.checks).filter { $0.status == .failed }.count
        let total = report.tasks.flatMap(\.checks).count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"probe validate\" tests=\"\(total)\" failures=\"\(failures)\" time=\"\(seconds(report.wallMS))\">\n"
        for task in report.tasks {
            let failed = task.checks.filter { $0.status == .failed }.count
            let skipped = task.checks.filter { $0.status == .skipped }.count
            let time = task.runs.reduce(0) { $0 + $1.wallMS }
            out += "  <testsuite name=\"\(escape(task.id))\" tests=\"\(task.checks.count)\" failures=\"\(failed)\" skipped=\"\(skipped)\" time=\"\(seconds(time))\">\n"
            for check in task.checks {
                let open = "    <testcase classname=\"\(escape(task.id))\" name=\"\(escape(check.name))\""
                switch check.status {
                case .passed:
                    out += open + "/>\n"
                case .skipped:
                    out += open + ">\n      <skipped message=\"\(escape(check.reason))\"/>\n    </testcase>\n"
                case .failed:
                    out += open + ">\n      <failure message=\"\(escape(check.reason))\">"
                    out += escape(([check.reason] + check.details).joined(separator: "\n"))
                    out += "</failure>\n    </testcase>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    /// One submission's report: a `<testsuite>` with a `<testcase>` per test, and one for the
    /// integrity verdict, so a violation is a failure CI cannot miss.
    public static func xml(_ report: GradeReport) -> String {
        let failing = report.tests.filter { $0.outcome != .passed }
        let failingProbes = report.probes.filter { !$0.passed }
        let violation = report.verdict.status != .graded
        let name = escape("\(report.task.id) \(report.submission.name)")
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"probe grade\">\n"
        out += "  <testsuite name=\"\(name)\" tests=\"\(report.tests.count + report.probes.count + 1)\" failures=\"\(failing.count + failingProbes.count + (violation ? 1 : 0))\" time=\"\(seconds(report.timing.wallMS))\">\n"
        out += "    <testcase classname=\"\(name)\" name=\"verdict\""
        if violation {
            out += ">\n      <failure message=\"\(escape(report.verdict.status.rawValue))\">\(escape(report.verdict.reason ?? ""))</failure>\n    </testcase>\n"
        } else {
            out += "/>\n"
        }
        for test in report.tests {
            out += "    <testcase classname=\"\(name)\" name=\"\(escape(test.id))\" time=\"\(seconds(UInt64(max(0, test.durationMS))))\""
            switch test.outcome {
            case .passed: out += "/>\n"
            default:
                out += ">\n      <failure message=\"\(escape(test.outcome.rawValue))\">\(escape(test.message))</failure>\n    </testcase>\n"
            }
        }
        for probe in report.probes {
            out += "    <testcase classname=\"\(name)\" name=\"load probe \(escape(probe.name))\""
            out += probe.passed ? "/>\n"
                : ">\n      <failure message=\"load probe failed\">\(escape(probe.failures.joined(separator: "\n")))</failure>\n    </testcase>\n"
        }
        return out + "  </testsuite>\n</testsuites>\n"
    }

    private static func seconds(_ ms: UInt64) -> String {
        "\(ms / 1000).\(String(ms % 1000).leftPadded(to: 3))"
    }

    /// XML-escapes text, dropping the control characters XML 1.0 cannot hold at all.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
