import Foundation

/// A `$regex` pattern compiled once, or the knowledge that it does not compile.
///
/// GrowthBook evaluates `$regex` with JavaScript's `RegExp(pattern).test(String(value))`
/// and treats a pattern that fails to compile as a failed match. This uses
/// `NSRegularExpression` (ICU syntax), which accepts the JavaScript patterns found in
/// targeting rules: classes, groups, alternation, anchors, quantifiers, look-around.
/// Matching is a search, not a whole-string match, as with `test`.
///
/// Cost: compiled when the condition is built; each match is one ICU search over the
/// value's UTF-16 text.
public final class RegexPattern: @unchecked Sendable {
    // NSRegularExpression is immutable after creation and documented thread-safe for matching.
    private let regex: NSRegularExpression?

    /// The pattern text as written in the condition.
    public let pattern: String
    public let caseInsensitive: Bool

    public init(_ pattern: String, caseInsensitive: Bool) {
        self.pattern = pattern
        self.caseInsensitive = caseInsensitive
        regex = try? NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
    }

    /// Whether the pattern compiled.
    public var isValid: Bool { regex != nil }

    /// Whether the pattern matches somewhere in `text`; `nil` when the pattern is invalid.
    public func matches(_ text: String) -> Bool? {
        guard let regex else { return nil }
        let range = NSRange(location: 0, length: text.utf16.count)
        return regex.firstMatch(in: text, options: [], range: range) != nil
    }
}
