#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A seccomp profile in the OCI / Docker JSON format:
///
///     { "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
///       "architectures": ["SCMP_ARCH_X86_64"],
///       "syscalls": [ { "names": ["read"], "action": "SCMP_ACT_ALLOW",
///                       "args": [ { "index": 0, "value": 1, "op": "SCMP_CMP_EQ" } ] } ] }
///
/// Unknown keys are errors, not silently ignored: a typo such as `"arg"` for `"args"` would
/// otherwise widen a rule to every argument.
public struct SeccompProfile: Equatable, Sendable {
    public struct Rule: Equatable, Sendable {
        public var names: [String]
        public var action: Action
        public var args: [ArgumentCheck]
        public var comment: String?
    }

    public struct ArgumentCheck: Equatable, Sendable {
        public var index: UInt32
        public var value: UInt64
        public var valueTwo: UInt64
        public var op: Operator
    }

    public enum Operator: String, CaseIterable, Sendable {
        case notEqual = "SCMP_CMP_NE", lessThan = "SCMP_CMP_LT", lessOrEqual = "SCMP_CMP_LE"
        case equal = "SCMP_CMP_EQ", greaterOrEqual = "SCMP_CMP_GE", greaterThan = "SCMP_CMP_GT"
        case maskedEqual = "SCMP_CMP_MASKED_EQ"
    }

    public enum Action: Equatable, Sendable {
        case allow
        case errno(Int32)
        case killProcess
        case killThread
        case trap
        case log
    }

    /// Where the profile came from, for error messages.
    public var source: String
    public var defaultAction: Action
    public var architectures: [String]
    public var rules: [Rule]
}

extension SeccompProfile {
    public static func load(path: String) throws -> SeccompProfile {
        try parse(read(path: path), source: path)
    }

    static func read(path: String) throws -> Data {
        guard let data = SystemFiles.bytes(path).map({ Data($0) }) else {
            throw SandboxError(.invalidProfile, "\(path): cannot read the seccomp profile")
        }
        return data
    }

    public static func parse(_ data: Data, source: String) throws -> SeccompProfile {
        let document: ProfileDocument
        do {
            document = try JSONDecoder().decode(ProfileDocument.self, from: data)
        } catch let error as DecodingError {
            throw SandboxError(.invalidProfile, "\(source): \(describe(error))")
        } catch let error as SandboxError {
            throw SandboxError(error.kind, "\(source): \(error.message)")
        }
        do {
            return try document.profile(source: source)
        } catch let error as SandboxError {
            throw SandboxError(error.kind, "\(source): \(error.message)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        let path = codingPathText
        switch error {
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError.map { " (\($0))" } ?? "")
            return "invalid JSON at \(path(context.codingPath)): \(context.debugDescription)\(underlying)"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing; this field is required"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(type)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// The JSON document, decoded strictly.
private struct ProfileDocument: Decodable {
    var defaultAction: String
    var defaultErrnoRet: Int32?
    var architectures: [String]
    var syscalls: [SyscallEntry]

    static let keys: Set<String> = ["defaultAction", "defaultErrnoRet", "architectures", "syscalls", "comment"]

    init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: Self.keys, what: "top-level key")
        let c = try decoder.container(keyedBy: AnyKey.self)
        defaultAction = try c.decode(String.self, forKey: AnyKey("defaultAction"))
        defaultErrnoRet = try c.decodeIfPresent(Int32.self, forKey: AnyKey("defaultErrnoRet"))
        architectures = try c.decode([String].self, forKey: AnyKey("architectures"))
        syscalls = try c.decode([SyscallEntry].self, forKey: AnyKey("syscalls"))
    }

    func profile(source: String) throws -> SeccompProfile {
        let action = try SeccompProfile.Action(name: defaultAction, errno: defaultErrnoRet, field: "defaultAction")
        guard action != .allow else {
            throw SandboxError(.invalidProfile, "defaultAction: SCMP_ACT_ALLOW makes a deny-list; Probe profiles must be allow-lists")
        }
        guard !architectures.isEmpty else {
            throw SandboxError(.invalidProfile, "architectures: expected at least one SCMP_ARCH_* name")
        }
        let rules = try syscalls.enumerated().map { index, entry in
            try entry.rule(field: "syscalls[\(index)]")
        }
        return SeccompProfile(source: source, defaultAction: action, architectures: architectures, rules: rules)
    }
}

private struct SyscallEntry: Decodable {
    var names: [String]
    var action: String
    var errnoRet: Int32?
    var args: [ArgumentEntry]
    var comment: String?

    static let keys: Set<String> = ["names", "name", "action", "errnoRet", "args", "comment"]

    init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: Self.keys, what: "key")
        let c = try decoder.container(keyedBy: AnyKey.self)
        if let names = try c.decodeIfPresent([String].self, forKey: AnyKey("names")) {
            self.names = names
        } else if let name = try c.decodeIfPresent(String.self, forKey: AnyKey("name")) {
            self.names = [name]
        } else {
            throw SandboxError(.invalidProfile, "\(codingPathText(decoder.codingPath)): expected \"names\", a list of syscall names")
        }
        action = try c.decode(String.self, forKey: AnyKey("action"))
        errnoRet = try c.decodeIfPresent(Int32.self, forKey: AnyKey("errnoRet"))
        args = try c.decodeIfPresent([ArgumentEntry].self, forKey: AnyKey("args")) ?? []
        comment = try c.decodeIfPresent(String.self, forKey: AnyKey("comment"))
    }

