import EventLog
import JSON

/// One re-weighting of a bandit: a `BanditWeightsUpdated` event, what it decided and
/// from what.
///
/// The evidence is every exposure and goal event of the phase at or before
/// ``logPosition``; the seed is ``BanditRebalancer/seed(experimentKey:phase:logPosition:hash:)``
/// of that position and its hash; the elapsed time for burn-in runs from the phase's first configuration to
/// ``occurredAt``. All three come from the log, so ``BanditRebalancer/replay(_:)``
/// recomputes the same weights.
public struct BanditWeightsUpdate: Sendable, Hashable {
    /// One arm's evidence and outcome.
    public struct Arm: Sendable, Hashable {
        public var key: String
        public var units: Int
        public var conversions: Int
        public var probabilityBest: Double
        public var weight: Double

        public init(key: String, units: Int, conversions: Int, probabilityBest: Double, weight: Double) {
            self.key = key
            self.units = units
            self.conversions = conversions
            self.probabilityBest = probabilityBest
            self.weight = weight
        }
    }

    public var experimentKey: String
    public var phase: Int
    /// The conversion goal's metric name.
    public var goal: String
    public var arms: [Arm]
    public var seed: UInt64
    public var logPosition: LogPosition
    public var draws: Int
    public var burnIn: Bool
    /// When the re-weighting was decided (the event's `occurredAt`).
    public var occurredAt: Timestamp
    /// Where the event is in the log; `nil` before it is appended.
    public var position: LogPosition?

    public init(
        experimentKey: String, phase: Int, goal: String, arms: [Arm], seed: UInt64, logPosition: LogPosition,
        draws: Int, burnIn: Bool, occurredAt: Timestamp, position: LogPosition? = nil
    ) {
        self.experimentKey = experimentKey
        self.phase = phase
        self.goal = goal
        self.arms = arms
        self.seed = seed
        self.logPosition = logPosition
        self.draws = draws
        self.burnIn = burnIn
        self.occurredAt = occurredAt
        self.position = position
    }

    /// The weights, one per variation in definition order.
    public var weights: [Double] { arms.map(\.weight) }

    /// The event's payload.
    public var payload: JSONObject {
        JSONObject([
            "experimentKey": .string(experimentKey),
            "phase": .number(JSONNumber(phase)),
            "goal": .string(goal),
            "arms": .array(
                arms.map { arm in
                    .object(
                        JSONObject([
                            "key": .string(arm.key), "units": .number(JSONNumber(arm.units)),
                            "conversions": .number(JSONNumber(arm.conversions)),
                            "probabilityBest": .number(JSONNumber(arm.probabilityBest)),
                            "weight": .number(JSONNumber(arm.weight)),
                        ]))
                }),
            "seed": .string(String(seed)),
            "logPosition": .number(JSONNumber(logPosition.rawValue)),
            "draws": .number(JSONNumber(draws)),
            "burnIn": .bool(burnIn),
        ])
    }

    /// Reads a `BanditWeightsUpdated` event back.
    ///
    /// - Throws: ``ExperimentsError/Code/invalidEvent`` naming the position when a field is
    ///   missing or of the wrong type.
    public init(recorded event: RecordedEvent) throws(ExperimentsError) {
        let data = event.data
        func failure() -> ExperimentsError {
            ExperimentsError(
                .invalidEvent,
                "the BanditWeightsUpdated event at position \(event.position) is missing fields this build needs")
        }
        guard let key = data["experimentKey"]?.stringValue, let phase = data["phase"]?.numberValue?.int64Value,
            let goal = data["goal"]?.stringValue, let seedText = data["seed"]?.stringValue,
            let seed = UInt64(seedText), let position = data["logPosition"]?.numberValue?.int64Value,
            let draws = data["draws"]?.numberValue?.int64Value, let burnIn = data["burnIn"]?.boolValue,
            let armList = data["arms"]?.arrayValue
        else { throw failure() }
        var arms: [Arm] = []
        for arm in armList {
            guard let armKey = arm["key"]?.stringValue, let units = arm["units"]?.numberValue?.int64Value,
                let conversions = arm["conversions"]?.numberValue?.int64Value,
                let best = arm["probabilityBest"]?.numberValue?.doubleValue,
                let weight = arm["weight"]?.numberValue?.doubleValue
            else { throw failure() }
            arms.append(
                Arm(
                    key: armKey, units: Int(units), conversions: Int(conversions), probabilityBest: best, weight: weight
                ))
        }
        self.init(
            experimentKey: key, phase: Int(phase), goal: goal, arms: arms, seed: seed,
            logPosition: LogPosition(UInt64(max(0, position))), draws: Int(draws), burnIn: burnIn,
            occurredAt: event.occurredAt, position: event.position)
    }
}
