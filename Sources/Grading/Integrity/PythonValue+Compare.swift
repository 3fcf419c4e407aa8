import Foundation

extension PythonValue {
    /// `left <op> right` as Python evaluates it on these plain values; nil when Python would
    /// raise (ordering a str against an int) or when an opaque value makes it unknowable.
    static func evaluate(_ left: PythonValue, _ op: String, _ right: PythonValue) -> Bool? {
        switch op {
        case "==": equal(left, right)
        case "!=": equal(left, right).map(!)
        case "<": subset(left, right, proper: true) ?? less(left, right)
        case ">": subset(right, left, proper: true) ?? less(right, left)
        case "<=": subset(left, right, proper: false) ?? lessOrEqual(left, right)
        case ">=": subset(right, left, proper: false) ?? lessOrEqual(right, left)
        case "is": identical(left, right)
        case "is not": identical(left, right).map(!)
        case "in": contains(right, left)
        case "not in": contains(right, left).map(!)
        default: nil
        }
    }

    /// Python's `==`: numbers compare exactly across int, float, bool and Decimal; a list never
    /// equals a tuple; str compares code points, not canonical equivalence.
    static func equal(_ a: PythonValue, _ b: PythonValue) -> Bool? {
        if case .opaque = a { return nil }
        if case .opaque = b { return nil }
        if let x = a.number, let y = b.number {
            // A signalling NaN raises InvalidOperation in any comparison.
            if x.signaling || y.signaling { return nil }
            return x.compare(y) == .same
        }
        switch (a, b) {
        case (.none, .none): return true
        case (.str(let x), .str(let y)): return Array(x.unicodeScalars) == Array(y.unicodeScalars)
        case (.bytes(let x), .bytes(let y)): return x == y
        case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
            guard x.count == y.count else { return false }
            return all(zip(x, y).map { equal($0, $1) })
        case (.set(let x), .set(let y)):
            // Both ways: a forged encoding may repeat an item, which a real set never holds.
            guard x.count == y.count else { return false }
            return all(x.map { item in contains(.set(y), item) } + y.map { item in contains(.set(x), item) })
        case (.dict(let x), .dict(let y)):
            guard x.count == y.count else { return false }
            return all(matches(x, in: y) + matches(y, in: x))
        case (.decimal, _), (_, .decimal):
            return nil  // a Decimal too large to hold exactly
        default:
            return false
        }
    }

    /// Whether each item of `pairs` has an equal key in `other` with an equal value.
    private static func matches(_ pairs: [Pair], in other: [Pair]) -> [Bool?] {
        pairs.map { pair -> Bool? in
            guard let match = other.first(where: { equal($0.key, pair.key) == true }) else {
                return other.contains { equal($0.key, pair.key) == nil } ? nil : false
            }
            return equal(pair.value, match.value)
        }
    }

    /// Python's `<` for numbers, str, bytes and sequences of one kind; nil for the rest.
    static func less(_ a: PythonValue, _ b: PythonValue) -> Bool? {
        if let x = a.number, let y = b.number {
            // Ordering a Decimal NaN raises InvalidOperation; a float NaN is just unordered.
            if x.signaling || y.signaling || (x.kind == .nan && x.decimal) || (y.kind == .nan && y.decimal) { return nil }
            return x.compare(y) == .less
        }
        switch (a, b) {
        case (.str(let x), .str(let y)): return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) { $0.value < $1.value }
        case (.bytes(let x), .bytes(let y)): return x.lexicographicallyPrecedes(y)
        case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
            for (p, q) in zip(x, y) {
                guard let same = equal(p, q) else { return nil }
                if !same { return less(p, q) }
            }
            return x.count < y.count
        default:
            return nil
        }
    }

    /// Set ordering is inclusion: `a <= b` when every item of a is in b; nil unless both are sets.
    static func subset(_ a: PythonValue, _ b: PythonValue, proper: Bool) -> Bool? {
        guard case .set(let x) = a, case .set(let y) = b else { return nil }
        guard let included = all(x.map { contains(.set(y), $0) }) else { return nil }
        return included && (!proper || x.count < y.count)
    }

    static func lessOrEqual(_ a: PythonValue, _ b: PythonValue) -> Bool? {
        guard let smaller = less(a, b) else { return nil }
        return smaller ? true : equal(a, b)
    }

    /// `is` against the literals it is meant for: None, True and False.
    static func identical(_ a: PythonValue, _ b: PythonValue) -> Bool? {
        switch (a, b) {
        case (.none, .none): true
        case (.bool(let x), .bool(let y)): x == y
        case (.none, _), (_, .none), (.bool, _), (_, .bool): false
        default: nil
        }
    }

    /// Python's `item in container`.
    static func contains(_ container: PythonValue, _ item: PythonValue) -> Bool? {
        switch container {
        case .str(let text):
            guard case .str(let part) = item else { return nil }
            return Self.contains(Array(text.unicodeScalars), Array(part.unicodeScalars))
        case .bytes(let bytes):
            if case .bytes(let part) = item { return Self.contains(bytes, part) }
            if case .int(let digits) = item, let byte = UInt8(digits) { return bytes.contains(byte) }
            return nil
        case .list(let items), .tuple(let items):
            return any(items.map { equal(item, $0) })
        case .set(let items):
            return item.isHashable ? any(items.map { equal(item, $0) }) : nil
        case .dict(let pairs):
            return item.isHashable ? any(pairs.map { equal(item, $0.key) }) : nil
        default:
            return nil
        }
    }

    private static func contains<T: Equatable>(_ whole: [T], _ part: [T]) -> Bool {
        guard !part.isEmpty else { return true }
        guard part.count <= whole.count else { return false }
        return (0...(whole.count - part.count)).contains { start in whole[start..<(start + part.count)].elementsEqual(part) }
    }

    /// True if all are true; false if one is false; nil if one is unknown and none false.
    private static func all(_ answers: [Bool?]) -> Bool? {
        if answers.contains(false) { return false }
        return answers.contains(nil) ? nil : true
    }

    /// True if one is true; nil if none is but one is unknown; else false.
    private static func any(_ answers: [Bool?]) -> Bool? {
        if answers.contains(true) { return true }
        return answers.contains(nil) ? nil : false
    }

    /// The value as an exact number, for bool, int, float and Decimal.
    var number: ExactNumber? {
        switch self {
        case .bool(let flag): ExactNumber(decimal: flag ? "1" : "0")
        case .int(let digits): ExactNumber(decimal: digits)
        case .float(let value): ExactNumber(value)
        case .decimal(let text): ExactNumber(decimal: text).map { var number = $0; number.decimal = true; return number }
        default: nil
        }
    }

    /// Whether Python could use the value as a set item or dict key (lists, dicts and sets
    /// cannot; a test for one in a set raises TypeError).
    var isHashable: Bool {
        switch self {
        case .list, .dict, .set, .opaque: false
        case .tuple(let items): items.allSatisfy(\.isHashable)
        default: true
        }
    }
}

