import Testing

@testable import Experiments

@Suite struct BucketHashTests {
    /// Upstream GrowthBook hash cases beyond the shared subset.
    @Test(arguments: [
        ("b", "a", 1, 0.946), ("asdf", "8952klfjas09ujk", 1, 0.549), ("seed", "a", 2, 0.0505),
        ("foo", "ab", 2, 0.2575), ("89123klj", "8952klfjas09ujkasdf", 2, 0.124),
    ])
    func matchesGrowthBookReferenceValues(seed: String, value: String, version: Int, expected: Double) {
        #expect(BucketHash.bucket(seed: seed, value: value, version: version) == expected)
    }

    /// Reference values computed with GrowthBook's JavaScript algorithm (charCodeAt, i.e.
    /// UTF-16 code units): an emoji is hashed as its two surrogates.
    @Test(arguments: [
        ("", "é", 0.94, 0.8917), ("exp", "日本語", 0.913, 0.931), ("exp", "😀", 0.655, 0.7506),
        ("followup-subject", "customer-😀-42", 0.827, 0.3325), ("seed", "Zoë", 0.21, 0.4369),
        ("", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", 0.066, 0.7675),
    ])
    func nonASCIIValuesHashAsUTF16CodeUnits(seed: String, value: String, v1: Double, v2: Double) {
        #expect(BucketHash.bucket(seed: seed, value: value, version: .v1) == v1)
        #expect(BucketHash.bucket(seed: seed, value: value, version: .v2) == v2)
    }

    @Test func unknownHashVersionHasNoBucket() {
        #expect(BucketHash.bucket(seed: "abc", value: "def", version: 99) == nil)
        #expect(BucketHash.bucket(seed: "abc", value: "def", version: 0) == nil)
    }

    @Test func utf8FastPathAgreesWithUTF16View() {
        var rng = SplitMix64(seed: 7)
        let alphabet: [Character] = ["a", "Z", "0", "-", "é", "ß", "日", "😀", "𝔘", " ", "\u{301}"]
        for _ in 0..<500 {
            let length = Int(rng.next() % 12)
            let text = String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            var slow = FNV1a32()
            for unit in text.utf16 { slow.combine(unit) }
            #expect(FNV1a32.hash(text) == slow.value, "\(text)")
        }
    }

    @Test func preparedSeedMatchesDirectHashing() {
        var rng = SplitMix64(seed: 11)
        for version in HashVersion.allCases {
            let prepared = PreparedSeed(seed: "offer-cadence", version: version)
            for _ in 0..<1000 {
                let id = "customer-\(rng.next() % 1_000_000)"
                #expect(
                    prepared.bucket(for: id) == BucketHash.bucket(seed: "offer-cadence", value: id, version: version))
            }
        }
    }

    @Test func decimalDigitsOfTheFirstRoundAreHashedLikeTheirText() {
        for n: UInt32 in [0, 7, 10, 99, 4_294_967_295, 1_000_000_000, 123_456_789] {
            var viaDigits = FNV1a32()
            viaDigits.combine(decimal: n)
            #expect(viaDigits.value == FNV1a32.hash(String(n)))
        }
    }

    @Test func bucketsAreUniformEnoughForAllocation() {
        // A seeded loop over many ids: each tenth of [0, 1) gets close to a tenth of them.
        var counts = [Int](repeating: 0, count: 10)
        for i in 0..<100_000 {
            let n = BucketHash.bucket(seed: "uniformity", value: "customer-\(i)", version: .v2)
            counts[min(9, Int(n * 10))] += 1
        }
        for count in counts { #expect(abs(count - 10_000) < 500) }
    }
}
