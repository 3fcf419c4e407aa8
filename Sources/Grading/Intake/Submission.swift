import TaskBank

/// A submission taken in: a private copy of the candidate's code tree, ready to grade.
public struct Submission: Sendable {
    /// The path the grader gave.
    public var origin: String
    /// `directory`, `tar.gz`, `tar`, `zip`, or `bundle` (made by `probe submit`).
    public var form: String
    /// SHA-256 of the archive's bytes, or of a folder's sorted (path, content digest) list.
    public var sha256: String
    /// The code tree under test (a private copy; Probe may change it).
    public var tree: String
    /// The candidate's git history, moved out of the tree, if the submission had one.
    public var git: String?
    /// The task stamp the candidate worked from, if the submission carries one.
    public var stamp: TaskStamp?
    /// Every file of the tree, for the report and for checking citations.
    public var files: [SubmittedFile]
    /// The private folder holding all of the above; removed when grading is done.
    public var staging: String
}

public struct SubmittedFile: Codable, Sendable, Equatable {
    public var path: String
    public var bytes: Int
    /// Lines of text, or nil for a file that is not UTF-8 text.
    public var lines: Int?
}

/// Caps on what a submission may hold.
public struct SubmissionLimits: Sendable {
    public var maxBytes: UInt64 = 64 << 20
    public var maxFiles = 10_000
    /// Largest ratio of unpacked bytes to archive bytes: more is a zip bomb.
    public var maxRatio = 200

    public init() {}
}

/// `probe-submission.json`, at the root of a bundle made by `probe submit`.
public struct SubmissionManifest: Codable, Sendable {
    public struct Entry: Codable, Sendable {
        public var path: String
        public var sha256: String
        public var bytes: Int
    }

    public var format: Int
    public var probe: String
    public var stamp: TaskStamp?
    public var files: [Entry]
    /// The candidate's commit count, when the bundle carries `.git`.
    public var git: Bool

    public static let fileName = "probe-submission.json"
}
