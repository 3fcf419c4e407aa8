/// The five kinds of task; each isolates one dimension of judgment.
public enum TaskType: String, CaseIterable, Sendable, Codable {
    case loadHardening = "load-hardening"
    case featureExtension = "feature-extension"
    case prReview = "pr-review"
    case regressionTests = "regression-tests"
    case incidentDebug = "incident-debug"

    /// pr-review and incident-debug are graded against an answer key.
    public var needsAnswerKey: Bool { self == .prReview || self == .incidentDebug }
}

/// The rubric the report is written against.
public enum RubricDimension: String, CaseIterable, Sendable, Codable, Comparable {
    case decomposition
    case verification
    case codeQuality = "code-quality"
    case judgmentWithAI = "judgment-with-ai"
    case communication

    public var title: String {
        switch self {
        case .decomposition: "Decomposition"
        case .verification: "Verification"
        case .codeQuality: "Code quality"
        case .judgmentWithAI: "Judgment with AI"
        case .communication: "Communication"
        }
    }

    /// In the order the rubric lists them.
    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
