/// Everything the launcher needs to build one sandbox, as plain values.
///
/// The orchestrator turns it into an argument list with ``arguments`` and sends it as a
/// ``message`` on the lifeline (the launcher is started before the spec is ready, so its own
/// start-up overlaps the orchestrator's preparation); the launcher reads it back with
/// ``init(arguments:)``, and a round-trip test keeps the two in step. The launcher parses by
/// hand rather than with swift-argument-parser: these arguments are written only by `probe`,
/// and the parser's start-up cost (~1.8 ms) would be paid on every sandboxed launch.
public struct LaunchSpec: Equatable, Sendable {
    /// Files init (before it starts any process) and the launcher write `0` (themselves)
    /// into: a v1 hierarchy's `tasks`, or a v2 cgroup's `cgroup.procs`.
    public var cgroupJoinFiles: [String] = []
    /// Lines for the child's `/proc/PID/uid_map` and `gid_map`, written by the launcher from
    /// outside the new user namespace.
    public var uidMap: String = ""
    public var gidMap: String = ""
    /// Unprivileged callers must deny setgroups before they may write a gid map.
    public var denySetgroups: Bool = false
    /// The uid and gid the target runs as, inside the user namespace.
    public var sandboxUID: UInt32 = 65534
    public var sandboxGID: UInt32 = 65534
    public var hostname: String = "probe"
    public var network: NetworkMode = .none
    /// Paths bound read-only at their own path inside.
    public var readOnlyPaths: [String] = []
    /// Paths bound read-write at their own path inside.
    public var readWritePaths: [String] = []
    /// The target's working directory: the host folder of that path, bound read-write, or,
    /// when ``workSize`` is above 0, a private tmpfs of that many bytes made at that path.
    public var workdir: String = "/"
    public var workSize: UInt64 = 0
    /// Size cap of the sandbox's `/tmp` tmpfs, in bytes.
    public var tmpSize: UInt64 = 64 << 20
    public var limits: [ResourceLimit] = []
    /// Descriptor the compiled seccomp BPF program is read from.
    public var seccompFD: Int32 = 3
    public var seccompDefault: DefaultSeccompAction = .errno(1)
    /// Descriptor that ``ReportRecord`` lines are written to.
    public var reportFD: Int32 = 4
    /// The launcher's end of a stream socket from the orchestrator. The spec arrives on it
    /// first, as a ``message``; after that its end-of-file means the orchestrator is gone.
    /// Fixed, since it is read before anything else is known.
    public static let lifelineFD: Int32 = 5
    /// Descriptor (in the launcher) of the result channel: a stream socket the target receives as
    /// ``targetChannelFD``, for results it streams back to the orchestrator (pytest's per-test
    /// records); -1 when the run has none. Above the fixed descriptors 0–5.
    public var channelFD: Int32 = -1
    /// The number the target finds the result channel at.
    public static let targetChannelFD: Int32 = 3
    /// Layers that may be missing without failing the launch (`--allow-degraded`).
    public var allowDegraded: Bool = false
    public var environment: [String] = []
    /// Absolute path that is executed.
    public var executable: String = ""
    /// The target's argv, including argv[0].
    public var argv: [String] = []

    public init() {}

    public var arguments: [String] {
        var out: [String] = []
        for path in cgroupJoinFiles { out += ["--cgroup-join", path] }
        out += ["--uid-map", uidMap, "--gid-map", gidMap]
        if denySetgroups { out.append("--deny-setgroups") }
        out += ["--sandbox-uid", String(sandboxUID), "--sandbox-gid", String(sandboxGID)]
        out += ["--hostname", hostname, "--network", network.rawValue]
        for path in readOnlyPaths { out += ["--ro", path] }
        for path in readWritePaths { out += ["--rw", path] }
        out += ["--workdir", workdir, "--tmp-size", String(tmpSize)]
        if workSize > 0 { out += ["--work-size", String(workSize)] }
        for limit in limits { out += ["--rlimit", limit.argument] }
        out += ["--seccomp-fd", String(seccompFD), "--seccomp-default", seccompDefault.argument]
        out += ["--report-fd", String(reportFD)]
        if channelFD >= 0 { out += ["--channel-fd", String(channelFD)] }
        if allowDegraded { out.append("--allow-degraded") }
        for variable in environment { out += ["--env", variable] }
        out += ["--executable", executable, "--"]
        out += argv
        return out
    }
}

