/// A recursive-descent parser for the CEL grammar (cel-spec `langdef.md`, "Syntax").
///
///     Expr           = ConditionalOr ["?" ConditionalOr ":" Expr]
///     ConditionalOr  = [ConditionalOr "||"] ConditionalAnd
///     ConditionalAnd = [ConditionalAnd "&&"] Relation
///     Relation       = [Relation Relop] Addition
///     Addition       = [Addition ("+" | "-")] Multiplication
///     Multiplication = [Multiplication ("*" | "/" | "%")] Unary
///     Unary          = Member | "!" {"!"} Member | "-" {"-"} Member
///     Member         = Primary | Member "." IDENT ["(" [ExprList] ")"] | Member "[" Expr "]"
///     Primary        = ["."] IDENT ["(" [ExprList] ")"] | "(" Expr ")" | "[" [ExprList] "]"
///                    | "{" [MapInits] "}" | LITERAL
///
/// plus the optional syntax (`e.?f`, `e[?i]`, `[?e]`, `{?k: v}`). Chains of `&&` and `||` are
/// built as balanced trees, as cel-go does, so long conjunctions stay shallow. Macros are
/// expanded as calls are built (see `Parser+Macros.swift`). Cost: linear in the source.
struct Parser {
    private var lexer: Lexer
    private var token: Token
    private let limits: Limits
    let expandMacros: Bool
    private var nextID = 1
    /// Brackets, calls, lists and maps open around the current token: every
    /// ``parseExpr()`` is one level, the whole expression's level 0.
    private var nesting = -1

    private static let reservedWords: Set<String> = [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop",
        "package", "namespace", "return", "var", "void", "while",
    ]

    /// Parses a whole expression, enforcing `limits.maxSourceLength` and `maxNestingDepth`.
    static func parse(_ source: Source, limits: Limits, macros: Bool = true) throws(ExpressionError) -> Expr {
        guard source.bytes.count <= limits.maxSourceLength else {
            throw ExpressionError(
                .limitExceeded,
                "expression is \(source.bytes.count) bytes long, more than the limit of \(limits.maxSourceLength); "
                    + "split the condition or raise Limits.maxSourceLength")
        }
        var parser = try Parser(source: source, limits: limits, macros: macros)
        let expr = try parser.parseExpr()
        guard case .end = parser.token.kind else {
            throw parser.unexpected("an operator or the end of the expression")
        }
        return expr
    }

    private init(source: Source, limits: Limits, macros: Bool) throws(ExpressionError) {
        self.lexer = Lexer(source)
        self.limits = limits
        self.expandMacros = macros
        self.token = Token(kind: .end, offset: 0)
        self.token = try lexer.next()
    }

    var source: Source { lexer.source }

    // MARK: - Token handling

    private mutating func advance() throws(ExpressionError) {
        token = try lexer.next()
    }

    private func peek() throws(ExpressionError) -> Token {
        var copy = lexer
        return try copy.next()
    }

    private mutating func expect(_ kind: Token.Kind, _ what: String) throws(ExpressionError) {
        guard token.kind == kind else { throw unexpected(what) }
        try advance()
    }

    func unexpected(_ expected: String) -> ExpressionError {
        source.error(.syntax, "expected \(expected) but found \(token.display)", at: token.offset)
    }

    private mutating func enter() throws(ExpressionError) {
        nesting += 1
        guard nesting <= limits.maxNestingDepth else {
            throw source.error(
                .limitExceeded,
                "expression nests deeper than the limit of \(limits.maxNestingDepth) levels "
                    + "(each parenthesis, call, index, list, map and conditional opens one); simplify it or raise Limits.maxNestingDepth",
                at: token.offset)
        }
    }

    private mutating func leave() { nesting -= 1 }

    // MARK: - Node construction

