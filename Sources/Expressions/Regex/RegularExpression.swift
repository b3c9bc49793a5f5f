/// A compiled RE2-syntax regular expression, matched by a Thompson NFA simulation (a Pike VM
/// without captures).
///
/// Matching time is linear in the text for a given pattern — O(text × pattern) — with no
/// backtracking, so a hostile pattern cannot make a rule hang. Matching is on code points and
/// unanchored: `matches` is true when the pattern matches any substring, as CEL specifies.
/// Patterns are limited to 10,000 instructions after expanding counted repetitions.
struct RegularExpression: Sendable {
    struct SyntaxError: Error, Sendable {
        var message: String
    }

    private enum Instruction: Sendable {
        case consume(CharacterClass)
        case any(matchesNewline: Bool)
        case split(Int, Int)
        case jump(Int)
        case assert(RegexAssertion)
        case match
    }

    private let program: [Instruction]
    static let maxInstructions = 10_000

    init(_ pattern: String) throws(SyntaxError) {
        var parser = RegexParser(pattern)
        let tree = try parser.parse()
        var program: [Instruction] = []
        try RegularExpression.emit(tree, into: &program)
        program.append(.match)
        self.program = program
    }

    private static func emit(_ node: RegexNode, into program: inout [Instruction]) throws(SyntaxError) {
        guard program.count < maxInstructions else {
            throw SyntaxError(message: "expression too large; simplify it or reduce repetition counts")
        }
        switch node {
        case .empty:
            break
        case .characters(let set):
            program.append(.consume(set))
        case .any(let newline):
            program.append(.any(matchesNewline: newline))
        case .assertion(let assertion):
            program.append(.assert(assertion))
        case .concatenation(let items):
            for item in items { try emit(item, into: &program) }
        case .alternation(let branches):
            var jumps: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index < branches.count - 1 {
                    let split = program.count
                    program.append(.split(split + 1, -1))
                    try emit(branch, into: &program)
                    jumps.append(program.count)
                    program.append(.jump(-1))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try emit(branch, into: &program)
                }
            }
            for jump in jumps { program[jump] = .jump(program.count) }
        case .repetition(let inner, let min, let max):
            for _ in 0..<min { try emit(inner, into: &program) }
            if let max {
                // Each optional copy: split(body, end-of-all).
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(program.count)
                    program.append(.split(program.count + 1, -1))
                    try emit(inner, into: &program)
                }
                for split in splits { program[split] = .split(split + 1, program.count) }
            } else {
                let loop = program.count
                program.append(.split(loop + 1, -1))
                try emit(inner, into: &program)
                program.append(.jump(loop))
                program[loop] = .split(loop + 1, program.count)
            }
        }
    }

    /// Whether the pattern matches anywhere in `text`.
    func matches(_ text: String) -> Bool {
        let input = text.unicodeScalars.map(\.value)
        var current = ThreadList(capacity: program.count)
        var next = ThreadList(capacity: program.count)
        var stack: [Int] = []
        stack.reserveCapacity(16)
        for position in 0...input.count {
            if add(0, at: position, input, to: &current, stack: &stack) { return true }
            for pc in current.pcs {
                let advances: Bool
                switch program[pc] {
                case .consume(let set): advances = position < input.count && set.matches(input[position])
                case .any(let newline): advances = position < input.count && (newline || input[position] != 0x0A)
                default: advances = false
                }
                if advances, add(pc + 1, at: position + 1, input, to: &next, stack: &stack) { return true }
            }
            swap(&current, &next)
            next.clear()
        }
        return false
    }

    /// Adds `pc` and everything reachable from it without consuming input; true when that
    /// reaches `match`.
    private func add(_ start: Int, at position: Int, _ input: [UInt32], to list: inout ThreadList, stack: inout [Int])
        -> Bool
    {
        stack.append(start)
        while let pc = stack.popLast() {
            guard list.insert(pc) else { continue }
            switch program[pc] {
            case .match:
                stack.removeAll(keepingCapacity: true)
                return true
            case .jump(let target):
                stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .assert(let assertion):
                if holds(assertion, at: position, input) { stack.append(pc + 1) }
            case .consume, .any:
                break
            }
        }
        return false
    }

    private func holds(_ assertion: RegexAssertion, at position: Int, _ input: [UInt32]) -> Bool {
        let before: UInt32? = position > 0 ? input[position - 1] : nil
        let after: UInt32? = position < input.count ? input[position] : nil
        switch assertion {
        case .beginText: return position == 0
        case .endText: return position == input.count
        case .beginLine: return before == nil || before == 0x0A
        case .endLine: return after == nil || after == 0x0A
        case .wordBoundary, .notWordBoundary:
            let boundary = isWord(before) != isWord(after)
            return assertion == .wordBoundary ? boundary : !boundary
        }
    }

    private func isWord(_ c: UInt32?) -> Bool {
        guard let c else { return false }
        return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    }
}

/// A set of program counters with insertion order and O(1) membership (sparse set).
private struct ThreadList {
    private(set) var pcs: [Int] = []
    private var generation: [Int]
    private var stamp = 1

    init(capacity: Int) {
        generation = Array(repeating: 0, count: capacity)
        pcs.reserveCapacity(capacity)
    }

    /// False when already present.
    mutating func insert(_ pc: Int) -> Bool {
        guard generation[pc] != stamp else { return false }
        generation[pc] = stamp
        pcs.append(pc)
        return true
    }

    mutating func clear() {
        pcs.removeAll(keepingCapacity: true)
        stamp += 1
    }
}
