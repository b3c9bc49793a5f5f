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
    }

    deinit {
        UnsafeMutableBufferPointer(mutating: sets).deinitialize()
        UnsafeMutableBufferPointer(mutating: sets).deallocate()
        instructions.deallocate()
    }
}