    /// Builds a node, checking the tree height against the nesting limit.
    mutating func node(_ kind: Expr.Kind, at offset: Int) throws(ExpressionError) -> Expr {
        var expr = Expr(id: nextID, offset: offset, kind: kind, depth: 1)
        nextID += 1
        expr.depth = 1 + (expr.children.map(\.depth).max() ?? 0)
        guard expr.depth <= limits.maxNestingDepth else {
            throw source.error(
                .limitExceeded,
                "expression is deeper than the limit of \(limits.maxNestingDepth) levels "
                    + "(each operator, call, selection, list and map adds one, so a + b + c is 3 deep); split it or raise Limits.maxNestingDepth",
                at: offset)
        }
        return expr
    }

    private mutating func call(_ function: String, _ args: [Expr], at offset: Int) throws(ExpressionError) -> Expr {
        try node(.call(Expr.Call(function: function, target: nil, args: args)), at: offset)
    }

    // MARK: - Grammar

    private mutating func parseExpr() throws(ExpressionError) -> Expr {
        try enter()
        defer { leave() }
        let condition = try parseLogical(or: true)
        guard case .question = token.kind else { return condition }
        let offset = token.offset
        try advance()
        let whenTrue = try parseLogical(or: true)
        try expect(.colon, "':' of the conditional 'c ? a : b'")
        let whenFalse = try parseExpr()
        return try call("_?_:_", [condition, whenTrue, whenFalse], at: offset)
    }

    /// `||` chains (or `&&` chains when `or` is false), as balanced trees.
    private mutating func parseLogical(or: Bool) throws(ExpressionError) -> Expr {
        var terms = [try parseLogicalTerm(or: or)]
        var operators: [Int] = []
        while token.kind == (or ? .or : .and) {
            operators.append(token.offset)
            try advance()
            terms.append(try parseLogicalTerm(or: or))
        }
        return try balance(terms[...], operators[...], function: or ? "_||_" : "_&&_")
    }

    private mutating func parseLogicalTerm(or: Bool) throws(ExpressionError) -> Expr {
        if or { return try parseLogical(or: false) }
        return try parseRelation()
    }

    private mutating func balance(
        _ terms: ArraySlice<Expr>, _ operators: ArraySlice<Int>, function: String
    ) throws(ExpressionError) -> Expr {
        if terms.count == 1 { return terms[terms.startIndex] }
        let middle = terms.startIndex + terms.count / 2
        let left = try balance(terms[..<middle], operators[..<(middle - 1)], function: function)
        let right = try balance(terms[middle...], operators[middle...], function: function)
        return try call(function, [left, right], at: operators[middle - 1])
    }

    private mutating func parseRelation() throws(ExpressionError) -> Expr {
        var left = try parseAddition()
        while true {
            let function: String
            switch token.kind {
            case .less: function = "_<_"
            case .lessEqual: function = "_<=_"
            case .greater: function = "_>_"
            case .greaterEqual: function = "_>=_"
            case .equal: function = "_==_"
            case .notEqual: function = "_!=_"
            case .in: function = "@in"
            default: return left
            }
            let offset = token.offset
            try advance()
            let right = try parseAddition()
            left = try call(function, [left, right], at: offset)
        }
    }

    private mutating func parseAddition() throws(ExpressionError) -> Expr {
        var left = try parseMultiplication()
        while token.kind == .plus || token.kind == .minus {
            let function = token.kind == .plus ? "_+_" : "_-_"
            let offset = token.offset
            try advance()
            let right = try parseMultiplication()
            left = try call(function, [left, right], at: offset)
        }
        return left
    }

    private mutating func parseMultiplication() throws(ExpressionError) -> Expr {
        var left = try parseUnary()
        while true {
            let function: String
            switch token.kind {
            case .star: function = "_*_"
            case .slash: function = "_/_"
            case .percent: function = "_%_"
            default: return left
            }
            let offset = token.offset
            try advance()
            let right = try parseUnary()
            left = try call(function, [left, right], at: offset)
        }
    }

