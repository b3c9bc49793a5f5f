/// A global position in the log (`seq`): 1 for the first event, gapless, assigned
/// inside the write transaction. Position 0 means "before the first event".
public struct LogPosition: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    /// Before the first event: reading forward from here yields the whole log.
    public static let start = LogPosition(0)

    public var next: LogPosition { LogPosition(rawValue + 1) }
    public var description: String { String(rawValue) }
    public static func < (lhs: LogPosition, rhs: LogPosition) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A position within one stream: 1 for its first event, gapless. Version 0 means the
/// stream has no events yet.
public struct StreamVersion: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    /// The version of a stream that does not exist yet.
    public static let none = StreamVersion(0)

    public var next: StreamVersion { StreamVersion(rawValue + 1) }
    public var description: String { String(rawValue) }
    public static func < (lhs: StreamVersion, rhs: StreamVersion) -> Bool { lhs.rawValue < rhs.rawValue }
}
