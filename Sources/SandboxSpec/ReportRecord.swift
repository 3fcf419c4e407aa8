/// One line on the launcher's report descriptor. The target never holds that descriptor, so
/// nothing the sandboxed program prints can be mistaken for one of these.
///
/// Each record is written with a single write(2) of less than PIPE_BUF bytes, so records from
/// the launcher's several processes never interleave.
public enum ReportRecord: Equatable, Sendable {
    /// A layer was applied, or was missing and `--allow-degraded` let the launch go on.
    case layer(Layer, applied: Bool, reason: String)
    /// The sandbox could not be built; the target never ran.
    case setupError(stage: String, message: String)
    /// The supervisor refused a syscall that no rule allows.
    case blocked(arch: UInt32, number: Int32, args: [UInt64])
    /// The target process ended, with this raw wait(2) status.
    case exit(status: Int32)
    /// CPU and peak RSS of every process the sandbox's init reaped.
    case usage(userMicros: UInt64, systemMicros: UInt64, maxRSSKiB: UInt64)

    public var line: String {
        switch self {
        case .layer(let layer, let applied, let reason):
            "layer \(layer.rawValue) \(applied ? "applied" : "missing") \(Self.oneLine(reason))\n"
        case .setupError(let stage, let message):
            "setup-error \(stage) \(Self.oneLine(message))\n"
        case .blocked(let arch, let number, let args):
            "blocked \(arch) \(number) " + args.map { String($0, radix: 16) }.joined(separator: " ") + "\n"
        case .exit(let status):
            "exit \(status)\n"
        case .usage(let user, let system, let rss):
            "usage \(user) \(system) \(rss)\n"
        }
    }

    public init?(line: Substring) {
        let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard let kind = words.first else { return nil }
        let rest = line.firstIndex(of: " ").map { line[line.index(after: $0)...] } ?? ""
        switch kind {
        case "layer":
            let parts = rest.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, let layer = Layer(rawValue: String(parts[0])),
                  parts[1] == "applied" || parts[1] == "missing" else { return nil }
            self = .layer(layer, applied: parts[1] == "applied", reason: parts.count > 2 ? String(parts[2]) : "")
        case "setup-error":
            guard words.count >= 2 else { return nil }
            self = .setupError(stage: String(words[1]), message: words.count > 2 ? String(words[2]) : "")
        case "blocked":
            let numbers = rest.split(separator: " ")
            guard numbers.count == 8, let arch = UInt32(numbers[0]), let number = Int32(numbers[1]) else { return nil }
            let args = numbers[2...].compactMap { UInt64($0, radix: 16) }
            guard args.count == 6 else { return nil }
            self = .blocked(arch: arch, number: number, args: args)
        case "exit":
            guard let status = Int32(rest) else { return nil }
            self = .exit(status: status)
        case "usage":
            let numbers = rest.split(separator: " ").compactMap { UInt64($0) }
            guard numbers.count == 3 else { return nil }
            self = .usage(userMicros: numbers[0], systemMicros: numbers[1], maxRSSKiB: numbers[2])
        default:
            return nil
        }
    }

    /// At most 1 KiB of `text` on one line, so that a record stays well under PIPE_BUF.
    /// (Bytes, not characters: the same bound for any script. A character cut in two is
    /// decoded as U+FFFD.)
    private static func oneLine(_ text: String) -> String {
        String(decoding: text.utf8.prefix(1024).map { $0 == 0x0a ? 0x20 : $0 }, as: UTF8.self)
    }
}
