import Glibc
import SandboxSpec

/// execve's path, argv and envp as C arrays, built before seccomp is loaded so that nothing
/// between the filter and execve needs more than read and write.
struct ExecArguments {
    private let path: UnsafeMutablePointer<CChar>
    private let argv: [UnsafeMutablePointer<CChar>?]
    private let envp: [UnsafeMutablePointer<CChar>?]

    init(path: String, argv: [String], environment: [String]) {
        self.path = strdup(path)
        self.argv = argv.map { strdup($0) } + [nil]
        self.envp = environment.map { strdup($0) } + [nil]
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
