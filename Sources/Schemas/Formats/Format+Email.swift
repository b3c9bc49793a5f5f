extension Format {
    /// An RFC 5321 `Mailbox`: `Local-part "@" ( Domain / address-literal )`.
    ///
    /// The local part is a dot-string of RFC 5322 `atext` (no leading, trailing or
    /// doubled dots) or a quoted string; the domain is a host name or a bracketed
    /// IPv4 or `IPv6:` literal. Lengths follow RFC 5321 §4.5.3.1 (local part 64,
    /// domain 255). Display names (`"Jane" <jane@x.com>`) and lists are refused.
    static func isEmail(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let at = localPartEnd(b), at > 0, at <= 64, at + 1 < b.count else { return false }
        let domain = b[(at + 1)...]
        guard domain.count <= 255 else { return false }
        if domain.first == UInt8(ascii: "[") {
            guard domain.last == UInt8(ascii: "]"), domain.count > 2 else { return false }
            let inner = b[(domain.startIndex + 1)..<(domain.endIndex - 1)]
            if inner.count > 5, inner.starts(with: "IPv6:".utf8) {
                return isIPv6(inner.dropFirst(5))
            }
            return isIPv4(inner)
        }
        return isHostname(domain)
    }

    /// The index of the `@` that ends a valid local part, or `nil`.
    private static func localPartEnd(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = b.first else { return nil }
        var i = 0
        if first == UInt8(ascii: "\"") {
            i = 1
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\\") {
                    guard i + 1 < b.count, b[i + 1] >= 0x20, b[i + 1] < 0x7F else { return nil }
                    i += 2
                    continue
                }
                if c == UInt8(ascii: "\"") { break }
                // qtextSMTP: printable ASCII except `"` and `\`, plus space.
                guard c >= 0x20, c < 0x7F else { return nil }
                i += 1
            }
            guard i < b.count, i + 1 < b.count, b[i + 1] == UInt8(ascii: "@") else { return nil }
            return i + 1
        }
        var previousWasDot = true  // a leading dot is as bad as a doubled one
        while i < b.count, b[i] != UInt8(ascii: "@") {
            let c = b[i]
            if c == UInt8(ascii: ".") {
                if previousWasDot { return nil }
                previousWasDot = true
            } else {
                guard isAtext(c) else { return nil }
                previousWasDot = false
            }
            i += 1
        }
        guard i < b.count, !previousWasDot else { return nil }
        return i
    }

    /// RFC 5322 `atext`.
    private static func isAtext(_ c: UInt8) -> Bool {
        if isAlpha(c) || isDigit(c) { return true }
        switch c {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
            UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
            UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