    private mutating func parseUnary() throws(ExpressionError) -> Expr {
        switch token.kind {
        case .bang:
            var offsets: [Int] = []
            while token.kind == .bang {
                offsets.append(token.offset)
                try advance()
            }
            var operand = try parseMember()
            for offset in offsets.reversed() { operand = try call("!_", [operand], at: offset) }
            return operand
        case .minus:
            var offsets: [Int] = []
            while token.kind == .minus {
                offsets.append(token.offset)
                try advance()
            }
            var operand: Expr
            // The minus closest to a numeric literal belongs to it, so -9223372036854775808 fits.
            switch token.kind {
            case .int, .double:
                let offset = offsets.removeLast()
                operand = try parseMember(negatedLiteralAt: offset)
            default:
                operand = try parseMember()
            }
            for offset in offsets.reversed() { operand = try call("-_", [operand], at: offset) }
            return operand
        default:
            return try parseMember()
        }
    }

    private mutating func parseMember(negatedLiteralAt: Int? = nil) throws(ExpressionError) -> Expr {
        var operand = try parsePrimary(negatedLiteralAt: negatedLiteralAt)
        while true {
            switch token.kind {
            case .dot:
                operand = try parseSelection(of: operand)
            case .leftBracket:
                let offset = token.offset
                try advance()
                var function = "_[_]"
                if token.kind == .question {
                    function = "_[?_]"
                    try advance()
                }
                let index = try parseExpr()
                try expect(.rightBracket, "']' to close the index")
                operand = try call(function, [operand, index], at: offset)
            case .leftBrace:
                guard let typeName = operand.qualifiedName else { return operand }
                operand = try parseMessage(typeName, at: operand.offset)
            default:
                return operand
            }
        }
    }

    /// `.name`, `.?name`, `` .`quoted name` `` or a receiver call `.name(args)`.
    private mutating func parseSelection(of operand: Expr) throws(ExpressionError) -> Expr {
        let dotOffset = token.offset
        try advance()
        var optional = false
        if token.kind == .question {
            optional = true
            try advance()
        }
        let nameOffset = token.offset
        let name: String
        var quoted = false
        switch token.kind {
        case .identifier(let identifier): name = identifier
        case .quotedIdentifier(let identifier):
            name = identifier
            quoted = true
        default: throw unexpected("a field or function name after '.'")
        }
        try advance()
        if token.kind == .leftParen, !optional, !quoted {
            let args = try parseArguments()
            return try receiverCall(name, target: operand, args: args, at: nameOffset)
        }
        return try node(.select(operand, field: name, mode: optional ? .optional : .value), at: dotOffset)
    }

    private mutating func parseArguments() throws(ExpressionError) -> [Expr] {
        try expect(.leftParen, "'('")
        var args: [Expr] = []
        if token.kind != .rightParen {
            args.append(try parseExpr())
            while token.kind == .comma {
                try advance()
                args.append(try parseExpr())
            }
        }
        try expect(.rightParen, "',' or ')' in the argument list")
        return args
    }

    private mutating func parsePrimary(negatedLiteralAt: Int?) throws(ExpressionError) -> Expr {
        let offset = token.offset
        switch token.kind {
        case .int(let text, let hex):
            try advance()
            return try node(
                .literal(.int(try intLiteral(text, hex: hex, negated: negatedLiteralAt != nil, at: offset))),
                at: negatedLiteralAt ?? offset)
        case .double(let value):
            try advance()
            return try node(.literal(.double(negatedLiteralAt == nil ? value : -value)), at: negatedLiteralAt ?? offset)
        case .uint(let value):
            try advance()
            return try node(.literal(.uint(value)), at: offset)
        case .string(let value):
            try advance()
            return try node(.literal(.string(value)), at: offset)
        case .bytes(let value):
            try advance()
            return try node(.literal(.bytes(value)), at: offset)
        case .true:
            try advance()
            return try node(.literal(.bool(true)), at: offset)
        case .false:
            try advance()
            return try node(.literal(.bool(false)), at: offset)
        case .null:
            try advance()
            return try node(.literal(.null), at: offset)
        case .dot:
            // A leading dot names the root scope; with no containers it changes nothing.
            try advance()
            guard case .identifier = token.kind else { throw unexpected("a name after the leading '.'") }
            return try parsePrimary(negatedLiteralAt: nil)
        case .identifier(let name):
            guard !Parser.reservedWords.contains(name) else {
                throw source.error(.syntax, "'\(name)' is a reserved word and cannot be used as a name", at: offset)
            }
            try advance()
            if token.kind == .leftParen {
                let args = try parseArguments()
                return try globalCall(name, args: args, at: offset)
            }
            return try node(.identifier(name), at: offset)
        case .leftParen:
            try advance()
            var inner = try parseExpr()
            try expect(.rightParen, "')'")
            inner.isParenthesized = true
            return inner
        case .leftBracket:
            return try parseList()
        case .leftBrace:
            return try parseMap()
        case .quotedIdentifier:
            throw source.error(
                .syntax, "a back-quoted name is only valid after '.', as in x.`content-type`", at: offset)
        default:
            throw unexpected("an expression")
        }
    }

