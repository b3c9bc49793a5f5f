import Testing

@testable import Experiments

@Suite struct BanditTests {
    @Test func generatorsMatchTheirReferenceImplementations() {
        var mixer = SplitMix64(seed: 0)
        let mixed: [UInt64] = [mixer.next(), mixer.next(), mixer.next()]
        let expectedMixed: [UInt64] = [16_294_208_416_658_607_535, 7_960_286_522_194_355_700, 487_617_019_471_545_679]
        #expect(mixed == expectedMixed)
        var rng = Xoshiro256StarStar(seed: 42)
        let drawn: [UInt64] = (0..<4).map { _ in rng.next() }
        let expectedDrawn: [UInt64] = [
            1_546_998_764_402_558_742, 6_990_951_692_964_543_102,
            12_544_586_762_248_559_009, 17_057_574_109_182_124_193,
        ]
        #expect(drawn == expectedDrawn)
    }

    @Test(arguments: [(2.0, 5.0), (0.5, 0.5), (30.0, 970.0), (1.0, 1.0)])
    func betaSamplesHaveTheRightMoments(alpha: Double, beta: Double) {
        var rng = Xoshiro256StarStar(seed: 7)
        let distribution = BetaDistribution(alpha: alpha, beta: beta)
        let n = 100_000
        var sum = 0.0
        var sumSquares = 0.0
        for _ in 0..<n {
            let x = distribution.sample(using: &rng)
            #expect(x >= 0 && x <= 1)
            sum += x
            sumSquares += x * x
        }
        let mean = sum / Double(n)
        let variance = sumSquares / Double(n) - mean * mean
        let expectedVariance = alpha * beta / ((alpha + beta) * (alpha + beta) * (alpha + beta + 1))
        #expect(abs(mean - distribution.mean) < 4 * (expectedVariance / Double(n)).squareRoot() + 1e-9)
        #expect(abs(variance - expectedVariance) < 0.03 * expectedVariance)
    }

    @Test func probabilityBestFollowsTheEvidence() {
        var rng = Xoshiro256StarStar(seed: 1)
        let tied = ThompsonSampling.probabilityBest(
            [
                BetaDistribution(conversions: 50, units: 1000),
                BetaDistribution(conversions: 50, units: 1000),
            ], using: &rng)
        #expect(abs(tied[0] - 0.5) < 0.02 && abs(tied.reduce(0, +) - 1) < 1e-12)
        let clear = ThompsonSampling.probabilityBest(
            [
                BetaDistribution(conversions: 50, units: 1000),
                BetaDistribution(conversions: 120, units: 1000),
            ], using: &rng)
        #expect(clear[1] > 0.999)
    }

    @Test func burnInKeepsWeightsEqual() throws {
        let policy = BanditPolicy(minimumShare: 0.1, burnInSeconds: 3 * 86_400, burnInUnits: 600)
        let arms = [(conversions: 5, units: 100), (conversions: 40, units: 100), (conversions: 9, units: 100)]
        let early = try policy.decide(arms: arms, elapsedSeconds: 86_400, seed: 9)
        let third = 1.0 / 3
        #expect(early.inBurnIn && early.weights == [third, third, third])
        let few = try policy.decide(arms: arms, elapsedSeconds: 4 * 86_400, seed: 9)
        #expect(few.inBurnIn)  // 300 units < 600
    }

    @Test func everyArmKeepsItsMinimumShare() throws {
        let policy = BanditPolicy(minimumShare: 0.1)
        let arms: [(conversions: Int, units: Int)] = [(10, 1000), (200, 1000), (11, 1000)]
        let decision = try policy.decide(arms: arms, elapsedSeconds: 0, seed: 3)
        #expect(decision.weights.allSatisfy { $0 >= 0.1 - 1e-12 })
        #expect(abs(decision.weights.reduce(0, +) - 1) < 1e-12)
        #expect(decision.weights[1] > 0.79)
        let three: [(conversions: Int, units: Int)] = [(1, 2), (1, 2), (1, 2)]
        #expect(throws: ExperimentsError.self) {
            try BanditPolicy(minimumShare: 0.4).decide(arms: three, elapsedSeconds: 0, seed: 1)
        }
    }

    /// A seeded simulation with known conversion rates: customers arrive in daily batches,
    /// are allocated by hashing their ids with the current weights (exactly as production
    /// would), convert at their arm's true rate, and the bandit re-weights every day.
    static func simulate(seed: UInt64, rates: [Double], days: Int, perDay: Int) throws -> (
        weights: [[Double]], traffic: [Int]
    ) {
        let policy = BanditPolicy(minimumShare: 0.05, burnInSeconds: 2 * 86_400, burnInUnits: 0, draws: 4000)
        var weights = [Double](repeating: 1 / Double(rates.count), count: rates.count)
        var arms = [(conversions: Int, units: Int)](repeating: (0, 0), count: rates.count)
        var outcomes = Xoshiro256StarStar(seed: seed ^ 0xABCD)
        var history: [[Double]] = []
        var traffic = [Int](repeating: 0, count: rates.count)
        for day in 0..<days {
            let experiment = Experiment(
                key: "offer-cadence", variations: rates.indices.map { .string("arm-\($0)") },
                weights: weights, hashVersion: 2)
            for i in 0..<perDay {
                guard let arm = experiment.variation(forHashValue: "customer-\(seed)-\(day)-\(i)") else { continue }
                arms[arm].units += 1
                traffic[arm] += 1
                if outcomes.nextUnitDouble() < rates[arm] { arms[arm].conversions += 1 }
            }
            let decision = try policy.decide(
                arms: arms, elapsedSeconds: Int64(day + 1) * 86_400,
                seed: BanditPolicy.seed(experimentKey: "offer-cadence", logPosition: seed &+ UInt64(day)))
            weights = decision.weights
            history.append(weights)
        }
        return (history, traffic)
    }

    @Test func trafficMovesToTheBestArm() throws {
        let (history, traffic) = try Self.simulate(seed: 2026, rates: [0.04, 0.05, 0.08], days: 20, perDay: 1500)
        let final = try #require(history.last)
        print(
            "bandit simulation (rates 4%, 5%, 8%; 20 days × 1500): final weights \(final.map { ($0 * 1000).rounded() / 1000 }), traffic \(traffic)"
        )
        #expect(final[2] > 0.8, "final weights \(final)")
        #expect(final[0] >= 0.05 - 1e-12 && final[1] >= 0.05 - 1e-12)
        #expect(traffic[2] > traffic[0] + traffic[1], "traffic \(traffic)")
        let third = 1.0 / 3
        #expect(history[0] == [third, third, third])  // still burning in after day one
    }

    @Test func theSameSeedReproducesTheSameWeights() throws {
        let first = try Self.simulate(seed: 77, rates: [0.05, 0.06], days: 8, perDay: 800)
        let second = try Self.simulate(seed: 77, rates: [0.05, 0.06], days: 8, perDay: 800)
        #expect(first.weights == second.weights)
        #expect(first.traffic == second.traffic)
        let policy = BanditPolicy(minimumShare: 0.05)
        let arms: [(conversions: Int, units: Int)] = [(40, 1000), (48, 1000)]
        let once = try policy.decide(arms: arms, elapsedSeconds: 0, seed: 5)
        let again = try policy.decide(arms: arms, elapsedSeconds: 0, seed: 5)
        let otherSeed = try policy.decide(arms: arms, elapsedSeconds: 0, seed: 6)
        #expect(once == again)
        #expect(once.weights != otherSeed.weights)
    }
}
