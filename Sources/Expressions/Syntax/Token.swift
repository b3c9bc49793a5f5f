/// One lexical element of a CEL expression.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        /// A back-quoted name, only valid after `.` or in field initialisers: `` x.`content-type` ``.
        case quotedIdentifier(String)
        /// The digits of a decimal or hexadecimal integer literal, without sign; decoded by the
        /// parser, which knows whether a minus sign precedes it.
        case int(text: String, hex: Bool)
        case uint(UInt64)
        case double(Double)
        case string(String)
        case bytes([UInt8])
        case `true`, `false`, null, `in`
        case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
        case dot, comma, colon, question
        case plus, minus, star, slash, percent, bang
        case equal, notEqual, less, lessEqual, greater, greaterEqual
        case and, or
        case end
    }

    var kind: Kind
    /// UTF-8 offset of the token's first byte.
    var offset: Int

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .quotedIdentifier(let name): return "'`\(name)`'"
        case .int(let text, let hex): return "'\(hex ? "0x" : "")\(text)'"
        case .uint(let value): return "'\(value)u'"
        case .double(let value): return "'\(value)'"
        case .string: return "a string literal"
        case .bytes: return "a bytes literal"
        case .true: return "'true'"
        case .false: return "'false'"
        case .null: return "'null'"
        case .in: return "'in'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .leftBrace: return "'{'"
        case .rightBrace: return "'}'"
        case .dot: return "'.'"
        case .comma: return "','"
        case .colon: return "':'"
        case .question: return "'?'"
        case .plus: return "'+'"
        case .minus: return "'-'"
        case .star: return "'*'"
        case .slash: return "'/'"
        case .percent: return "'%'"
        case .bang: return "'!'"
        case .equal: return "'=='"
        case .notEqual: return "'!='"
        case .less: return "'<'"
        case .lessEqual: return "'<='"
        case .greater: return "'>'"
        case .greaterEqual: return "'>='"
        case .and: return "'&&'"
        case .or: return "'||'"
        case .end: return "the end of the expression"
        }
    }
}
