import JSON

/// GrowthBook's comparable form of a version string, used by `$veq`, `$vgt` and friends.
///
/// `"v1.2.3-rc.1+build"` becomes `"    1-    2-    3-rc-    1"`: the leading `v` and build
/// metadata are dropped, the text is split on `-` and `.`, numeric parts are left-padded
/// with spaces to five characters so that `" 9" < "10"`, and a plain `major.minor.patch`
/// gets a `~` part so that a release sorts after its pre-releases (`~` is the largest
/// printable ASCII character). Two versions then compare as JavaScript strings.
public struct PaddedVersion: Sendable, Hashable, Comparable {
    /// The padded text.
    public let text: String

    /// Pads `input` as GrowthBook's `paddedVersionString` does: numbers are written as
    /// JavaScript writes them, anything that is not a non-empty string becomes `"0"`.
    public init(_ input: JSONValue) {
        var raw: String
        switch input {
        case .number: raw = input.javaScriptString
        case .string(let s): raw = s
        default: raw = ""
        }
        if raw.isEmpty { raw = "0" }
        self.init(text: raw)
    }

    /// Pads the version string `raw`.
    public init(text raw: String) {
        var s = Substring(raw)
        if s.hasPrefix("v") { s = s.dropFirst() }
        // `\+.*$`: `.` stops at a line terminator, so only the last line's build part goes.
        if let plus = s.indices.first(where: { s[$0] == "+" && !s[$0...].contains(where: \.isNewline) }) {
            s = s[..<plus]
        }
        var parts = s.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "." })
        if parts.count == 3 { parts.append("~") }
        text = parts.map { part -> String in
            let isNumeric = !part.isEmpty && part.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
            guard isNumeric, part.count < 5 else { return String(part) }
            return String(repeating: " ", count: 5 - part.count) + part
        }.joined(separator: "-")
    }

    public static func < (lhs: PaddedVersion, rhs: PaddedVersion) -> Bool {
        JavaScriptString.lessThan(lhs.text, rhs.text)
    }

    public static func == (lhs: PaddedVersion, rhs: PaddedVersion) -> Bool {
        JavaScriptString.equal(lhs.text, rhs.text)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(Array(text.utf8)) }
}