extension LaunchSpec {
    /// A launcher command line that does not match what ``arguments`` writes.
    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(arguments: [String]) throws {
        self.init()
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw ParseError(description: "\(flag): missing its value") }
            return next
        }
        func number<T: FixedWidthInteger>(_ flag: String) throws -> T {
            let text = try value(flag)
            guard let parsed = T(text) else { throw ParseError(description: "\(flag): expected a number, got '\(text)'") }
            return parsed
        }
        func path(_ flag: String) throws -> String {
            let text = try value(flag)
            guard text.hasPrefix("/") else { throw ParseError(description: "\(flag): expected an absolute path, got '\(text)'") }
            return text
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--cgroup-join": cgroupJoinFiles.append(try path(flag))
            case "--uid-map": uidMap = try value(flag)
            case "--gid-map": gidMap = try value(flag)
            case "--deny-setgroups": denySetgroups = true
            case "--sandbox-uid": sandboxUID = try number(flag)
            case "--sandbox-gid": sandboxGID = try number(flag)
            case "--hostname": hostname = try value(flag)
            case "--network":
                let text = try value(flag)
                guard let mode = NetworkMode(rawValue: text) else { throw ParseError(description: "--network: expected none or loopback, got '\(text)'") }
                network = mode
            case "--ro": readOnlyPaths.append(try path(flag))
            case "--rw": readWritePaths.append(try path(flag))
            case "--workdir": workdir = try path(flag)
            case "--tmp-size": tmpSize = try number(flag)
            case "--work-size": workSize = try number(flag)
            case "--rlimit":
                let text = try value(flag)
                guard let limit = ResourceLimit(argument: text) else { throw ParseError(description: "--rlimit: expected NAME=SOFT:HARD, got '\(text)'") }
                limits.append(limit)
            case "--seccomp-fd": seccompFD = try number(flag)
            case "--seccomp-default":
                let text = try value(flag)
                guard let action = DefaultSeccompAction(argument: text) else { throw ParseError(description: "--seccomp-default: expected errno:N or kill, got '\(text)'") }
                seccompDefault = action
            case "--report-fd": reportFD = try number(flag)
            case "--channel-fd":
                channelFD = try number(flag)
                guard channelFD > 5 else { throw ParseError(description: "--channel-fd: expected a descriptor above 5 (0–5 are fixed), got \(channelFD)") }
            case "--allow-degraded": allowDegraded = true
            case "--env": environment.append(try value(flag))
            case "--executable": executable = try path(flag)
            case "--":
                argv = Array(rest)
                guard !executable.isEmpty, !argv.isEmpty else { throw ParseError(description: "missing --executable or the target's argv after --") }
                return
            default:
                throw ParseError(description: "unknown option '\(flag)'")
            }
        }
        throw ParseError(description: "missing -- before the target's argv")
    }
}

extension LaunchSpec {
    /// The spec as it travels on the lifeline: the byte count of the body in decimal and a
    /// newline, then the body, ``arguments`` each ended by a NUL (an argument may be empty,
    /// never hold a NUL).
    public var message: [UInt8] {
        var body: [UInt8] = []
        for argument in arguments {
            body += argument.utf8
            body.append(0)
        }
        return Self.message(body: body)
    }

    /// The largest body a launcher accepts: far above any real spec, low enough that a
    /// corrupt header cannot make it allocate without bound.
    public static let maximumMessageBody = 16 << 20

    /// A message with `body`: its byte count and a newline, then the body.
    public static func message(body: [UInt8]) -> [UInt8] {
        Array("\(body.count)\n".utf8) + body
    }

    /// The body's byte count from a message's header, the digits before its newline.
    public static func bodyLength(fromHeader header: [UInt8]) throws -> Int {
        let text = String(decoding: header, as: UTF8.self)
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let count = Int(text),
              count <= maximumMessageBody else {
            throw ParseError(description: "the spec's header is '\(text)'; expected a byte count up to \(maximumMessageBody)")
        }
        return count
    }

    /// The spec a message's body holds.
    public init(messageBody body: [UInt8]) throws {
        try self.init(arguments: Self.arguments(fromMessageBody: body))
    }

    /// The arguments in a message's body.
    public static func arguments(fromMessageBody body: [UInt8]) throws -> [String] {
        guard body.last == 0 else { throw ParseError(description: "the spec's last argument has no terminating NUL") }
        // A plain loop over the bytes: the launcher parses this on every launch, and split's
        // generic slices cost a runtime type lookup each in a static binary.
        var arguments: [String] = []
        var start = 0
        for (index, byte) in body.enumerated() where byte == 0 {
            arguments.append(String(decoding: body[start..<index], as: UTF8.self))
            start = index + 1
        }
        return arguments
    }
}
