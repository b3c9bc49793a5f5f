/// A compiled regular expression: instructions for the backtracking ``RegexMachine``.
///
/// Counted repetition is unrolled (`a{2,4}` becomes two copies and two optional
/// copies), so a program is capped at ``maximumSize`` instructions; a loop whose
/// body can match the empty string carries the ECMA-262 empty-iteration check.
struct RegexProgram: Sendable {
    enum Instruction: Sendable {
        /// One ASCII byte.
        case byte(UInt8)
        /// One scalar out of `sets[index]`.
        case set(Int)
        /// Greedily as many scalars of `sets[index]` as there are (at least `min`, at
        /// most `max`), giving them back one at a time on backtracking: `[a-z]*` in one
        /// instruction and one backtrack entry instead of one per character.
        case repeatSet(Int, min: Int, max: Int)
        /// Continue at `prefer`; on failure, backtrack to `alternative`.
        case split(prefer: Int, alternative: Int)
        case jump(Int)
        /// Records the current position in capture slot `n` (2 per group).
        case save(Int)
        case inputStart
        case inputEnd
        case wordBoundary(negated: Bool)
        case backreference(Int)
        /// Runs `subprograms[index]` here without consuming input.
        case lookaround(Int, ahead: Bool, negated: Bool)
        /// Remembers the position in register `n`, for ``requireProgress``.
        case markPosition(Int)
        /// Fails when the position equals register `n`: the loop iteration matched nothing.
        case requireProgress(Int)
        /// Fails unless the position is where the enclosing lookbehind started.
        case atTarget
        case match
    }

    static let maximumSize = 100_000

    var instructions: [Instruction] = []
    var sets: [ScalarSet] = []
    var subprograms: [RegexProgram] = []
    /// Capture slots: two per group, group 0 included.
    var slotCount = 2
    var registerCount = 0
    /// Whether the program can only match at offset 0 (it begins with `^`).
    var anchoredAtStart = false
    /// Whether any instruction reads capture slots (so they must be kept even when the
    /// caller does not ask for captures).
    var usesBackreferences = false
    /// An ASCII byte every match must start with, for skipping start positions.
    var firstByte: UInt8?

    /// Compiles `node` (with `captures` groups) into a program.
    init(_ node: RegexNode, captures: Int) throws(RegexSyntaxError) {
        slotCount = 2 * (captures + 1)
        var compiler = Compiler(program: self)
        compiler.emit(.save(0))
        try compiler.compile(node)
        compiler.emit(.save(1))
        compiler.emit(.match)
        self = compiler.program
        if instructions.count > 1 {
            switch instructions[1] {
            case .inputStart: anchoredAtStart = true
            case .byte(let b): firstByte = b
            default: break
            }
        }
    }

    private init(subprogramOf parent: RegexProgram) {
        slotCount = parent.slotCount
    }

    private struct Compiler {
        var program: RegexProgram

        mutating func emit(_ instruction: Instruction) {
            program.instructions.append(instruction)
        }

        var here: Int { program.instructions.count }

        mutating func compile(_ node: RegexNode) throws(RegexSyntaxError) {
            guard program.instructions.count < RegexProgram.maximumSize else {
                throw RegexSyntaxError(reason: "the pattern is too large once its repetitions are expanded", offset: 0)
            }
            switch node {
            case .empty:
                break
            case .set(let set):
                if let scalar = set.singleScalar, scalar < 0x80 {
                    emit(.byte(UInt8(scalar)))
                } else {
                    program.sets.append(set)
                    emit(.set(program.sets.count - 1))
                }
            case .inputStart:
                emit(.inputStart)
            case .inputEnd:
                emit(.inputEnd)
            case .wordBoundary(let negated):
                emit(.wordBoundary(negated: negated))
            case .group(let inner, let capture):
                if let capture { emit(.save(2 * capture)) }
                try compile(inner)
                if let capture { emit(.save(2 * capture + 1)) }
            case .backreference(let n):
                program.usesBackreferences = true
                emit(.backreference(n))
            case .concatenation(let terms):
                for term in terms { try compile(term) }
            case .alternation(let choices):
                var jumpsToEnd: [Int] = []
                for (i, choice) in choices.enumerated() {
                    if i < choices.count - 1 {
                        let split = here
                        emit(.split(prefer: split + 1, alternative: -1))
                        try compile(choice)
                        jumpsToEnd.append(here)
                        emit(.jump(-1))
                        program.instructions[split] = .split(prefer: split + 1, alternative: here)
                    } else {
                        try compile(choice)
                    }
                }
                for j in jumpsToEnd { program.instructions[j] = .jump(here) }
            case .quantified(let inner, let min, let max, let greedy):
                try compileQuantified(inner, min: min, max: max, greedy: greedy)
            case .lookaround(let inner, let ahead, let negated):
                var sub = Compiler(program: RegexProgram(subprogramOf: program))
                sub.program.registerCount = program.registerCount
                try sub.compile(inner)
                if !ahead { sub.emit(.atTarget) }
                sub.emit(.match)
                program.registerCount = sub.program.registerCount
                program.usesBackreferences = program.usesBackreferences || sub.program.usesBackreferences
                program.subprograms.append(sub.program)
                emit(.lookaround(program.subprograms.count - 1, ahead: ahead, negated: negated))
            }
        }

        private mutating func compileQuantified(_ inner: RegexNode, min: Int, max: Int?, greedy: Bool) throws(RegexSyntaxError) {
            if greedy, case .set(let set) = inner, max ?? Int.max > 1 {
                program.sets.append(set)
                emit(.repeatSet(program.sets.count - 1, min: min, max: max ?? Int.max))
                return
            }
            for _ in 0..<min { try compile(inner) }
            let checkEmpty = inner.canMatchEmpty
            if max == nil {
                let loop = here
                emit(.split(prefer: -1, alternative: -1))
                let body = here
                let register = program.registerCount
                if checkEmpty {
                    program.registerCount += 1
                    emit(.markPosition(register))
                }
                try compile(inner)
                if checkEmpty { emit(.requireProgress(register)) }
                emit(.jump(loop))
                let exit = here
                program.instructions[loop] = greedy ? .split(prefer: body, alternative: exit) : .split(prefer: exit, alternative: body)
                return
            }
            let optional = max! - min
            guard optional > 0 else { return }
            var splits: [Int] = []
            for _ in 0..<optional {
                splits.append(here)
                emit(.split(prefer: -1, alternative: -1))
                let register = program.registerCount
                if checkEmpty {
                    program.registerCount += 1
                    emit(.markPosition(register))
                }
                try compile(inner)
                if checkEmpty { emit(.requireProgress(register)) }
            }
            let exit = here
            for s in splits {
                program.instructions[s] = greedy ? .split(prefer: s + 1, alternative: exit) : .split(prefer: exit, alternative: s + 1)
            }
        }
    }
}
