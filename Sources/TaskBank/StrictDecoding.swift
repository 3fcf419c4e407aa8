/// A key of any name, for listing what a mapping really holds.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Refuses keys the type does not know. Codable ignores them by default, which turns a
    /// typo such as `fail_to_pas` into a silently empty bucket.
    func rejectUnknownKeys<Key: CodingKey & CaseIterable>(_: Key.Type) throws {
        let known = Key.allCases.map(\.stringValue)
        let container = try container(keyedBy: AnyKey.self)
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath + [key],
                debugDescription: "unknown field; expected one of: \(known.joined(separator: ", "))"))
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes a string field and converts it, with a clear message when it does not parse.
    func decode<T>(_ key: Key, parse: (String) -> T?, expected: String) throws -> T {
        let text = try decode(String.self, forKey: key)
        guard let value = parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "expected \(expected), got '\(text)'")
        }
        return value
    }

    /// Decodes a string field into a raw-value enum, listing the accepted values on failure.
    func decodeEnum<T: RawRepresentable & CaseIterable>(_ key: Key) throws -> T where T.RawValue == String {
        try decode(key, parse: T.init(rawValue:), expected: "one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
    }
}

extension DecodingError {
    /// `limits.cpu` or `tests.fail_to_pass[3]`, and the reason, for a ``TaskError``.
    public var fieldAndMessage: (field: String?, message: String) {
        func path(_ keys: [any CodingKey]) -> String? {
            var out = ""
            for key in keys {
                if let index = key.intValue { out += "[\(index)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
            }
            return out.isEmpty ? nil : out
        }
        switch self {
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key]), "missing; this field is required")
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "expected \(Self.describe(type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "expected \(Self.describe(type)), found nothing")
        case .dataCorrupted(let context):
            return (path(context.codingPath), context.debugDescription)
        @unknown default:
            return (nil, "\(self)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        let name = "\(type)"
        if name.hasPrefix("Array") { return "a list" }
        if name.hasPrefix("Dictionary") || name.contains("KeyedDecodingContainer") { return "a mapping of fields" }
        if name == "String" { return "a text value" }
        if name == "Int" || name == "UInt64" { return "a whole number" }
        return "a \(name)"
    }
}
