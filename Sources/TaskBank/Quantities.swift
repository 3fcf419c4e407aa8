/// A value written as one text scalar and parsed by `init?(_:)`; a value that does not parse
/// is a decoding error saying what was expected.
protocol TextDecodable: Decodable {
    init?(_ text: String)
    static var expected: String { get }
}

extension TextDecodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = Self(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected \(Self.expected), got '\(text)'")
        }
        self = parsed
    }
}

/// A span of time written with units, as task authors write it: `30s`, `90m`, `1h30m`, `1.5s`.
public struct TimeSpan: Sendable, Equatable, TextDecodable, CustomStringConvertible {
    static let expected = "a positive duration with units, like 30s, 90m or 1h30m"
    public var seconds: Double
    public var description: String

    public init?(_ text: String) {
        let units: [Character: Double] = ["h": 3600, "m": 60, "s": 1]
        var total = 0.0, number = "", lastScale = Double.infinity
        for character in text {
            if character.isNumber || character == "." {
                number.append(character)
            } else if let scale = units[character], let value = Double(number), scale < lastScale {
                total += value * scale
                lastScale = scale
                number = ""
            } else {
                return nil
            }
        }
        guard number.isEmpty, total > 0, total.isFinite else { return nil }
        seconds = total
        description = text
    }
}

/// An amount of memory written with binary units: `512MiB`, `1GiB`.
public struct ByteSize: Sendable, Equatable, TextDecodable, CustomStringConvertible {
    static let expected = "a positive size in KiB, MiB or GiB, like 512MiB"
    public var bytes: UInt64
    public var description: String
    /// Rounded up, so a limit is never lowered.
    public var mebibytes: UInt64 { (bytes >> 20) + (bytes & 0xFFFFF == 0 ? 0 : 1) }

    public init?(_ text: String) {
        let units: [(String, UInt64)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        guard let (suffix, scale) = units.first(where: { text.hasSuffix($0.0) }),
              let value = UInt64(text.dropLast(suffix.count)), value > 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        bytes = product
        description = text
    }
}

/// An inclusive range of lines in a file: `31-44`, or `31` for one line.
public struct LineRange: Sendable, Equatable, Decodable, CustomStringConvertible {
    public var first: Int
    public var last: Int

    public init(first: Int, last: Int) {
        self.first = first
        self.last = last
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let first = Int(parts[0]), let last = Int(parts.last!),
              first >= 1, last >= first else { return nil }
        self.init(first: first, last: last)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // YAML reads `31` as a number and `31-44` as text; take both.
        if let line = try? container.decode(Int.self), line >= 1 {
            self.init(first: line, last: line)
            return
        }
        let text = (try? container.decode(String.self)) ?? ""
        guard let parsed = LineRange(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a line or an inclusive range like 31-44 (lines count from 1), got '\(text)'")
        }
        self = parsed
    }

    public var description: String { first == last ? "\(first)" : "\(first)-\(last)" }
}
