/// SplitMix64 (Steele, Lea & Flood 2014; Vigna's reference code): a 64-bit generator
/// whose only use here is turning one seed into well-mixed state for ``Xoshiro256StarStar``
/// and for seeded test loops.
///
/// `state += 0x9E3779B97F4A7C15`, then two xor-shift-multiply rounds. Equal seeds give
/// equal sequences on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
