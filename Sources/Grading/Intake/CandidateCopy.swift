import Foundation
import TaskBank

/// A private, checked, neutralized copy of a candidate's code tree, for `probe check`: the
/// same treatment a submission gets before grading.
public enum CandidateCopy {
    public static func make(_ tree: String, in workRoot: String) throws -> String {
        let copy = try FileTree.makeTemporaryDirectory(prefix: "tree", in: workRoot)
        var copier = SafeCopy(limits: SubmissionLimits())
        try copier.copy(tree, to: copy, skipping: [".git"])
        return copy
    }

    public static func neutralize(_ tree: String) throws -> [IntegrityFinding] {
        try Neutralizer.neutralize(tree)
    }
}