    private func intLiteral(_ text: String, hex: Bool, negated: Bool, at offset: Int) throws(ExpressionError) -> Int64 {
        guard let magnitude = UInt64(text, radix: hex ? 16 : 10) else {
            throw source.error(.syntax, "integer literal does not fit in 64 bits", at: offset)
        }
        if negated {
            guard magnitude <= UInt64(Int64.max) + 1 else {
                throw source.error(.syntax, "integer literal is smaller than -2^63", at: offset)
            }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else {
            throw source.error(
                .syntax, "integer literal is larger than 2^63-1; add a 'u' suffix for an unsigned integer", at: offset)
        }
        return Int64(magnitude)
    }

    private mutating func parseList() throws(ExpressionError) -> Expr {
        let offset = token.offset
        try advance()
        var elements: [Expr] = []
        var optionalIndices: [Int] = []
        while token.kind != .rightBracket {
            if token.kind == .question {
                optionalIndices.append(elements.count)
                try advance()
            }
            elements.append(try parseExpr())
            guard token.kind == .comma else { break }
            try advance()
        }
        try expect(.rightBracket, "',' or ']' in the list")
        return try node(.list(elements, optionalIndices: optionalIndices), at: offset)
    }

    private mutating func parseMap() throws(ExpressionError) -> Expr {
        let offset = token.offset
        try advance()
        var entries: [Expr.MapEntry] = []
        while token.kind != .rightBrace {
            let entryOffset = token.offset
            var isOptional = false
            if token.kind == .question {
                isOptional = true
                try advance()
            }
            let key = try parseExpr()
            try expect(.colon, "':' between a map key and its value")
            let value = try parseExpr()
            entries.append(Expr.MapEntry(key: key, value: value, isOptional: isOptional, offset: entryOffset))
            guard token.kind == .comma else { break }
            try advance()
        }
        try expect(.rightBrace, "',' or '}' in the map")
        return try node(.map(entries), at: offset)
    }

    private mutating func parseMessage(_ typeName: String, at offset: Int) throws(ExpressionError) -> Expr {
        try advance()
        var fields: [Expr.MapEntry] = []
        while token.kind != .rightBrace {
            let fieldOffset = token.offset
            var isOptional = false
            if token.kind == .question {
                isOptional = true
                try advance()
            }
            let name: String
            switch token.kind {
            case .identifier(let identifier), .quotedIdentifier(let identifier): name = identifier
            default: throw unexpected("a field name")
            }
            let key = try node(.literal(.string(name)), at: token.offset)
            try advance()
            try expect(.colon, "':' after the field name")
            let value = try parseExpr()
            fields.append(Expr.MapEntry(key: key, value: value, isOptional: isOptional, offset: fieldOffset))
            guard token.kind == .comma else { break }
            try advance()
        }
        try expect(.rightBrace, "',' or '}' in the message")
        return try node(.message(typeName: typeName, fields: fields), at: offset)
    }
}
