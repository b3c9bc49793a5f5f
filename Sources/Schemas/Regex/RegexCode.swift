/// A ``RegexProgram`` frozen for matching: instructions and sets in plain buffers, so
/// the ``RegexMachine`` reads them without touching reference counts.
final class RegexCode: @unchecked Sendable {
    let instructions: UnsafeBufferPointer<RegexProgram.Instruction>
    let sets: UnsafeBufferPointer<ScalarSet>
    let subprograms: [RegexCode]
    let slotCount: Int
    let registerCount: Int
    let anchoredAtStart: Bool
    let usesBackreferences: Bool
    let firstByte: UInt8?
    /// Whether the whole program is `^`, then single characters and set repetitions,
    /// then `$`, with every variable-length repetition either last or followed by a
    /// character it cannot take: such a pattern matches by one greedy left-to-right
    /// pass, no backtracking (see ``matchLinear(_:)``). Most schema patterns are like
    /// this: `^[A-Z]{3}$`, `^[a-z0-9][a-z0-9-]*$`, `^[A-Za-z][A-Za-z0-9+.-]*://[^\s]+$`.
    let isLinear: Bool

    init(_ program: RegexProgram) {
        let instructions = UnsafeMutableBufferPointer<RegexProgram.Instruction>.allocate(capacity: max(1, program.instructions.count))
        _ = instructions.initialize(from: program.instructions)
        self.instructions = UnsafeBufferPointer(rebasing: instructions[0..<program.instructions.count])
        let sets = UnsafeMutableBufferPointer<ScalarSet>.allocate(capacity: max(1, program.sets.count))
        _ = sets.initialize(from: program.sets)
        self.sets = UnsafeBufferPointer(rebasing: sets[0..<program.sets.count])
        subprograms = program.subprograms.map(RegexCode.init)
        slotCount = program.slotCount
        registerCount = program.registerCount
        anchoredAtStart = program.anchoredAtStart
        usesBackreferences = program.usesBackreferences
        firstByte = program.firstByte
        isLinear = Self.isLinear(program)
    }

    private static func isLinear(_ program: RegexProgram) -> Bool {
        let code = program.instructions
        guard code.count >= 5, case .save(0) = code[0], case .inputStart = code[1],
            case .inputEnd = code[code.count - 3], case .save(1) = code[code.count - 2], case .match = code[code.count - 1]
        else { return false }
        let body = Array(code[2..<(code.count - 3)])
        for (offset, instruction) in body.enumerated() {
            switch instruction {
            case .byte, .set:
                continue
            case .repeatSet(let set, let min, let max):
                // Greedy could overshoot a variable repetition unless it is the last item
                // or the next character must be one it cannot take: then giving any back
                // would only hand the next item a character it refuses.
                if min != max, offset != body.count - 1, !stopsBefore(body[offset + 1], repeating: program.sets[set], in: program) { return false }
            default:
                return false
            }
        }
        return true
    }

    /// Whether `next` must start with one character (a literal) that `repeated` does not hold.
    private static func stopsBefore(_ next: RegexProgram.Instruction, repeating repeated: ScalarSet, in program: RegexProgram) -> Bool {
        let literal: UInt32?
        switch next {
        case .byte(let b): literal = UInt32(b)
        case .set(let index): literal = program.sets[index].singleScalar
        case .repeatSet(let index, let min, _) where min > 0: literal = program.sets[index].singleScalar
        default: literal = nil
        }
        guard let literal else { return false }
        return !repeated.contains(literal)
    }

    /// Matches a linear program (see ``isLinear``) against the whole input in one pass.
    func matchLinear(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        var pos = 0
        for pc in 2..<(instructions.count - 3) {
            switch instructions[pc] {
            case .byte(let b):
                guard pos < input.count, input[pos] == b else { return false }
                pos += 1
            case .set(let index):
                guard pos < input.count else { return false }
                let (scalar, length) = RegexMachine.decode(input, at: pos)
                guard sets[index].contains(scalar) else { return false }
                pos += length
            case .repeatSet(let index, let min, let max):
                var count = 0
                while count < max, pos < input.count {
                    let (scalar, length) = RegexMachine.decode(input, at: pos)
                    guard sets[index].contains(scalar) else { break }
                    pos += length
                    count += 1
                }
                guard count >= min else { return false }
            default:
                return false
            }
        }
        return pos == input.count
    }

    deinit {
        UnsafeMutableBufferPointer(mutating: sets).deinitialize()
        UnsafeMutableBufferPointer(mutating: sets).deallocate()
        instructions.deallocate()
    }
}
