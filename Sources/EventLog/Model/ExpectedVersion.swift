/// What an appender believes a stream's version is before its event lands: the
/// optimistic-concurrency check of an append.
public enum ExpectedVersion: Sendable, Hashable, CustomStringConvertible {
    /// No check.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must be exactly at this version (its last event has this version).
    case exact(StreamVersion)

    /// Whether a stream currently at `actual` satisfies the expectation.
    public func isSatisfied(by actual: StreamVersion) -> Bool {
        switch self {
        case .any: return true
        case .noStream: return actual == .none
        case .exact(let expected): return expected == actual
        }
    }

    /// Parses the command-line and JSON Lines forms: `any`, `no-stream`, or a number.
    /// `0` is accepted as `no-stream`'s numeric spelling and means the same. A number is
    /// digits only: `UInt64` alone would take `+1` too.
    public init?(parsing text: String) {
        switch text {
        case "any": self = .any
        case "no-stream", "noStream": self = .noStream
        default:
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let n = UInt64(text) else {
                return nil
            }
            self = n == 0 ? .noStream : .exact(StreamVersion(n))
        }
    }

    public var description: String {
        switch self {
        case .any: return "any"
        case .noStream: return "no-stream"
        case .exact(let v): return String(v.rawValue)
        }
    }
}
