/// The target's stdout and stderr, kept up to a shared byte limit.
struct OutputCapture {
    let limit: Int
    private(set) var stdout: [UInt8] = []
    private(set) var stderr: [UInt8] = []
    private(set) var stdoutTruncated = false
    private(set) var stderrTruncated = false

    init(limit: Int) { self.limit = limit }

    var total: Int { stdout.count + stderr.count }
    var exceeded: Bool { stdoutTruncated || stderrTruncated }

    /// Appends what fits under the limit and marks the stream truncated if anything did not.
    mutating func append(_ bytes: ArraySlice<UInt8>, toStderr: Bool) {
        let room = max(0, limit - total)
        let kept = bytes.prefix(room)
        if toStderr {
            stderr += kept
            if kept.count < bytes.count { stderrTruncated = true }
        } else {
            stdout += kept
            if kept.count < bytes.count { stdoutTruncated = true }
        }
    }

    func text(stderr isStderr: Bool) -> String {
        let bytes = isStderr ? stderr : stdout
        let truncated = isStderr ? stderrTruncated : stdoutTruncated
        var text = String(decoding: bytes, as: UTF8.self)
        if truncated { text += "\n[probe: output truncated at the \(limit / 1024) KiB limit]\n" }
        return text
    }
}
