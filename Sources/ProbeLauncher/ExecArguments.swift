import Glibc
import SandboxSpec

/// execve's path, argv and envp as C arrays, built before seccomp is loaded so that nothing
/// between the filter and execve needs more than read and write.
///
/// They are never freed: execve replaces the process, and a failed one ends it.
struct ExecArguments {
    private let path: UnsafeMutablePointer<CChar>
    private let argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let envp: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    init(path: String, argv: [String], environment: [String]) {
        self.path = strdup(path)
        self.argv = Self.cArray(argv)
        self.envp = Self.cArray(environment)
    }

    /// A NULL-terminated array of C strings, built without a Swift array of optional
    /// pointers, whose type the runtime would have to look up by name.
    private static func cArray(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count + 1)
        for index in strings.indices { array[index] = strdup(strings[index]) }
        array[strings.count] = nil
        return array
    }

    func run(reporter: Reporter) -> Never {
        execve(path, argv, envp)
        let code = errno
        reporter.send(.setupError(
            stage: "execve",
            message: "\(String(cString: path)): \(String(cString: strerror(code))) (errno \(code))"
        ))
        _exit(ExitCode.execFailed)
    }
}
