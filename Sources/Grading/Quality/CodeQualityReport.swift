/// Code-quality signals on the files the candidate changed, measured with the grading venv's
/// pinned ruff and mypy inside the sandbox, plus the diff and the commit history.
public struct CodeQualityReport: Codable, Sendable {
    public struct Finding: Codable, Sendable, Equatable {
        public var path: String
        public var line: Int
        public var code: String
        public var message: String
    }

    public struct FileChange: Codable, Sendable, Equatable {
        public var path: String
        /// `added`, `modified` or `deleted`, against the starter.
        public var change: String
        public var added: Int
        public var removed: Int
    }

    /// A Markdown file the candidate wrote or changed, with its text (up to 64 KiB), so a
    /// human score can quote it.
    public struct Note: Codable, Sendable, Equatable {
        public var path: String
        public var text: String
    }

    public struct Commit: Codable, Sendable, Equatable {
        public var hash: String
        public var author: String
        public var subject: String
    }

    public var changedFiles: [FileChange]
    public var linesAdded: Int
    public var linesRemoved: Int
    public var ruff: [Finding]
    public var mypy: [Finding]
    /// Why a tool gave no findings, when it did not run to the end.
    public var toolProblems: [String]
    /// Test functions the candidate added, as `path::name`.
    public var candidateTests: [String]
    /// The candidate's history, oldest first; nil when the submission had no `.git`.
    public var commits: [Commit]?
    /// Markdown notes the candidate wrote or changed (NOTES.md, INCIDENT.md, REVIEW.md…).
    public var notes: [Note]

    enum CodingKeys: String, CodingKey {
        case changedFiles = "changed_files"
        case linesAdded = "lines_added"
        case linesRemoved = "lines_removed"
        case ruff, mypy
        case toolProblems = "tool_problems"
        case candidateTests = "candidate_tests"
        case commits, notes
    }
}
