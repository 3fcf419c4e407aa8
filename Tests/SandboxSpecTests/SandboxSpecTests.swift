import Testing
@testable import SandboxSpec

@Suite struct LaunchSpecTests {
    @Test func argumentsRoundTripThroughTheLaunchersParser() throws {
        var spec = LaunchSpec()
        spec.cgroupJoinFiles = ["/sys/fs/cgroup/memory/probe/run-1/tasks", "/sys/fs/cgroup/pids/probe/run-1/tasks"]
        spec.uidMap = "0 0 1\n65534 65534 1\n"
        spec.gidMap = "0 0 1\n"
        spec.denySetgroups = true
        spec.sandboxUID = 1000
        spec.sandboxGID = 1001
        spec.hostname = "box"
        spec.network = .loopback
        spec.readOnlyPaths = ["/opt/python", "/tmp/with space"]
        spec.readWritePaths = ["/srv/out"]
        spec.workdir = "/tmp/work"
        spec.tmpSize = 1 << 20
        spec.workSize = 3 << 20
        spec.limits = [ResourceLimit(.cpu, soft: 2, hard: 3), ResourceLimit(.addressSpace, soft: 1 << 30)]
        spec.seccompDefault = .killProcess
        spec.allowDegraded = true
        spec.channelFD = 6
        spec.environment = ["A=1", "B=--not-an-option"]
        spec.executable = "/usr/bin/python3"
        spec.argv = ["python3", "-c", "print('--ro')", "", "--json", "ünïcode"]
        #expect(try LaunchSpec(arguments: spec.arguments) == spec)

        // The same, as it travels on the lifeline.
        let message = spec.message
        let newline = try #require(message.firstIndex(of: 0x0a))
        let length = try LaunchSpec.bodyLength(fromHeader: Array(message[..<newline]))
        let body = Array(message[(newline + 1)...])
        #expect(length == body.count)
        #expect(try LaunchSpec(arguments: LaunchSpec.arguments(fromMessageBody: body)) == spec)
    }

    @Test func malformedMessagesAreRejected() {
        for header in ["", "12a", "-1", "99999999999", String(LaunchSpec.maximumMessageBody + 1)] {
            #expect(throws: LaunchSpec.ParseError.self) { try LaunchSpec.bodyLength(fromHeader: Array(header.utf8)) }
        }
        #expect(throws: LaunchSpec.ParseError.self) { try LaunchSpec.arguments(fromMessageBody: Array("--ro\0/x".utf8)) }
        #expect(throws: LaunchSpec.ParseError.self) { try LaunchSpec.arguments(fromMessageBody: []) }
    }

    @Test func relativePathsAreRejected() {
        var spec = LaunchSpec()
        spec.executable = "/bin/true"
        spec.argv = ["true"]
        spec.workdir = "relative"
        #expect(throws: LaunchSpec.ParseError.self) { try LaunchSpec(arguments: spec.arguments) }
    }

    @Test func unknownOptionsAndMissingValuesAreRejected() {
        #expect(throws: LaunchSpec.ParseError.self) { try LaunchSpec(arguments: ["--bogus"]) }
        #expect(throws: LaunchSpec.ParseError.self) { try LaunchSpec(arguments: ["--sandbox-uid"]) }
        #expect(throws: LaunchSpec.ParseError.self) { try LaunchSpec(arguments: ["--sandbox-uid", "x", "--"]) }
        #expect(throws: LaunchSpec.ParseError.self) { try LaunchSpec(arguments: ["--executable", "/bin/true"]) }
    }

    @Test(arguments: [0, 3, 4, 5])
    func channelMayNotTakeAFixedDescriptor(fd: Int32) {
        var spec = LaunchSpec()
        spec.executable = "/bin/true"
        spec.argv = ["true"]
        spec.channelFD = fd
        #expect(throws: LaunchSpec.ParseError.self) { try LaunchSpec(arguments: spec.arguments) }
    }

    @Test func unknownNetworkModeIsRejected() {
        var spec = LaunchSpec()
        spec.executable = "/bin/true"
        spec.argv = ["true"]
        var arguments = spec.arguments
        arguments[arguments.firstIndex(of: "none")!] = "bridge"
        #expect(throws: LaunchSpec.ParseError.self) { try LaunchSpec(arguments: arguments) }
    }
}

@Suite struct ReportRecordTests {
    @Test(arguments: [
        ReportRecord.layer(.landlock, applied: true, reason: "abi 7"),
        .layer(.cgroupMemory, applied: false, reason: "cannot create /sys/fs/cgroup/memory/probe: Permission denied"),
        .setupError(stage: "mount_ns", message: "bind /opt/x: No such file or directory (errno 2)"),
        .blocked(arch: 0xC000_003E, number: 41, args: [2, 1, 0, 0xdead_beef, 0, UInt64.max]),
        .exit(status: 0x0900),
        .usage(userMicros: 12, systemMicros: 34, maxRSSKiB: 5678),
    ])
    func linesParseBackToTheSameRecord(_ record: ReportRecord) {
        #expect(record.line.hasSuffix("\n"))
        #expect(ReportRecord(line: Substring(record.line.dropLast())) == record)
    }

    @Test func aMessageCannotForgeASecondRecord() {
        let record = ReportRecord.setupError(stage: "execve", message: "bad\nexit 0")
        #expect(record.line.filter { $0 == "\n" }.count == 1)
    }

    @Test(arguments: ["", "exit", "exit zero", "blocked 1 2 3", "layer nonsense applied", "usage 1 2", "hello world"])
    func malformedLinesAreIgnored(_ line: String) {
        #expect(ReportRecord(line: Substring(line)) == nil)
    }

    @Test func resourceLimitArgumentsValidate() {
        #expect(ResourceLimit(argument: "cpu=1:2") == ResourceLimit(.cpu, soft: 1, hard: 2))
        #expect(ResourceLimit(argument: "cpu=3:2") == nil)
        #expect(ResourceLimit(argument: "stack=1:1") == nil)
        #expect(DefaultSeccompAction(argument: "errno:1") == .errno(1))
        #expect(DefaultSeccompAction(argument: "errno:0") == nil)
    }
}

@Suite struct LaunchPathArrayTests {
    @Test func keepsEachPathOnceAtItsFirstPlace() {
        #expect(["/b", "/a", "/b", "/c", "/a"].uniqued() == ["/b", "/a", "/c"])
        #expect([String]().uniqued() == [])
        #expect(["/only"].uniqued() == ["/only"])
    }

    @Test func joinsWithTheSeparatorBetweenElementsOnly() {
        #expect(["cpu=2:3", "as=1073741824"].joined(by: " ") == "cpu=2:3 as=1073741824")
        #expect(["net_ns"].joined(by: ", ") == "net_ns")
        #expect([String]().joined(by: "/") == "")
    }
}
