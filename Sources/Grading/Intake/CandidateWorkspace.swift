import Foundation
import TaskBank

/// The candidate's copy of an exported task, as `probe check` and `probe submit` find it: the
/// stamp and `public/` at the root, and the code in `starter/`. A folder without `starter/`
/// is the code itself.
public struct CandidateWorkspace: Sendable {
    public var root: String
    /// The code tree the candidate works on.
    public var tree: String
    public var stamp: TaskStamp?
    /// The public tests of the exported task, if the folder has them.
    public var publicTests: String?
    /// The candidate's `.git`: in the code tree, else at the root.
    public var git: String?

    public init(_ folder: String) throws {
        guard FileTree.isDirectory(folder) else {
            throw GradingError(.invalidInput, "\(folder): not a folder; expected the folder of an exported task (with \(TaskStamp.fileName))")
        }
        root = (folder as NSString).standardizingPath
        let stampPath = root + "/" + TaskStamp.fileName
        stamp = FileManager.default.fileExists(atPath: stampPath) ? try SubmissionLayout.readStamp(stampPath) : nil
        tree = stamp != nil && FileTree.isDirectory(root + "/starter") ? root + "/starter" : root
        publicTests = FileTree.isDirectory(root + "/public") ? root + "/public" : nil
        git = [tree + "/.git", root + "/.git"].first(where: FileTree.isDirectory)
    }

    /// A private copy of the code tree with the treatment a submission gets before grading:
    /// the intake's checks and caps, then neutralizing. Returns the copy and the notices.
    public func gradableCopy(in workRoot: String) throws -> (tree: String, notices: [IntegrityFinding]) {
        let copy = try FileTree.makeTemporaryDirectory(prefix: "tree", in: workRoot)
        var copier = SafeCopy(limits: SubmissionLimits())
        try copier.copy(tree, to: copy, skipping: [".git"])
        return (copy, try Neutralizer.neutralize(copy))
    }
}
