/// An RFC 6901 JSON Pointer such as `/data/amount` or `/items/0`.
///
/// Used to say *where* in a document something is wrong. Tokens are kept unescaped;
/// the textual form escapes `~` as `~0` and `/` as `~1`.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The reference tokens, unescaped.
    public var tokens: [String]

    /// The pointer to the whole document (`""`).
    public static let root = JSONPointer(tokens: [])

    public init(tokens: [String]) { self.tokens = tokens }

    /// Parses the textual form; `nil` when it does not start with `/` (and is not empty)
    /// or holds an invalid `~` escape.
    public init?(parsing text: String) {
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else { return nil }
        var result: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var iterator = raw.makeIterator()
            while let c = iterator.next() {
                if c == "~" {
                    switch iterator.next() {
                    case "0": token.append("~")
                    case "1": token.append("/")
                    default: return nil
                    }
                } else {
                    token.append(c)
                }
            }
            result.append(token)
        }
        tokens = result
    }

    public init(stringLiteral value: String) {
        guard let parsed = JSONPointer(parsing: value) else { preconditionFailure("invalid JSON pointer literal \(value)") }
        self = parsed
    }

    /// This pointer with one more token.
    public func appending(_ token: String) -> JSONPointer {
        var copy = self
        copy.tokens.append(token)
        return copy
    }

    /// This pointer with one more array index.
    public func appending(_ index: Int) -> JSONPointer { appending(String(index)) }

    public var description: String {
        var out = ""
        for token in tokens {
            out += "/"
            for c in token {
                switch c {
                case "~": out += "~0"
                case "/": out += "~1"
                default: out.append(c)
                }
            }
        }
        return out
    }
}
