/// Decides a bandit's next traffic weights: equal during burn-in, then Thompson sampling
/// with a floor per arm.
///
/// After burn-in each arm gets `minimumShare + (1 − k·minimumShare)·P(best)`: the floor
/// keeps every arm learning (and the analysis possible), the rest follows the probability
/// of being best. The weights sum to 1 and feed ``ExperimentDefinition/experiment(phase:weights:)``.
///
/// Deterministic: the same statistics, elapsed time and seed give the same weights, so a
/// `BanditWeightsUpdated` event whose seed derives from the log replays identically.
public struct BanditPolicy: Sendable, Hashable {
    public var minimumShare: Double
    /// Seconds from the start of the experiment before weights may move.
    public var burnInSeconds: Int64
    /// Units exposed in total before weights may move.
    public var burnInUnits: Int
    public var draws: Int

    public init(
        minimumShare: Double, burnInSeconds: Int64 = 0, burnInUnits: Int = 0,
        draws: Int = ThompsonSampling.defaultDraws
    ) {
        self.minimumShare = minimumShare
        self.burnInSeconds = burnInSeconds
        self.burnInUnits = burnInUnits
        self.draws = draws
    }

    /// The policy a definition's ``BanditSettings`` describe.
    public init(_ settings: BanditSettings, draws: Int = ThompsonSampling.defaultDraws) {
        self.init(
            minimumShare: settings.minimumShare, burnInSeconds: settings.burnIn.seconds,
            burnInUnits: settings.burnInUnits, draws: draws)
    }

    /// One re-weighting: what it decided and from what, ready to be recorded.
    public struct Decision: Sendable, Hashable {
        /// The new weights, one per arm, summing to 1.
        public var weights: [Double]
        /// Each arm's estimated probability of being best (equal shares during burn-in).
        public var probabilityBest: [Double]
        public var inBurnIn: Bool
        public var seed: UInt64
        public var draws: Int
    }

    /// The weights for arms with `arms[i]` = (conversions, units) of the bandit's goal.
    ///
    /// - Parameters:
    ///   - elapsedSeconds: time since the experiment (phase) started, from the log.
    ///   - seed: the random seed, derived from the log (see ``seed(experimentKey:logPosition:)``).
    /// - Throws: ``ExperimentsError/Code/invalidInput`` for fewer than two arms, counts out of
    ///   range, or a minimum share above 1/arms.
    public func decide(
        arms: [(conversions: Int, units: Int)], elapsedSeconds: Int64,
        seed: UInt64
    ) throws(ExperimentsError) -> Decision {
        let k = arms.count
        guard k >= 2 else { throw ExperimentsError(.invalidInput, "a bandit needs at least two arms; got \(k)") }
        guard arms.allSatisfy({ $0.units >= 0 && $0.conversions >= 0 && $0.conversions <= $0.units }) else {
            throw ExperimentsError(.invalidInput, "each arm needs 0 <= conversions <= units; check the folded counts")
        }
        guard minimumShare >= 0, minimumShare * Double(k) <= 1 + 1e-12 else {
            throw ExperimentsError(
                .invalidInput,
                "minimum share \(minimumShare) leaves nothing to allocate over \(k) arms; use at most 1/\(k)")
        }
        let equal = [Double](repeating: 1 / Double(k), count: k)
        let totalUnits = arms.reduce(0) { $0 + $1.units }
        if elapsedSeconds < burnInSeconds || totalUnits < burnInUnits {
            return Decision(weights: equal, probabilityBest: equal, inBurnIn: true, seed: seed, draws: 0)
        }
        var rng = Xoshiro256StarStar(seed: seed)
        let posteriors = arms.map { BetaDistribution(conversions: $0.conversions, units: $0.units) }
        let best = ThompsonSampling.probabilityBest(posteriors, draws: draws, using: &rng)
        let free = 1 - Double(k) * minimumShare
        var weights = best.map { minimumShare + free * $0 }
        // Put the rounding residue on the largest weight so the weights sum to 1 exactly enough.
        let residue = 1 - weights.reduce(0, +)
        if let top = weights.indices.max(by: { weights[$0] < weights[$1] }) { weights[top] += residue }
        return Decision(weights: weights, probabilityBest: best, inBurnIn: false, seed: seed, draws: draws)
    }

    /// A seed for one re-weighting, derived from facts in the log: the experiment's key and
    /// the position of the event that triggers the update. FNV-1a 64 over the key's UTF-8,
    /// combined with the position through SplitMix64.
    public static func seed(experimentKey: String, logPosition: UInt64) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in experimentKey.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        var mixer = SplitMix64(seed: h ^ logPosition)
        return mixer.next()
    }
}