    func rule(field: String) throws -> SeccompProfile.Rule {
        guard !names.isEmpty else { throw SandboxError(.invalidProfile, "\(field).names: expected at least one syscall name") }
        let action = try SeccompProfile.Action(name: action, errno: errnoRet, field: "\(field).action")
        let checks = try args.enumerated().map { index, arg in try arg.check(field: "\(field).args[\(index)]") }
        return SeccompProfile.Rule(names: names, action: action, args: checks, comment: comment)
    }
}

private struct ArgumentEntry: Decodable {
    var index: UInt32
    var value: UInt64
    var valueTwo: UInt64
    var op: String

    static let keys: Set<String> = ["index", "value", "valueTwo", "op"]

    init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: Self.keys, what: "key")
        let c = try decoder.container(keyedBy: AnyKey.self)
        index = try c.decode(UInt32.self, forKey: AnyKey("index"))
        value = try c.decode(UInt64.self, forKey: AnyKey("value"))
        valueTwo = try c.decodeIfPresent(UInt64.self, forKey: AnyKey("valueTwo")) ?? 0
        op = try c.decode(String.self, forKey: AnyKey("op"))
    }

    func check(field: String) throws -> SeccompProfile.ArgumentCheck {
        guard index < 6 else { throw SandboxError(.invalidProfile, "\(field).index: expected 0 to 5, got \(index)") }
        guard let op = SeccompProfile.Operator(rawValue: op) else {
            let known = SeccompProfile.Operator.allCases.map(\.rawValue).joined(separator: ", ")
            throw SandboxError(.invalidProfile, "\(field).op: unknown operator '\(op)'; expected one of \(known)")
        }
        return SeccompProfile.ArgumentCheck(index: index, value: value, valueTwo: valueTwo, op: op)
    }
}

extension SeccompProfile.Action {
    init(name: String, errno: Int32?, field: String) throws {
        switch name {
        case "SCMP_ACT_ALLOW": self = .allow
        case "SCMP_ACT_ERRNO":
            let code = errno ?? 1
            guard code > 0 && code < 4096 else {
                throw SandboxError(.invalidProfile, "\(field): errno must be between 1 and 4095, got \(code)")
            }
            self = .errno(code)
        case "SCMP_ACT_KILL_PROCESS": self = .killProcess
        case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD": self = .killThread
        case "SCMP_ACT_TRAP": self = .trap
        case "SCMP_ACT_LOG": self = .log
        default:
            throw SandboxError(.invalidProfile, "\(field): unknown or unsupported action '\(name)'; expected SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP or SCMP_ACT_LOG")
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}

private func codingPathText(_ keys: [any CodingKey]) -> String {
    let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    return text.isEmpty ? "top level" : String(text.drop { $0 == "." })
}

private func rejectUnknownKeys(_ decoder: any Decoder, allowed: Set<String>, what: String) throws {
    let container = try decoder.container(keyedBy: AnyKey.self)
    for key in container.allKeys where !allowed.contains(key.stringValue) {
        let known = allowed.sorted().joined(separator: ", ")
        throw SandboxError(.invalidProfile, "\(codingPathText(decoder.codingPath + [key])): unknown \(what) '\(key.stringValue)'; expected one of \(known)")
    }
}
