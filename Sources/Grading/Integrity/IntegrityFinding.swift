/// Something about a submission or its run that bears on whether its results can be trusted.
/// A violation makes the report's verdict `integrity-violation`; a notice is reported only.
public struct IntegrityFinding: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// A submission file that could change pytest was taken out of the graded copy.
        case neutralized
        /// A canary test, which must fail, was reported as passed: reporting was patched.
        case canaryPassed = "canary-passed"
        /// A test was reported as passed although its function raised.
        case passedAfterRaising = "passed-after-raising"
        /// The result stream holds lines or an order of events Probe's plugin never writes.
        case forgedStream = "forged-stream"
        /// The grader's copy of the tests changed during the run.
        case suiteChanged = "suite-changed"
        /// A test of the manifest was not collected, though its module was.
        case vanishedTest = "vanished-test"
        /// pytest collected a test that neither the manifest nor the canaries account for.
        case unexpectedTest = "unexpected-test"
        /// The test process exited with status 0 before pytest finished its session.
        case exitedEarly = "exited-early"
        /// A test was reported as passed although Probe answered that one of its checked
        /// assertions failed (see ``CheckedAssertions``).
        case passedDespiteCheck = "passed-despite-check"
        /// A test was reported as passed without asking one of its checked assertions.
        case passedWithoutCheck = "passed-without-check"
    }

    public var kind: Kind
    public var violation: Bool
    /// The file or test the finding is about.
    public var subject: String
    public var detail: String
    /// True when subject or detail name a hidden test; such findings are summarised, not
    /// shown, in the candidate's view.
    public var mentionsHidden: Bool

    public init(_ kind: Kind, violation: Bool, subject: String, _ detail: String, mentionsHidden: Bool = false) {
        self.kind = kind
        self.violation = violation
        self.subject = subject
        self.detail = detail
        self.mentionsHidden = mentionsHidden
    }

    enum CodingKeys: String, CodingKey {
        case kind, violation, subject, detail
        case mentionsHidden = "mentions_hidden"
    }
}
