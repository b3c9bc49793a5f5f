/// Runs a ``RegexProgram`` over UTF-8 bytes by backtracking, ECMA-262 style: the
/// first alternative that leads to a match wins, greedy quantifiers try more first.
///
/// Positions are byte offsets into valid UTF-8 (Swift strings always are), and every
/// instruction that consumes input consumes one whole scalar. A run is bounded by a
/// step budget so a pathological pattern (`(a+)+$` on a long input) ends with
/// ``Outcome/tooComplex`` instead of hanging the caller.
///
/// Cost: the backtrack stack starts in caller-provided scratch memory (on the
/// caller's stack, see ``withScratch(_:)``) and moves to the heap only when it
/// outgrows it; capture slots and loop registers are allocated only for programs
/// that need them. A typical schema pattern therefore matches without allocating.
struct RegexMachine: ~Copyable {
    enum Outcome { case match, noMatch, tooComplex }

    /// Steps allowed for one search over one input.
    static let stepBudget = 2_000_000

    /// Backtrack entries that fit in the scratch memory before the heap is used.
    static let scratchCapacity = 32

    private let input: UnsafeBufferPointer<UInt8>
    private var slots: [Int]
    private var registers: [Int]
    private var stack: UnsafeMutablePointer<Backtrack>
    private var stackCount = 0
    private var stackCapacity: Int
    private var stackIsOwned = false
    private var steps = 0

    struct Backtrack {
        enum Kind: UInt8 { case resume, restoreSlot, restoreRegister, giveBack }
        var kind: Kind
        var a: Int
        var b: Int
        /// For `giveBack`: the lowest position the repetition may shrink to.
        var c: Int = 0
    }

    /// Runs `body` with scratch memory for a machine's backtrack stack.
    static func withScratch<R>(_ body: (UnsafeMutableBufferPointer<Backtrack>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: Backtrack.self, capacity: scratchCapacity, body)
    }

    init(input: UnsafeBufferPointer<UInt8>, program: RegexCode, captures: Bool, scratch: UnsafeMutableBufferPointer<Backtrack>) {
        self.input = input
        slots = captures || program.usesBackreferences ? Array(repeating: -1, count: program.slotCount) : []
        registers = program.registerCount > 0 ? Array(repeating: -1, count: program.registerCount) : []
        stack = scratch.baseAddress!
        stackCapacity = scratch.count
    }

    deinit {
        if stackIsOwned { stack.deallocate() }
    }

    @inline(__always)
    private mutating func push(_ kind: Backtrack.Kind, _ a: Int, _ b: Int, _ c: Int = 0) {
        if stackCount == stackCapacity { growStack() }
        stack[stackCount] = Backtrack(kind: kind, a: a, b: b, c: c)
        stackCount += 1
    }

    private mutating func growStack() {
        let bigger = UnsafeMutablePointer<Backtrack>.allocate(capacity: stackCapacity * 2)
        bigger.initialize(from: stack, count: stackCount)
        if stackIsOwned { stack.deallocate() }
        stack = bigger
        stackCapacity *= 2
        stackIsOwned = true
    }

    /// The capture slots of the last match (byte offsets, -1 for groups that did not take part).
    var captureSlots: [Int] { slots }

    /// Tries every start position from the left, as `RegExp.prototype.exec` does.
    mutating func search(_ program: RegexCode) -> Outcome {
        var start = 0
        while true {
            if let first = program.firstByte {
                while start < input.count, input[start] != first { start += 1 }
                if start == input.count { return .noMatch }
            }
            if !slots.isEmpty { for i in slots.indices { slots[i] = -1 } }
            switch run(program, at: start, target: 0) {
            case .some(true): return .match
            case .none: return .tooComplex
            case .some(false): break
            }
            if program.anchoredAtStart || start >= input.count { return .noMatch }
            start += Self.scalarLength(input[start])
        }
    }

