/// xoshiro256** 1.0 (Blackman & Vigna 2018): the bandit's random source.
///
/// Seeded from one `UInt64` — which the caller derives from the log, so a replay draws
/// the same numbers — by running ``SplitMix64`` four times, as the authors recommend.
/// The output function is `rotl(s[1] * 5, 7) * 9`; the state advances with the
/// published xor/shift/rotate step. ``nextUnitDouble()`` takes the top 53 bits, giving
/// a double uniform on `[0, 1)`.
///
/// Cost: a handful of integer operations per draw; no allocation.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// A double uniform on `[0, 1)` from the top 53 bits of one draw.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