/// A number held exactly, as Python compares them: digits × 10^exponent, or an infinity, or
/// not a number. A float converts exactly (every finite double is a finite decimal).
struct ExactNumber {
    enum Kind { case finite, infinity, nan }
    enum Order { case less, same, greater, unordered }

    var kind: Kind
    var negative: Bool
    /// A Decimal's `sNaN`: any comparison with it raises.
    var signaling = false
    /// Came from a Decimal, whose NaN cannot be ordered.
    var decimal = false
    /// No leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    var exponent: Int

    init(_ value: Double) {
        if value.isNaN {
            self.init(kind: .nan, negative: false, digits: [], exponent: 0)
        } else if value.isInfinite {
            self.init(kind: .infinity, negative: value < 0, digits: [], exponent: 0)
        } else {
            // glibc prints a double's exact expansion; 1100 places cover the smallest subnormal.
            self = ExactNumber(decimal: String(format: "%.1100f", value))!
        }
    }

    private init(kind: Kind, negative: Bool, digits: [UInt8], exponent: Int) {
        self.kind = kind
        self.negative = negative
        self.digits = digits
        self.exponent = exponent
    }

    /// Reads `-12`, `5.00`, `1.5E+3`, `Infinity`, `NaN` (Python's int and Decimal forms).
    init?(decimal text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if rest.hasPrefix("-") { negative = true; rest = rest.dropFirst() } else if rest.hasPrefix("+") { rest = rest.dropFirst() }
        switch rest.lowercased() {
        case "infinity", "inf": self.init(kind: .infinity, negative: negative, digits: [], exponent: 0); return
        case "nan", "snan":
            self.init(kind: .nan, negative: negative, digits: [], exponent: 0)
            signaling = rest.lowercased() == "snan"
            return
        default: break
        }
        var exponent = 0
        if let e = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            // Far beyond any real value, and far from Int's bounds, so no arithmetic overflows.
            guard let shift = Int(rest[rest.index(after: e)...]), shift.magnitude <= 1_000_000_000_000_000 else { return nil }
            exponent = shift
            rest = rest[..<e]
        }
        let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0], fraction = parts.count > 1 ? parts[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty), whole.count + fraction.count <= 10_000_000, (whole + fraction).allSatisfy({ $0.isASCII && $0.isWholeNumber }) else { return nil }
        var digits = Array((whole + fraction).utf8).map { $0 - 0x30 }
        exponent -= fraction.count
        while digits.first == 0 { digits.removeFirst() }
        while digits.last == 0 { digits.removeLast(); exponent += 1 }
        self.init(kind: .finite, negative: negative && !digits.isEmpty, digits: digits, exponent: digits.isEmpty ? 0 : exponent)
    }

    func compare(_ other: ExactNumber) -> Order {
        if kind == .nan || other.kind == .nan { return .unordered }
        let mine = signedRank, theirs = other.signedRank
        if mine != theirs { return mine < theirs ? .less : .greater }
        guard kind == .finite, other.kind == .finite, !digits.isEmpty else { return .same }
        let magnitude = Self.compareMagnitude(self, other)
        if magnitude == .same { return .same }
        return (magnitude == .less) != negative ? .less : .greater
    }

    /// -2 for -inf, -1 negative, 0 zero, 1 positive, 2 for +inf.
    private var signedRank: Int {
        switch kind {
        case .infinity: negative ? -2 : 2
        case .nan: 0
        case .finite: digits.isEmpty ? 0 : (negative ? -1 : 1)
        }
    }

    private static func compareMagnitude(_ a: ExactNumber, _ b: ExactNumber) -> Order {
        // The power of ten of the leading digit decides first, then the digits themselves.
        let leadA = a.exponent + a.digits.count, leadB = b.exponent + b.digits.count
        if leadA != leadB { return leadA < leadB ? .less : .greater }
        for index in 0..<max(a.digits.count, b.digits.count) {
            let x = index < a.digits.count ? a.digits[index] : 0, y = index < b.digits.count ? b.digits[index] : 0
            if x != y { return x < y ? .less : .greater }
        }
        return .same
    }
}