    /// Runs `program` anchored at `start`; `nil` when the step budget ran out.
    private mutating func run(_ program: RegexCode, at start: Int, target: Int) -> Bool? {
        let base = stackCount
        var pc = 0
        var pos = start
        let sets = program.sets
        let instructions = program.instructions
        while true {
            steps += 1
            if steps > Self.stepBudget {
                stackCount = base
                return nil
            }
            var ok = true
            switch instructions[pc] {
            case .byte(let b):
                if pos < input.count, input[pos] == b {
                    pos += 1
                    pc += 1
                } else {
                    ok = false
                }
            case .set(let index):
                if pos < input.count {
                    let (scalar, length) = decode(at: pos)
                    if sets[index].contains(scalar) {
                        pos += length
                        pc += 1
                    } else {
                        ok = false
                    }
                } else {
                    ok = false
                }
            case .repeatSet(let index, let min, let max):
                var count = 0
                var minimumEnd = pos
                while count < max, pos < input.count {
                    let (scalar, length) = decode(at: pos)
                    guard sets[index].contains(scalar) else { break }
                    pos += length
                    count += 1
                    if count == min { minimumEnd = pos }
                }
                if count < min {
                    ok = false
                } else {
                    if count == 0 { minimumEnd = pos }
                    // Giving characters back cannot help a following `$`.
                    if pos > minimumEnd, case .inputEnd = instructions[pc + 1] {} else if pos > minimumEnd {
                        push(.giveBack, pc + 1, pos, minimumEnd)
                    }
                    pc += 1
                }
            case .split(let prefer, let alternative):
                push(.resume, alternative, pos)
                pc = prefer
            case .jump(let to):
                pc = to
            case .save(let n):
                if !slots.isEmpty {
                    push(.restoreSlot, n, slots[n])
                    slots[n] = pos
                }
                pc += 1
            case .inputStart:
                if pos == 0 { pc += 1 } else { ok = false }
            case .inputEnd:
                if pos == input.count { pc += 1 } else { ok = false }
            case .wordBoundary(let negated):
                let before = pos > 0 && Self.isWordByte(input[pos - 1])
                let after = pos < input.count && Self.isWordByte(input[pos])
                if (before != after) != negated { pc += 1 } else { ok = false }
            case .backreference(let n):
                let from = slots[2 * n]
                let to = slots[2 * n + 1]
                if from < 0 || to < 0 {
                    pc += 1  // a group that did not participate matches empty
                } else {
                    let length = to - from
                    if pos + length <= input.count, (0..<length).allSatisfy({ input[from + $0] == input[pos + $0] }) {
                        pos += length
                        pc += 1
                    } else {
                        ok = false
                    }
                }
            case .lookaround(let index, let ahead, let negated):
                let sub = program.subprograms[index]
                var found = false
                if ahead {
                    guard let result = run(sub, at: pos, target: pos) else { return bail(base) }
                    found = result
                } else {
                    var q = pos
                    while true {
                        if q == 0 || q == input.count || input[q] & 0xC0 != 0x80 {
                            guard let result = run(sub, at: q, target: pos) else { return bail(base) }
                            if result {
                                found = true
                                break
                            }
                        }
                        if q == 0 { break }
                        q -= 1
                    }
                }
                if found != negated { pc += 1 } else { ok = false }
            case .markPosition(let r):
                push(.restoreRegister, r, registers[r])
                registers[r] = pos
                pc += 1
            case .requireProgress(let r):
                if registers[r] == pos { ok = false } else { pc += 1 }
            case .atTarget:
                if pos == target { pc += 1 } else { ok = false }
            case .match:
                // Keep captures and registers as they are; drop this run's backtrack points.
                stackCount = base
                return true
            }
            if ok { continue }
            // Backtrack.
            while true {
                guard stackCount > base else { return false }
                stackCount -= 1
                let top = stack[stackCount]
                switch top.kind {
                case .resume:
                    pc = top.a
                    pos = top.b
                case .restoreSlot:
                    slots[top.a] = top.b
                    continue
                case .restoreRegister:
                    registers[top.a] = top.b
                    continue
                case .giveBack:
                    var back = top.b - 1
                    while input[back] & 0xC0 == 0x80 { back -= 1 }
                    if back > top.c { push(.giveBack, top.a, back, top.c) }
                    pc = top.a
                    pos = back
                }
                break
            }
        }
    }

    private mutating func bail(_ base: Int) -> Bool? {
        stackCount = base
        return nil
    }

    @inline(__always)
    private func decode(at i: Int) -> (UInt32, Int) {
        Self.decode(input, at: i)
    }

    /// The scalar starting at byte `i` of valid UTF-8, and its length in bytes.
    @inline(__always)
    static func decode(_ input: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let b0 = UInt32(input[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(input[i + 1] & 0x3F), 2) }
        if b0 < 0xF0 {
            return ((b0 & 0x0F) << 12 | UInt32(input[i + 1] & 0x3F) << 6 | UInt32(input[i + 2] & 0x3F), 3)
        }
        return ((b0 & 0x07) << 18 | UInt32(input[i + 1] & 0x3F) << 12 | UInt32(input[i + 2] & 0x3F) << 6 | UInt32(input[i + 3] & 0x3F), 4)
    }

    @inline(__always)
    static func scalarLength(_ lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    @inline(__always)
    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || (b >= 0x61 && b <= 0x7A)
    }
}
