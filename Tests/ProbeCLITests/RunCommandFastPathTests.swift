import ArgumentParser
@testable import ProbeCLI
import Sandbox
import Testing

/// `probe run`'s fast path must read every line it accepts exactly as ArgumentParser does,
/// and leave every other line to ArgumentParser.
@Suite struct RunCommandFastPathTests {
    static let accepted: [[String]] = [
        ["--", "/bin/true"],
        ["--json", "--", "python3", "-I", "-c", "pass"],
        ["--profile", "service", "--cpu-time", "2.5", "--wall-time", "60", "--memory", "256", "--pids", "64",
         "--output-limit", "10", "--file-size", "8", "--tmp-size", "16", "--network", "loopback",
         "--ro", "/a", "--ro", "/b", "--rw", "/c", "--workdir", "/w", "--env", "A=1", "--env", "B=2",
         "--allow-degraded", "--json", "--", "cmd", "--help", "-x"],
        ["--cpu-time=3", "--env=K=V=W", "--profile=/etc/p.json", "--network=none", "--", "x"],
        ["--", "sh", "-c", "true", "--", "--json"],
    ]

    static let declined: [[String]] = [
        [], ["--"], ["--help"], ["-h"], ["--json"], ["--help", "--", "x"], ["--bogus", "--", "x"], ["positional", "--", "x"],
        ["--memory", "1", "--memory", "2", "--", "x"], ["--json", "--json", "--", "x"], ["--json=true", "--", "x"],
        ["--cpu-time", "1e3", "--", "x"], ["--cpu-time", ".5", "--", "x"], ["--cpu-time", "5.", "--", "x"],
        ["--memory", "-1", "--", "x"], ["--memory", "+1", "--", "x"], ["--memory", "", "--", "x"], ["--memory"],
        ["--memory", "--", "x"], ["--network", "wifi", "--", "x"], ["--workdir", "-w", "--", "x"],
        ["--cpu-time", "0", "--", "x"], ["--memory", "99999999999", "--", "x"], ["--env", "NOEQUALS", "--", "x"],
    ]

    @Test(arguments: accepted)
    func readsAcceptedLinesAsArgumentParserDoes(_ line: [String]) throws {
        let fast = try #require(RunCommand.FastPath(line))
        let parsed = try #require(try RunCommand.parseAsRoot(line) as? RunCommand)
        #expect(fast.json == parsed.json)
        #expect(Self.fields(fast.configuration) == Self.fields(parsed.sandbox.configuration(command: parsed.command)))
    }

    @Test(arguments: declined)
    func leavesEveryOtherLineToArgumentParser(_ line: [String]) {
        #expect(RunCommand.FastPath(line) == nil)
    }

    /// An option added to `SandboxOptions` but not to the fast path would still work, through
    /// ArgumentParser, but would quietly cost every launch that uses it 2 ms.
    @Test func knowsEveryOptionRunDeclares() {
        let help = RunCommand.helpMessage(columns: 1000)
        let declared = Set(help.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," })
            .filter { $0.hasPrefix("--") && $0.dropFirst(2).first?.isLetter == true }
            .map { String($0.dropFirst(2).prefix { $0.isLetter || $0 == "-" }) })
        let known = Set(RunCommand.FastPath.options.keys).union(RunCommand.FastPath.flags.keys).union(["help"])
        #expect(declared.count > 10)
        #expect(declared == known)
    }

    /// Every stored field, by name, as text; closures are nil on both sides.
    static func fields(_ configuration: SandboxConfiguration) -> [String] {
        Mirror(reflecting: configuration).children.map { "\($0.label ?? "?")=\(String(describing: $0.value))" }
    }
}
