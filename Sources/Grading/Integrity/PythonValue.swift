import Foundation

/// A plain Python value as Probe's plugin and assertion rewriter write it (`canonical` in
/// ``CheckedAssertions``), compared here with Python's own rules, so an assertion's expected
/// value never has to enter the sandbox.
///
/// The encoding is JSON: `null`, `true` and `false` as themselves, a str as a JSON string, and
/// every other value as a one-key object: `{"i": "12"}` (int, as digits), `{"f": "0.1"}`
/// (float, its repr), `{"d": "5.00"}` (Decimal), `{"b": "00ff"}` (bytes, hex), `{"l": […]}`,
/// `{"t": […]}`, `{"s": […]}` (list, tuple, set), `{"m": [[k, v], …]}` (dict) and
/// `{"o": "TypeName"}` for anything else, which no check can vouch for.
indirect enum PythonValue: Equatable, Sendable {
    case none
    case bool(Bool)
    case int(String)
    case float(Double)
    case decimal(String)
    case str(String)
    case bytes([UInt8])
    case list([PythonValue])
    case tuple([PythonValue])
    case set([PythonValue])
    case dict([Pair])
    case opaque(String)

    struct Pair: Equatable, Sendable {
        var key: PythonValue
        var value: PythonValue
    }
}

extension PythonValue: Decodable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer() {
            if single.decodeNil() { self = .none; return }
            if let flag = try? single.decode(Bool.self) { self = .bool(flag); return }
            if let text = try? single.decode(String.self) { self = .str(text); return }
        }
        let container = try decoder.container(keyedBy: Key.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected one tag"))
        }
        switch key.stringValue {
        case "i":
            let digits = try container.decode(String.self, forKey: key)
            guard let normal = Self.normalInteger(digits) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not an integer: \(digits)")
            }
            self = .int(normal)
        case "f":
            let text = try container.decode(String.self, forKey: key)
            guard let number = Double(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not a float: \(text)")
            }
            self = .float(number)
        case "d": self = .decimal(try container.decode(String.self, forKey: key))
        case "b":
            let hex = Array(try container.decode(String.self, forKey: key).utf8)
            guard hex.count % 2 == 0, let bytes = Self.bytes(hex: hex) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not hex")
            }
            self = .bytes(bytes)
        case "l": self = .list(try container.decode([PythonValue].self, forKey: key))
        case "t": self = .tuple(try container.decode([PythonValue].self, forKey: key))
        case "s": self = .set(try container.decode([PythonValue].self, forKey: key))
        case "m":
            let pairs = try container.decode([[PythonValue]].self, forKey: key)
            guard pairs.allSatisfy({ $0.count == 2 }) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "a dict item is not a pair")
            }
            self = .dict(pairs.map { Pair(key: $0[0], value: $0[1]) })
        case "o": self = .opaque(try container.decode(String.self, forKey: key))
        default:
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "unknown tag \(key.stringValue)")
        }
    }

    /// `-0012` → `-12`, `-0` → `0`; nil unless an optional minus and digits.
    static func normalInteger(_ text: String) -> String? {
        let negative = text.hasPrefix("-")
        let digits = negative ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isWholeNumber }) else { return nil }
        let trimmed = digits.drop { $0 == "0" }
        if trimmed.isEmpty { return "0" }
        return (negative ? "-" : "") + trimmed
    }

    private static func bytes(hex: [UInt8]) -> [UInt8]? {
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(hex.count / 2)
        var index = 0
        while index < hex.count {
            guard let high = nibble(hex[index]), let low = nibble(hex[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}

extension PythonValue: CustomStringConvertible {
    /// Close to Python's repr, for the grader's messages.
    var description: String {
        switch self {
        case .none: "None"
        case .bool(let flag): flag ? "True" : "False"
        case .int(let digits): digits
        case .float(let number): number.isNaN ? "nan" : number.isInfinite ? (number < 0 ? "-inf" : "inf") : "\(number)"
        case .decimal(let text): "Decimal('\(text)')"
        case .str(let text): "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            .replacingOccurrences(of: "\n", with: "\\n") + "'"
        case .bytes(let bytes): "b'" + bytes.map { $0 >= 0x20 && $0 < 0x7f && $0 != 0x27 && $0 != 0x5c ? String(UnicodeScalar($0)) : String(format: "\\x%02x", $0) }.joined() + "'"
        case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .tuple(let items): "(" + items.map(\.description).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case .set(let items): items.isEmpty ? "set()" : "{" + items.map(\.description).joined(separator: ", ") + "}"
        case .dict(let pairs): "{" + pairs.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .opaque(let type): "<a \(type)>"
        }
    }
}
