import JSON
import Testing

@testable import Schemas

/// The fast yes/no path and the collecting path must always agree. A seeded random
/// loop mutates every catalog example (drops, retypes, renames and adds fields) and
/// checks that agreement, and that every rejection carries at least one violation.
@Suite struct ModeAgreementTests {
    /// A small deterministic generator (SplitMix64), so failures replay.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let replacements: [JSONValue] = [.null, true, 0, -1, 1.5, "", "x", "2024-13-01", "a@b", [], [:], ["nested": 1]]

    static func mutate(_ value: JSONValue, _ rng: inout SeededGenerator) -> JSONValue {
        guard case .object(var object) = value, !object.isEmpty else { return replacements.randomElement(using: &rng)! }
        let key = object.keys.randomElement(using: &rng)!
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: object[key] = nil
        case 1: object[key] = replacements.randomElement(using: &rng)!
        case 2: object[key + "x"] = object[key]
        case 3: object[key] = mutate(object[key]!, &rng)
        default: object["unexpected"] = .string("value")
        }
        return .object(object)
    }

    @Test func fastAndCollectingModesAgreeOnMutatedExamples() throws {
        var rng = SeededGenerator(state: 20_240_501)
        let catalog = EventCatalog.embedded
        var rejected = 0
        for info in catalog.types {
            for version in info.versions {
                let schema = try catalog.schema(type: info.name, version: version)
                for example in schema.document["examples"]?.arrayValue ?? [] {
                    for _ in 0..<60 {
                        var payload = example
                        for _ in 0..<Int.random(in: 1...3, using: &rng) { payload = Self.mutate(payload, &rng) }
                        let fast = schema.isValid(payload)
                        let violations = schema.violations(of: payload)
                        #expect(fast == violations.isEmpty, "\(info.name) v\(version): \(payload)")
                        if !fast { rejected += 1 }
                    }
                }
            }
        }
        #expect(rejected > 1000)
    }
}
