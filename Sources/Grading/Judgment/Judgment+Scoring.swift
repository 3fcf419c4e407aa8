import Foundation
import TaskBank

extension Judgment {
    /// Points and evidence the judgment adds to one rubric dimension: the review to Judgment
    /// with AI, the postmortem to Communication, the candidate's tests to Verification (and
    /// vacuous tests to Code quality). The candidate's view never names a key answer or a bug.
    func points(for dimension: RubricDimension, type: TaskType,
                audience: GradeReport.Audience) -> (score: Double, max: Double, evidence: [String])? {
        let grader = audience == .grader
        switch (dimension, type) {
        case (.judgmentWithAI, .prReview):
            guard let review else { return nil }
            return (review.points.score, review.points.max, review.evidence(grader: grader))
        case (.verification, .prReview):
            guard let review, grader else { return nil }
            return (0, 0, ["defects fixed (every proving hidden test passes): \(review.defects.filter(\.fixed).count) of \(review.defects.count)"])
        case (.communication, .prReview):
            guard let review else { return nil }
            let words = review.findings.map { $0.comment.split(whereSeparator: \.isWhitespace).count }
            return (0, 0, ["review comments: \(review.findings.count), \(words.reduce(0, +)) words in all; read \(review.file ?? "the review") for clarity"])
        case (.communication, .incidentDebug):
            guard let postmortem else { return nil }
            return (postmortem.points.score, postmortem.points.max, postmortem.evidence(grader: grader))
        case (.verification, .incidentDebug):
            guard let tests else { return nil }
            return (tests.incidentPoints.score, tests.incidentPoints.max, tests.evidence(grader: grader, incident: true))
        case (.verification, .regressionTests):
            guard let tests else { return nil }
            return (tests.verificationPoints.score, tests.verificationPoints.max, tests.evidence(grader: grader, incident: false))
        case (.codeQuality, .regressionTests):
            guard let tests else { return nil }
            return (tests.qualityPoints.score, tests.qualityPoints.max,
                    ["vacuous tests: \(tests.vacuous.count) of \(tests.tests.count)"] + tests.vacuous.map { "vacuous \($0.test): \($0.reason)" })
        default:
            return nil
        }
    }

    /// How much of a dimension's automated part the judgment carries when the dimension also
    /// has tests: most of it, since the judgment is what the task type isolates; half for an
    /// incident's Verification, where the hidden reproduction tests prove the fix itself.
    static func share(of dimension: RubricDimension, in type: TaskType) -> Double {
        type == .incidentDebug && dimension == .verification ? 0.5 : 0.8
    }

    /// The candidate's view: aggregate figures, their own files and tests; no key answer, no
    /// bug name or description.
    func redactedForCandidate() -> Judgment {
        var copy = self
        if var review = copy.review {
            review.defects = []
            review.unmatched = []
            copy.review = review
        }
        if var tests = copy.tests {
            let hide = { (variant: TestsAssessment.Variant, name: String) in
                TestsAssessment.Variant(id: name, description: "", caught: variant.caught, by: variant.by, status: variant.status)
            }
            tests.original = tests.original.map { hide($0, "original") }
            tests.planted = tests.planted.enumerated().map { hide($0.element, "planted-\($0.offset + 1)") }
            copy.tests = tests
        }
        if var postmortem = copy.postmortem {
            postmortem.matchedRootCauses = postmortem.matchedRootCauses.map { _ in "root-cause" }
            postmortem.citedContributingFactors = []
            copy.postmortem = postmortem
        }
        return copy
    }
}

extension ReviewAssessment {
    func evidence(grader: Bool) -> [String] {
        guard let file else { return ["review: no REVIEW.md or review.yaml in the submission"] }
        var lines = [String(format: "review: %@, %d finding%@; precision %.2f, recall %.2f, F1 %.2f",
                            file, findings.count, findings.count == 1 ? "" : "s", precision, recall, f1)]
        lines += problems.map { "review problem: \($0)" }
        guard grader else { return lines }
        for defect in defects {
            let what = "\(defect.id) (\(defect.category.rawValue), \(defect.severity.rawValue), \(defect.file):\(defect.lines))"
            let fixed = defect.fixed ? "; fixed" : ""
            if let by = defect.by {
                let notes = defect.notes.isEmpty ? "" : "; " + defect.notes.joined(separator: "; ")
                lines.append(String(format: "caught %@ by %@, credit %.2f%@%@", what, by, defect.credit, notes, fixed))
            } else {
                lines.append("missed \(what)\(fixed)")
            }
        }
        lines += unmatched.map { finding in
            "unmatched \(finding.source) \(finding.file):\(finding.range) (\(finding.category?.rawValue ?? "no category"), \(finding.severity?.rawValue ?? "no severity")): "
                + "\(finding.comment.prefix(160)) (for the human grader: it may be a real find the key lacks)"
        }
        return lines
    }
}

extension PostmortemAssessment {
    func evidence(grader: Bool) -> [String] {
        guard let file else { return ["postmortem: no INCIDENT.md in the submission"] }
        let present = sections.filter(\.present)
        var lines = ["postmortem: \(file), \(present.count) of \(sections.count) sections: "
            + sections.map { $0.present ? "\($0.name) (\($0.words) words)" : "\($0.name) missing" }.joined(separator: ", ")]
        let cited = rootCauseReferences.isEmpty ? "no path:line reference" : rootCauseReferences.joined(separator: ", ")
        let verdict = matchedRootCauses.isEmpty ? "names no root cause in the key" : "names \(matchedRootCauses.count) of \(rootCauseCount) root causes in the key"
        lines.append("root cause section cites \(cited): \(verdict)\(grader && !matchedRootCauses.isEmpty ? " (" + matchedRootCauses.joined(separator: ", ") + ")" : "")")
        if grader && !citedContributingFactors.isEmpty {
            lines.append("contributing factors cited: \(citedContributingFactors.joined(separator: ", "))")
        }
        return lines
    }
}

extension TestsAssessment {
    public func evidence(grader: Bool, incident: Bool) -> [String] {
        var lines = ["candidate tests: \(tests.count) in \(testFiles.isEmpty ? "no file" : testFiles.joined(separator: ", "))"]
        lines += problems
        lines += falseAlarms.map { "false alarm: \($0.test) \($0.outcome) on the \(incident ? "fixed" : "reference") code: \($0.message.prefix(200))" }
        let originalName = incident ? "the original code" : "the original bug"
        if let original {
            let by = original.by.prefix(5).joined(separator: ", ") + (original.by.count > 5 ? " and \(original.by.count - 5) more" : "")
            lines.append(original.caught ? "\(originalName) is caught by: \(by)"
                                         : "\(originalName) is not caught: no test fails on it (\(original.status))")
        }
        if !planted.isEmpty {
            lines.append("planted mutants: \(planted.filter(\.caught).count) of \(planted.count) caught")
            lines += planted.map { variant in
                let name = grader ? "\(variant.id): \(variant.description)" : variant.id
                return "\(variant.caught ? "caught" : "survived") \(name)"
            }
        }
        if let score = generatedScore {
            let bar = referenceGeneratedScore.map { String(format: "; the reference tests catch %.2f", $0) } ?? ""
            lines.append(String(format: "generated mutants: %d of %d caught (%.2f)%@%@", generatedCaught, generatedTotal, score, bar,
                                generatedCapped ? "; capped" : ""))
            lines += survivors.prefix(25).map { "survived \($0.description) (\($0.tests) test\($0.tests == 1 ? "" : "s") ran)" }
        }
        return lines
    }
}
