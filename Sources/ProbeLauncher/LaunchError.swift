import Glibc

/// A setup step that failed. `stage` names the step; the message carries errno's text.
struct LaunchError: Error, CustomStringConvertible {
    var stage: String
    var message: String

    init(_ stage: String, _ message: String) {
        self.stage = stage
        self.message = message
    }

    /// The error of the syscall that just failed, keeping its errno.
    static func errno(_ stage: String, _ what: String, code: Int32 = Glibc.errno) -> LaunchError {
        LaunchError(stage, "\(what): \(String(cString: strerror(code))) (errno \(code))")
    }

    var description: String { "\(stage): \(message)" }
}

/// Runs a syscall wrapper and turns -1 into a ``LaunchError`` that keeps errno.
@discardableResult
func check(_ stage: String, _ what: @autoclosure () -> String, _ rc: Int32) throws -> Int32 {
    if rc < 0 { throw LaunchError.errno(stage, what()) }
    return rc
}
