import Sandbox
import SandboxSpec

extension RunCommand {
    /// `probe run`'s command line, read without ArgumentParser on the launch fast path.
    ///
    /// ArgumentParser builds its argument sets by reflection, and in a binary this size each
    /// first conformance check it makes scans about 7,800 records: some 2 ms per launch, for
    /// a command other issues run thousands of times. This reader covers the well-formed
    /// lines only, and declines (returns nil) anything else: help, an unknown or repeated
    /// option, a value that is empty or starts with `-`, a number that is not plain digits,
    /// a missing command, a configuration that does not validate. ArgumentParser then reads
    /// the line as usual and reports the error, so the messages stay its own.
    ///
    /// `RunCommandFastPathTests` holds both readers to the same configuration on every line
    /// this one accepts, and checks that it knows every option `SandboxOptions` declares.
    struct FastPath {
        var configuration = SandboxConfiguration()
        var json = false

        /// The options this reader knows, by long name; each one sets one field.
        static let options: [String: @Sendable (inout FastPath, String) -> Bool] = [
            "profile": { $0.configuration.profile = $1; return true },
            "cpu-time": { run, text in seconds(text).map { run.configuration.cpuTimeSeconds = $0 } != nil },
            "wall-time": { run, text in seconds(text).map { run.configuration.wallTimeSeconds = $0 } != nil },
            "memory": { run, text in count(text).map { run.configuration.memoryMiB = $0 } != nil },
            "pids": { run, text in count(text).map { run.configuration.pids = $0 } != nil },
            "output-limit": { run, text in count(text).map { run.configuration.outputLimitKiB = $0 } != nil },
            "file-size": { run, text in count(text).map { run.configuration.fileSizeMiB = $0 } != nil },
            "tmp-size": { run, text in count(text).map { run.configuration.tmpSizeMiB = $0 } != nil },
            "work-size": { run, text in count(text).map { run.configuration.workSizeMiB = $0 } != nil },
            "network": { run, text in NetworkMode(rawValue: text).map { run.configuration.network = $0 } != nil },
            "workdir": { $0.configuration.workdir = $1; return true },
            "ro": { $0.configuration.readOnlyPaths.append($1); return true },
            "rw": { $0.configuration.readWritePaths.append($1); return true },
            "env": { $0.configuration.environment.append($1); return true },
        ]
        /// The options that may be given more than once; each adds to a list.
        static let repeatable: Set<String> = ["ro", "rw", "env"]
        /// The flags this reader knows.
        static let flags: [String: @Sendable (inout FastPath) -> Void] = [
            "json": { $0.json = true },
            "allow-degraded": { $0.configuration.allowDegraded = true },
        ]

        init?(_ arguments: some Collection<String>) {
            var rest = arguments[...]
            var seen: Set<String> = []
            while let token = rest.popFirst() {
                if token == "--" {
                    configuration.command = Array(rest)
                    guard (try? configuration.validate()) != nil else { return nil }
                    return
                }
                guard token.hasPrefix("--") else { return nil }
                let body = token.dropFirst(2)
                let name = String(body.prefix { $0 != "=" })
                let inline = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }
                guard Self.repeatable.contains(name) || seen.insert(name).inserted else { return nil }
                if let flag = Self.flags[name] {
                    guard inline == nil else { return nil }
                    flag(&self)
                } else if let option = Self.options[name] {
                    guard let value = inline ?? rest.popFirst(), !value.isEmpty, !value.hasPrefix("-"),
                          option(&self, value) else { return nil }
                } else {
                    return nil
                }
            }
            return nil  // no `--`, so no command
        }

        /// Plain decimal seconds, e.g. `10` or `2.5`: a subset of what `Double` reads.
        private static func seconds(_ text: String) -> Double? {
            let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
            return Double(text)
        }

        /// Plain decimal digits: a subset of what `UInt64` reads.
        private static func count(_ text: String) -> UInt64? {
            text.allSatisfy(\.isASCIIDigit) ? UInt64(text) : nil
        }
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
