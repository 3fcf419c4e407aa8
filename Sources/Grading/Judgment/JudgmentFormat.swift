import Foundation
import TaskBank

/// What `probe check` tells a candidate about the files a judgment grader will read, before
/// they submit: a missing review or postmortem, each malformed review entry with its line, a
/// postmortem section that is missing or empty. It needs no answer key, so nothing leaks.
public struct JudgmentFormat: Sendable {
    /// The file the task type's judgment reads, when the tree does not have it yet.
    public var missing: String?
    /// Problems with the file as written.
    public var problems: [String] = []

    public init(tree: String, type: TaskType) {
        switch type {
        case .prReview:
            guard let document = ReviewDocument.read(in: tree) else {
                missing = "no REVIEW.md or review.yaml yet: write your findings in one of them (see the brief)"
                return
            }
            problems = document.problems
        case .incidentDebug:
            guard let name = PostmortemAssessment.file(in: tree) else {
                missing = "no INCIDENT.md yet: write the postmortem there (see the brief)"
                return
            }
            let sections = PostmortemAssessment.sections(of: String(decoding: (try? FileTree.read(tree + "/" + name)) ?? Data(), as: UTF8.self))
            for section in PostmortemAssessment.requiredSections {
                guard let body = PostmortemAssessment.body(section, in: sections) else {
                    problems.append("\(name): no '\(section)' section (a Markdown heading)")
                    continue
                }
                if body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    problems.append("\(name): the '\(section)' section is empty")
                } else if section == "Root cause" && PostmortemAssessment.references(in: body).isEmpty {
                    problems.append("\(name): the Root cause section has no path:line reference, like relay/module.py:123")
                }
            }
        case .regressionTests, .loadHardening, .featureExtension:
            break
        }
    }
}
