import JSON

/// The name of a stream, such as `customer-42`, `deal-7` or `rule-demo-followup`.
///
/// A valid name is 1 to ``maximumLength`` bytes of UTF-8 with no control characters
/// and no whitespace. The name's bytes are the stream index key on disk, and they are
/// what identifies the stream: names are equal, hash and sort by their UTF-8 bytes, not
/// by `String`'s Unicode equivalence. `café` written precomposed (U+00E9) and with a
/// combining accent (U+0301) are two streams, in memory as on disk.
public struct StreamName: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The longest name accepted, in UTF-8 bytes. LMDB keys are limited to 511 bytes.
    public static let maximumLength = 255

    public let rawValue: String

    /// Validates `rawValue`; see ``validationProblem(_:)`` for the reasons it may fail.
    public init?(_ rawValue: String) {
        guard Self.validationProblem(rawValue) == nil else { return nil }
        self.rawValue = rawValue
    }

    /// Wraps a name already known to be valid (read back from the store).
    init(unchecked rawValue: String) { self.rawValue = rawValue }

    public init(stringLiteral value: String) {
        guard let name = StreamName(value) else { preconditionFailure("invalid stream name literal \(value)") }
        self = name
    }

    /// Why `text` is not a valid stream name, or `nil` when it is.
    public static func validationProblem(_ text: String) -> String? {
        if text.isEmpty { return "a stream name may not be empty" }
        if text.utf8.count > maximumLength { return "a stream name may be at most \(maximumLength) bytes, this one has \(text.utf8.count)" }
        var ascii = true
        for byte in text.utf8 {
            if byte >= 0x80 { ascii = false } else if byte <= 0x20 || byte == 0x7F { return "a stream name may not contain whitespace or control characters" }
        }
        if !ascii, text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }) {
            return "a stream name may not contain whitespace or control characters"
        }
        return nil
    }

    /// The category part before the first `-` (`customer` for `customer-42`).
    public var category: Substring { rawValue.split(separator: "-", maxSplits: 1).first ?? Substring(rawValue) }

    public var description: String { rawValue }

    // Both compare the bytes with `memcmp`: a planner looks every event's stream up in
    // a dictionary, and walking two `UTF8View`s byte by byte showed in its profile.
    public static func == (lhs: StreamName, rhs: StreamName) -> Bool { JSONObject.same(lhs.rawValue, rhs.rawValue) }

    public func hash(into hasher: inout Hasher) {
        var text = rawValue
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(0xFF as UInt8)  // no UTF-8 byte: ends the name
    }

    /// The order of the names' UTF-8 bytes, which is the stream index's order on disk.
    public static func < (lhs: StreamName, rhs: StreamName) -> Bool { JSONObject.precedes(lhs.rawValue, rhs.rawValue) }
}

/// The type of an event, such as `DealStageChanged`: a letter followed by letters,
/// digits, `_` or `.`, at most 128 bytes.
public struct EventType: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public static let maximumLength = 128

    public let rawValue: String

    public init?(_ rawValue: String) {
        guard Self.validationProblem(rawValue) == nil else { return nil }
        self.rawValue = rawValue
    }

    init(unchecked rawValue: String) { self.rawValue = rawValue }

    public init(stringLiteral value: String) {
        guard let type = EventType(value) else { preconditionFailure("invalid event type literal \(value)") }
        self = type
    }

    public static func validationProblem(_ text: String) -> String? {
        guard let first = text.utf8.first else { return "an event type may not be empty" }
        if text.utf8.count > maximumLength { return "an event type may be at most \(maximumLength) bytes" }
        let isLetter = { (b: UInt8) in (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        guard isLetter(first), text.utf8.allSatisfy({ isLetter($0) || isDigit($0) || $0 == 0x5F || $0 == 0x2E }) else {
            return "an event type starts with a letter and holds only letters, digits, '_' and '.' (like DealStageChanged)"
        }
        return nil
    }

    public var description: String { rawValue }
    public static func < (lhs: EventType, rhs: EventType) -> Bool { lhs.rawValue < rhs.rawValue }
}
