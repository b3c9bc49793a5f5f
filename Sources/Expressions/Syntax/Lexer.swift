/// Splits CEL source into tokens, one at a time, on demand of the parser.
///
/// Works on UTF-8 bytes. Whitespace (`space`, `\t`, `\n`, `\f`, `\r`) and `//` comments are
/// skipped. String and bytes literals are decoded here (escapes, raw and triple-quoted forms),
/// so the parser sees finished values. Cost: linear in the source.
struct Lexer {
    let source: Source
    private var bytes: [UInt8] { source.bytes }
    private(set) var position = 0

    init(_ source: Source) {
        self.source = source
    }

    /// The next token; `.end` once the source is exhausted.
    mutating func next() throws(ExpressionError) -> Token {
        skipTrivia()
        guard position < bytes.count else { return Token(kind: .end, offset: position) }
        let start = position
        let byte = bytes[position]

        if isIdentifierStart(byte) {
            if let literal = try stringWithPrefix() { return literal }
            return identifierOrKeyword()
        }
        if isDigit(byte) || (byte == UInt8(ascii: ".") && position + 1 < bytes.count && isDigit(bytes[position + 1])) {
            return try number()
        }
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            return try string(raw: false, bytes: false, start: start)
        }
        if byte == UInt8(ascii: "`") {
            return try quotedIdentifier()
        }
        position += 1
        let following: UInt8? = position < bytes.count ? bytes[position] : nil
        func two(_ kind: Token.Kind) -> Token {
            position += 1
            return Token(kind: kind, offset: start)
        }
        switch byte {
        case UInt8(ascii: "("): return Token(kind: .leftParen, offset: start)
        case UInt8(ascii: ")"): return Token(kind: .rightParen, offset: start)
        case UInt8(ascii: "["): return Token(kind: .leftBracket, offset: start)
        case UInt8(ascii: "]"): return Token(kind: .rightBracket, offset: start)
        case UInt8(ascii: "{"): return Token(kind: .leftBrace, offset: start)
        case UInt8(ascii: "}"): return Token(kind: .rightBrace, offset: start)
        case UInt8(ascii: "."): return Token(kind: .dot, offset: start)
        case UInt8(ascii: ","): return Token(kind: .comma, offset: start)
        case UInt8(ascii: ":"): return Token(kind: .colon, offset: start)
        case UInt8(ascii: "?"): return Token(kind: .question, offset: start)
        case UInt8(ascii: "+"): return Token(kind: .plus, offset: start)
        case UInt8(ascii: "-"): return Token(kind: .minus, offset: start)
        case UInt8(ascii: "*"): return Token(kind: .star, offset: start)
        case UInt8(ascii: "/"): return Token(kind: .slash, offset: start)
        case UInt8(ascii: "%"): return Token(kind: .percent, offset: start)
        case UInt8(ascii: "!"):
            return following == UInt8(ascii: "=") ? two(.notEqual) : Token(kind: .bang, offset: start)
        case UInt8(ascii: "="):
            if following == UInt8(ascii: "=") { return two(.equal) }
            throw source.error(.syntax, "unexpected '='; use '==' to compare", at: start)
        case UInt8(ascii: "<"):
            return following == UInt8(ascii: "=") ? two(.lessEqual) : Token(kind: .less, offset: start)
        case UInt8(ascii: ">"):
            return following == UInt8(ascii: "=") ? two(.greaterEqual) : Token(kind: .greater, offset: start)
        case UInt8(ascii: "&"):
            if following == UInt8(ascii: "&") { return two(.and) }
            throw source.error(.syntax, "unexpected '&'; use '&&' for logical and", at: start)
        case UInt8(ascii: "|"):
            if following == UInt8(ascii: "|") { return two(.or) }
            throw source.error(.syntax, "unexpected '|'; use '||' for logical or", at: start)
        default:
            position = start
            let scalar = scalar(at: start)
            throw source.error(.syntax, "unexpected character '\(scalar.escaped(asASCII: false))'", at: start)
        }
    }

    // MARK: - Trivia

    private mutating func skipTrivia() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0C, 0x0D:
                position += 1
            case UInt8(ascii: "/") where position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "/"):
                while position < bytes.count, bytes[position] != 0x0A, bytes[position] != 0x0D { position += 1 }
            default:
                return
            }
        }
    }

    // MARK: - Identifiers

    private func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F
    }

    private func isIdentifierPart(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }
    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private mutating func identifierOrKeyword() -> Token {
        let start = position
        while position < bytes.count, isIdentifierPart(bytes[position]) { position += 1 }
        let name = String(decoding: bytes[start..<position], as: UTF8.self)
        switch name {
        case "true": return Token(kind: .true, offset: start)
        case "false": return Token(kind: .false, offset: start)
        case "null": return Token(kind: .null, offset: start)
        case "in": return Token(kind: .in, offset: start)
        default: return Token(kind: .identifier(name), offset: start)
        }
    }

    private mutating func quotedIdentifier() throws(ExpressionError) -> Token {
        let start = position
        position += 1
        let nameStart = position
        while position < bytes.count, bytes[position] != UInt8(ascii: "`") {
            let byte = bytes[position]
            let allowed =
                isIdentifierPart(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "/") || byte == UInt8(ascii: " ")
            guard allowed else {
                throw source.error(
                    .syntax, "a back-quoted name may hold only letters, digits, '_', '.', '-', '/' and spaces",
                    at: position)
            }
            position += 1
        }
        guard position < bytes.count else {
            throw source.error(.syntax, "back-quoted name is not closed; add a '`'", at: start)
        }
        guard position > nameStart else { throw source.error(.syntax, "empty back-quoted name", at: start) }
        let name = String(decoding: bytes[nameStart..<position], as: UTF8.self)
        position += 1
        return Token(kind: .quotedIdentifier(name), offset: start)
    }

    // MARK: - Numbers

    private mutating func number() throws(ExpressionError) -> Token {
        let start = position
        if bytes[position] == UInt8(ascii: "0"), position + 1 < bytes.count,
            bytes[position + 1] | 0x20 == UInt8(ascii: "x"), position + 2 < bytes.count, isHexDigit(bytes[position + 2])
        {
            position += 2
            let digitsStart = position
            while position < bytes.count, isHexDigit(bytes[position]) { position += 1 }
            let digits = String(decoding: bytes[digitsStart..<position], as: UTF8.self)
            if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "u") {
                position += 1
                guard let value = UInt64(digits, radix: 16) else {
                    throw source.error(.syntax, "unsigned integer literal is larger than 2^64-1", at: start)
                }
                return Token(kind: .uint(value), offset: start)
            }
            return Token(kind: .int(text: digits, hex: true), offset: start)
        }
        var isFloat = false
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "."), isDigit(bytes[position + 1]) {
            isFloat = true
            position += 1
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            var probe = position + 1
            if probe < bytes.count, bytes[probe] == UInt8(ascii: "+") || bytes[probe] == UInt8(ascii: "-") {
                probe += 1
            }
            if probe < bytes.count, isDigit(bytes[probe]) {
                isFloat = true
                position = probe
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isFloat {
            guard let value = Double(text) else {
                throw source.error(.syntax, "malformed floating-point literal", at: start)
            }
            return Token(kind: .double(value), offset: start)
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "u") {
            position += 1
            guard let value = UInt64(text) else {
                throw source.error(.syntax, "unsigned integer literal is larger than 2^64-1", at: start)
            }
            return Token(kind: .uint(value), offset: start)
        }
        return Token(kind: .int(text: text, hex: false), offset: start)
    }

    private func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }

    // MARK: - Strings

    /// A string or bytes literal introduced by `r`, `R`, `b`, `B` or `b`/`B` followed by `r`/`R`.
    private mutating func stringWithPrefix() throws(ExpressionError) -> Token? {
        let start = position
        var probe = position
        var isBytes = false
        var isRaw = false
        if bytes[probe] | 0x20 == UInt8(ascii: "b") {
            isBytes = true
            probe += 1
        }
        if probe < bytes.count, bytes[probe] | 0x20 == UInt8(ascii: "r") {
            isRaw = true
            probe += 1
        }
        guard isBytes || isRaw, probe < bytes.count,
            bytes[probe] == UInt8(ascii: "\"") || bytes[probe] == UInt8(ascii: "'")
        else { return nil }
        position = probe
        return try string(raw: isRaw, bytes: isBytes, start: start)
    }

    /// Reads a quoted literal starting at the opening quote and decodes it.
    private mutating func string(raw: Bool, bytes isBytes: Bool, start: Int) throws(ExpressionError) -> Token {
        let quote = bytes[position]
        let triple = position + 2 < bytes.count && bytes[position + 1] == quote && bytes[position + 2] == quote
        position += triple ? 3 : 1
        var out: [UInt8] = []
        while true {
            guard position < bytes.count else {
                throw source.error(.syntax, "string literal is not closed; add the closing quote", at: start)
            }
            let byte = bytes[position]
            if byte == quote {
                if !triple {
                    position += 1
                    break
                }
                if position + 2 < bytes.count, bytes[position + 1] == quote, bytes[position + 2] == quote {
                    position += 3
                    break
                }
            }
            if !triple, byte == 0x0A || byte == 0x0D {
                throw source.error(
                    .syntax, "line break inside a quoted string; use '\\n' or a triple-quoted string", at: position)
            }
            if byte == UInt8(ascii: "\\"), !raw {
                try escape(into: &out, bytes: isBytes)
                continue
            }
            out.append(byte)
            position += 1
        }
        if isBytes { return Token(kind: .bytes(out), offset: start) }
        return Token(kind: .string(String(decoding: out, as: UTF8.self)), offset: start)
    }

    /// Decodes one escape sequence at `position` (which holds the backslash).
    private mutating func escape(into out: inout [UInt8], bytes isBytes: Bool) throws(ExpressionError) {
        let start = position
        position += 1
        guard position < bytes.count else { throw source.error(.syntax, "unfinished escape sequence", at: start) }
        let code = bytes[position]
        position += 1
        switch code {
        case UInt8(ascii: "\\"), UInt8(ascii: "?"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"):
            out.append(code)
        case UInt8(ascii: "a"): out.append(0x07)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "v"): out.append(0x0B)
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            let value = try hexDigits(2, escapeStart: start)
            if isBytes { out.append(UInt8(value)) } else { try appendScalar(value, to: &out, escapeStart: start) }
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            guard !isBytes else {
                throw source.error(
                    .syntax,
                    "'\\\(Character(Unicode.Scalar(code)))' escapes are only valid in strings, not bytes; use '\\x' or octal",
                    at: start)
            }
            let value = try hexDigits(code == UInt8(ascii: "u") ? 4 : 8, escapeStart: start)
            try appendScalar(value, to: &out, escapeStart: start)
        case UInt8(ascii: "0")...UInt8(ascii: "3"):
            guard position + 1 < bytes.count, (0x30...0x37).contains(bytes[position]),
                (0x30...0x37).contains(bytes[position + 1])
            else { throw source.error(.syntax, "octal escape needs three digits, '\\000' to '\\377'", at: start) }
            let value =
                UInt32(code - 0x30) * 64 + UInt32(bytes[position] - 0x30) * 8 + UInt32(bytes[position + 1] - 0x30)
            position += 2
            if isBytes { out.append(UInt8(value)) } else { try appendScalar(value, to: &out, escapeStart: start) }
        case UInt8(ascii: "4")...UInt8(ascii: "9"):
            throw source.error(.syntax, "octal escape needs three digits, '\\000' to '\\377'", at: start)
        default:
            throw source.error(
                .syntax, "invalid escape sequence '\\\(Character(scalar(at: position - 1)))'", at: start)
        }
    }

    private mutating func hexDigits(_ count: Int, escapeStart: Int) throws(ExpressionError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard position < bytes.count, isHexDigit(bytes[position]) else {
                throw source.error(.syntax, "escape sequence needs \(count) hexadecimal digits", at: escapeStart)
            }
            let byte = bytes[position] | 0x20
            value = value * 16 + UInt32(byte <= 0x39 ? byte - 0x30 : byte - 0x61 + 10)
            position += 1
        }
        return value
    }

    private func appendScalar(_ value: UInt32, to out: inout [UInt8], escapeStart: Int) throws(ExpressionError) {
        guard let scalar = Unicode.Scalar(value) else {
            throw source.error(.syntax, "escape names an invalid Unicode code point", at: escapeStart)
        }
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    private func scalar(at offset: Int) -> Unicode.Scalar {
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return String(decoding: bytes[offset..<end], as: UTF8.self).unicodeScalars.first ?? "?"
    }
}
