import Foundation
import ProbeTestSupport
import Testing
@testable import Sandbox

@Suite struct SeccompProfileTests {
    static let sandboxes = ProbeProcess.repository.appendingPathComponent("Sandboxes").path

    private func parse(_ json: String) throws -> SeccompProfile {
        try SeccompProfile.parse(Data(json.utf8), source: "test.json")
    }

    private func message(_ json: String, compile: Bool = false) -> String {
        do {
            let profile = try parse(json)
            if compile { _ = try profile.compile() }
            return "no error"
        } catch let error as SandboxError {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    private let base = #"{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"], "syscalls": [{"names": ["read", "write", "sendmsg", "execve"], "action": "SCMP_ACT_ALLOW"}"#

    @Test(arguments: ["pytest", "service"])
    func shippedProfilesCompile(_ name: String) throws {
        let profile = try SeccompProfile.load(path: "\(Self.sandboxes)/\(name).json")
        let filter = try profile.compile()
        #expect(filter.instructionCount > 50)
        #expect(filter.defaultAction == .errno(1))
    }

    @Test func serviceProfileExtendsPytestWithInetSocketsOnly() throws {
        let pytest = try SeccompProfile.load(path: "\(Self.sandboxes)/pytest.json")
        let service = try SeccompProfile.load(path: "\(Self.sandboxes)/service.json")
        #expect(Array(service.rules.prefix(pytest.rules.count)) == pytest.rules)
        let extra = service.rules.dropFirst(pytest.rules.count)
        #expect(extra.map(\.names) == [["socket"], ["socket"]])
        // AF_INET and AF_INET6 exactly, with the same action as pytest's AF_UNIX rule: nothing wider.
        #expect(extra.map(\.args) == [[.init(index: 0, value: 2, valueTwo: 0, op: .equal)],
                                        [.init(index: 0, value: 10, valueTwo: 0, op: .equal)]])
        let unixRule = try #require(pytest.rules.first { $0.names.contains("socket") })
        #expect(extra.allSatisfy { $0.action == unixRule.action })
    }

    @Test func pytestProfileAllowsOnlyUnixSockets() throws {
        let pytest = try SeccompProfile.load(path: "\(Self.sandboxes)/pytest.json")
        let socketRules = pytest.rules.filter { $0.names.contains("socket") }
        #expect(socketRules.count == 1)
        #expect(socketRules.first?.args == [.init(index: 0, value: 1, valueTwo: 0, op: .equal)])
    }

    @Test func unknownSyscallNameIsNamedWithItsPosition() {
        let text = message(base + #", {"names": ["getpid", "sokcet"], "action": "SCMP_ACT_ALLOW"}]}"#, compile: true)
        #expect(text == "test.json: syscalls[1].names[1]: unknown syscall name 'sokcet'")
    }

    @Test func badActionIsNamed() {
        let text = message(base + #", {"names": ["getpid"], "action": "SCMP_ACT_MAYBE"}]}"#)
        #expect(text.hasPrefix("test.json: syscalls[1].action: unknown or unsupported action 'SCMP_ACT_MAYBE'"))
    }

    /// A directory opens for reading but does not read: it must not pass for an empty file.
    @Test(arguments: ["/nonexistent/profile.json", "/tmp"])
    func unreadableProfileIsNamed(_ path: String) {
        #expect(throws: SandboxError(.invalidProfile, "\(path): cannot read the seccomp profile")) {
            try SeccompProfile.load(path: path)
        }
    }

    @Test func invalidJSONIsAnError() {
        #expect(message(#"{"defaultAction": "SCMP_ACT_ERRNO", "#).hasPrefix("test.json: invalid JSON"))
    }

    @Test func unknownKeysAreNotIgnored() {
        let text = message(base + #", {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "arg": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}]}"#)
        #expect(text.hasPrefix("test.json: syscalls[1].arg: unknown key 'arg'"))
    }

    @Test func missingFieldIsNamed() {
        #expect(message(#"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": []}"#) == "test.json: architectures: missing; this field is required")
    }

    @Test func badOperatorAndIndexAreNamed() {
        #expect(message(base + #", {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "EQ"}]}]}"#)
            .hasPrefix("test.json: syscalls[1].args[0].op: unknown operator 'EQ'"))
        #expect(message(base + #", {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]}"#)
            == "test.json: syscalls[1].args[0].index: expected 0 to 5, got 6")
    }

    @Test func denyListsAreRefused() {
        let text = message(#"{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": []}"#)
        #expect(text.contains("must be allow-lists"))
    }

    @Test func profileMustLetTheLauncherFinish() {
        let text = message(#"{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"], "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}"#, compile: true)
        #expect(text == "test.json: syscalls: must allow write, sendmsg, execve without argument conditions; the launcher needs them after loading the filter")
    }

    @Test func unknownArchitectureIsNamed() {
        let text = message(#"{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_VAX"], "syscalls": [{"names": ["read", "write", "sendmsg", "execve"], "action": "SCMP_ACT_ALLOW"}]}"#, compile: true)
        #expect(text == "test.json: architectures[0]: unknown architecture 'SCMP_ARCH_VAX'")
    }
}

@Suite struct BlockedSyscallTests {
    @Test func socketArgumentsAreDecoded() {
        let call = BlockedSyscall(arch: 0xC000_003E, number: 41, args: [2, 0x80001, 0, 0, 0, 0])
        #expect(call.call == "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0)")
    }

    @Test func cloneFlagsAreNamed() {
        let call = BlockedSyscall(arch: 0xC000_003E, number: 272, args: [0x1002_0000, 0, 0, 0, 0, 0])
        #expect(call.call == "unshare(CLONE_NEWNS|CLONE_NEWUSER)")
    }
}

@Suite struct CgroupLayoutTests {
    @Test func hybridMachineTakesControllersFromV1() {
        let mountinfo = """
        30 25 0:26 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory
        31 25 0:27 / /sys/fs/cgroup/pids rw,relatime shared:10 - cgroup cgroup rw,pids
        32 25 0:28 / /sys/fs/cgroup/cpuacct rw,relatime shared:11 - cgroup cgroup rw,cpuacct
        33 25 0:29 / /sys/fs/cgroup/unified rw,relatime shared:12 - cgroup2 cgroup2 rw
        """
        let cgroup = "8:pids:/\n4:memory:/process_api/abc\n2:cpuacct:/\n0::/\n"
        let layout = CgroupLayout.parse(mountinfo: mountinfo, cgroup: cgroup, readControllers: { _ in "" })
        #expect(layout.v1("memory")?.mount == "/sys/fs/cgroup/memory")
        #expect(layout.v1("memory")?.path == "/process_api/abc")
        #expect(layout.v1("pids")?.path == "/")
        #expect(layout.v2?.mount == "/sys/fs/cgroup/unified")
        #expect(layout.v2?.controllers == [])
    }

    @Test func pureV2MachineUsesItsControllers() {
        let mountinfo = "30 25 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n"
        let layout = CgroupLayout.parse(mountinfo: mountinfo, cgroup: "0::/user.slice\n") { path in
            path == "/sys/fs/cgroup" ? "cpuset cpu io memory pids\n" : nil
        }
        #expect(layout.v1.isEmpty)
        #expect(layout.v2?.controllers == ["cpuset", "cpu", "io", "memory", "pids"])
    }
}
