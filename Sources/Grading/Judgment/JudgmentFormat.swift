import Foundation
import TaskBank

/// What `probe check` tells a candidate about the files a judgment grader will read, before
/// they submit: each malformed review entry with its line, a postmortem section that is
/// missing or empty. It needs no answer key, so nothing leaks.
public enum JudgmentFormat {
    /// The file the task type's judgment reads, when the tree does not have it yet.
    public static func missing(in tree: String, type: TaskType) -> String? {
        switch type {
        case .prReview where ReviewDocument.read(in: tree) == nil:
            "no REVIEW.md or review.yaml yet: write your findings in one of them (see the brief)"
        case .incidentDebug where !FileTree.isFile(tree + "/INCIDENT.md"):
            "no INCIDENT.md yet: write the postmortem there (see the brief)"
        default:
            nil
        }
    }

    /// Problems with the file as written; none when it is missing (see ``missing(in:type:)``).
    public static func problems(in tree: String, type: TaskType) -> [String] {
        switch type {
        case .prReview:
            return ReviewDocument.read(in: tree)?.problems ?? []
        case .incidentDebug:
            guard FileTree.isFile(tree + "/INCIDENT.md") else { return [] }
            let text = String(decoding: (try? FileTree.read(tree + "/INCIDENT.md")) ?? Data(), as: UTF8.self)
            let sections = PostmortemAssessment.sections(of: text)
            var problems = PostmortemAssessment.requiredSections.compactMap { name -> String? in
                let body = sections.first { $0.title.hasPrefix(name.lowercased()) }?.body
                guard let body else { return "INCIDENT.md: no '\(name)' section (a Markdown heading)" }
                return body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "INCIDENT.md: the '\(name)' section is empty" : nil
            }
            let root = sections.first { $0.title.hasPrefix("root cause") }?.body ?? ""
            if sections.contains(where: { $0.title.hasPrefix("root cause") }) && PostmortemAssessment.references(in: root).isEmpty {
                problems.append("INCIDENT.md: the Root cause section has no path:line reference, like relay/module.py:123")
            }
            return problems
        case .regressionTests, .loadHardening, .featureExtension:
            return []
        }
    }
}
