extension Format {
    /// RFC 1123 host name: dot-separated labels of letters, digits and hyphens, each
    /// 1–63 long and not starting or ending with a hyphen; 253 bytes at most.
    static func isHostname(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard !b.isEmpty, b.count <= 253 else { return false }
        var labelLength = 0
        var previous: UInt8 = UInt8(ascii: ".")
        for c in b {
            if c == UInt8(ascii: ".") {
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                labelLength = 0
            } else {
                guard isAlpha(c) || isDigit(c) || c == UInt8(ascii: "-") else { return false }
                if labelLength == 0, c == UInt8(ascii: "-") { return false }
                labelLength += 1
                guard labelLength <= 63 else { return false }
            }
            previous = c
        }
        return labelLength > 0 && previous != UInt8(ascii: "-")
    }

    /// RFC 2673 dotted-quad: four decimal octets 0–255 without leading zeros.
    static func isIPv4(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var octets = 0
        var value = 0
        var digits = 0
        var leadingZero = false
        for c in b {
            if c == UInt8(ascii: ".") {
                guard digits > 0, octets < 3 else { return false }
                octets += 1
                value = 0
                digits = 0
                continue
            }
            guard isDigit(c) else { return false }
            if digits == 0 { leadingZero = c == UInt8(ascii: "0") } else if leadingZero { return false }
            value = value * 10 + Int(c - 0x30)
            digits += 1
            guard value <= 255 else { return false }
        }
        return octets == 3 && digits > 0
    }

    /// RFC 4291 §2.2 text form: eight groups of 1–4 hex digits, one `::` allowed to
    /// stand for one or more zero groups, optionally ending in a dotted-quad IPv4.
    static func isIPv6(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard b.count >= 2, b.count <= 45 else { return false }
        var groups = 0
        var compressed = false
        var i = b.startIndex
        if b[i] == UInt8(ascii: ":") {
            guard b[i + 1] == UInt8(ascii: ":") else { return false }
            compressed = true
            i += 2
            if i == b.endIndex { return true }
        }
        while i < b.endIndex {
            let start = i
            while i < b.endIndex, isHexDigit(b[i]), i - start < 5 { i += 1 }
            if i < b.endIndex, b[i] == UInt8(ascii: ".") {
                // An embedded IPv4 address takes the last two groups.
                guard isIPv4(b[start...]) else { return false }
                groups += 2
                i = b.endIndex
                break
            }
            let length = i - start
            guard length >= 1, length <= 4 else { return false }
            groups += 1
            if i == b.endIndex { break }
            guard b[i] == UInt8(ascii: ":") else { return false }
            i += 1
            if i < b.endIndex, b[i] == UInt8(ascii: ":") {
                guard !compressed else { return false }
                compressed = true
                i += 1
                if i == b.endIndex { break }
            } else if i == b.endIndex {
                return false
            }
        }
        return compressed ? groups < 8 : groups == 8
    }
}
