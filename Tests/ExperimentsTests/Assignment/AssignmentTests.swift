import JSON
import Testing

@testable import Experiments

@Suite struct AssignmentTests {
    /// Upstream `run` cases beyond the shared subset: [context, experiment, value, inExperiment, hashUsed].
    static let runCases = #"""
        [
          [{"attributes": {"id": "2"}}, {"key": "my-test", "variations": [0, 1], "weights": [0.1, 0.9]}, 1, true, true],
          [{"attributes": {"id": "3"}}, {"key": "my-test", "variations": [0, 1], "coverage": 0.4}, 0, true, true],
          [{"attributes": {"id": "4"}}, {"key": "my-test", "variations": [0, 1], "coverage": 0.4}, 0, false, false],
          [{"attributes": {"id": "1"}}, {"key": "my-test", "variations": [0, 1, 2]}, 2, true, true],
          [{"attributes": {"id": "6"}}, {"key": "my-test", "variations": [0, 1, 2]}, 2, true, true],
          [{"attributes": {"id": "1"}}, {"key": "my-test-3", "variations": [0, 1]}, 0, true, true],
          [{"attributes": {}}, {"key": "my-test", "variations": [0, 1]}, 0, false, false],
          [{"attributes": {"id": "1"}}, {"key": "my-test", "variations": [0, 1], "force": -8}, 0, false, false],
          [{"attributes": {"id": "2", "companyId": "1"}}, {"key": "my-test", "variations": [0, 1], "hashAttribute": "companyId"}, 1, true, true],
          [{"attributes": {"id": "1"}, "qaMode": true}, {"key": "my-test", "variations": [0, 1], "force": 1}, 1, true, false],
          [{"attributes": {"id": "1", "anonId": "fsdafsda"}}, {"key": "filtered", "variations": [0, 1], "filters": [{"seed": "seed", "ranges": [[0, 0.1], [0.2, 0.4]]}, {"seed": "seed", "attribute": "anonId", "ranges": [[0.8, 1.0]]}]}, 1, true, true],
          [{"attributes": {"id": "1"}}, {"key": "ranges", "variations": [0, 1], "ranges": [[0.99, 1.0], [0.0, 0.99]], "coverage": 0.01, "weights": [0.99, 0.01]}, 1, true, true],
          [{"attributes": {"id": "1"}}, {"key": "configs", "variations": [0, 1], "ranges": [[0, 0.1], [0.9, 1.0]]}, 0, false, false],
          [{"attributes": {"id": 0}}, {"key": "my-test", "variations": [0, 1]}, 0, false, false],
          [{"attributes": {"id": "1"}}, {"key": "my-test", "variations": [0, 1], "status": "draft"}, 0, false, false],
          [{"attributes": {"id": "1"}}, {"key": "my-test", "variations": [0, 1], "status": "stopped"}, 0, false, false],
          [{"attributes": {"id": "1"}}, {"key": "my-test", "variations": [0, 1], "hashVersion": 99}, 0, false, false]
        ]
        """#

    @Test func upstreamRunCasesPass() throws {
        for c in try JSONParser.parse(Self.runCases).arrayValue! {
            let c = c.arrayValue!
            let result = Experiment(json: c[1]).assign(in: EvaluationContext(json: c[0]))
            #expect(
                result.value == c[2] && result.inExperiment == c[3].boolValue && result.hashUsed == c[4].boolValue,
                "\(c[1]) with \(c[0]) gave \(result.value) \(result.inExperiment) \(result.reason)")
        }
    }

    @Test func numericIdsHashAsJavaScriptWritesThem() {
        let experiment = Experiment(key: "feature", variations: [0, 1, 2, 3])
        let asNumber = experiment.assign(in: EvaluationContext(attributes: ["id": 123.0]))
        let asText = experiment.assign(in: EvaluationContext(attributes: ["id": "123"]))
        #expect(asNumber.hashValue == "123")
        #expect(asNumber.bucket == 0.863)
        #expect(asNumber.variationIndex == asText.variationIndex)
    }

    @Test func reasonsNameTheDecidingStep() {
        let context = EvaluationContext(attributes: ["id": "1", "plan": "free"])
        let base = Experiment(key: "my-test", variations: [0, 1])
        #expect(base.assign(in: context).reason == .assigned)
        #expect(
            Experiment(key: "my-test", variations: [0, 1], coverage: 0.01).assign(in: context).reason
                == .outsideCoverage)
        #expect(base.assign(in: context, include: { false }).reason == .targetingFailed)
        #expect(
            Experiment(key: "my-test", variations: [0, 1], namespace: Namespace(id: "ns", start: 0, end: 0.1))
                .assign(in: context).reason == .notInNamespace)
        #expect(base.assign(in: EvaluationContext(attributes: ["id": ""])).reason == .missingHashAttribute)
        #expect(Experiment(key: "my-test", variations: [0]).assign(in: context).reason == .tooFewVariations)
        #expect(
            base.assign(in: EvaluationContext(attributes: ["id": "1"], forcedVariations: ["my-test": 0])).reason
                == .forcedByContext)
    }

    @Test func resultCarriesEverythingAnExposureNeeds() {
        let experiment = Experiment(
            key: "followup-subject", variations: ["a", "b"], hashVersion: 2,
            meta: [VariationMeta(key: "control", name: "Control"), VariationMeta(key: "question", name: "Question")],
            phase: "p1")
        let result = experiment.assign(in: EvaluationContext(attributes: ["id": "customer-42"]))
        #expect(result.experimentKey == "followup-subject")
        #expect(result.seed == "followup-subject")
        #expect(result.hashVersion == 2)
        #expect(result.hashAttribute == "id" && result.hashValue == "customer-42")
        #expect(result.phase == "p1")
        #expect(result.variationKey == experiment.variationKeys[result.variationIndex])
        #expect(result.bucketRange?.contains(result.bucket!) == true)
        #expect(experiment.variation(forHashValue: "customer-42") == result.variationIndex)
    }

    @Test func fallbackAttributeNeedsStickyBucketing() {
        let experiment = Experiment(key: "exp", variations: [0, 1], fallbackAttribute: "anonymousId")
        let attributes: JSONValue = ["anonymousId": "a-1"]
        #expect(experiment.assign(in: EvaluationContext(attributes: attributes)).reason == .missingHashAttribute)
        let sticky = experiment.assign(
            in: EvaluationContext(attributes: attributes, stickyAssignments: StickyAssignments()))
        #expect(sticky.inExperiment && sticky.hashAttribute == "anonymousId")
        #expect(sticky.stickyBucketUpdate?.assignments == ["exp__0": sticky.variationKey])
    }

    @Test func stickyAssignmentSurvivesAWeightChange() {
        let before = Experiment(
            key: "exp", variations: [0, 1], weights: [0.5, 0.5],
            meta: [VariationMeta(key: "a"), VariationMeta(key: "b")])
        let after = Experiment(
            key: "exp", variations: [0, 1], weights: [0.01, 0.99],
            meta: [VariationMeta(key: "a"), VariationMeta(key: "b")])
        var store = StickyAssignments()
        var moved = 0
        for i in 0..<200 {
            let context = EvaluationContext(attributes: ["id": .string("c\(i)")], stickyAssignments: store)
            let first = before.assign(in: context)
            if let update = first.stickyBucketUpdate { store.save(update) }
            let again = after.assign(
                in: EvaluationContext(attributes: ["id": .string("c\(i)")], stickyAssignments: store))
            #expect(again.variationIndex == first.variationIndex && again.stickyBucketUsed)
            if after.assign(in: EvaluationContext(attributes: ["id": .string("c\(i)")])).variationIndex
                != first.variationIndex
            {
                moved += 1
            }
        }
        #expect(moved > 50)  // without stickiness, many would have moved
    }
}

@Suite struct AllocationInvariantTests {
    /// A seeded loop over many customers: shares converge to weights × coverage, and the
    /// hot path agrees with the full decision for every customer.
    @Test func sharesFollowWeightsAndTheHotPathAgreesWithAssign() {
        let experiment = Experiment(
            key: "invariants", variations: ["a", "b", "c"], weights: [0.2, 0.3, 0.5], coverage: 0.8, hashVersion: 2,
            filters: [HashFilter(seed: "holdout", ranges: [BucketRange(start: 0, end: 0.9)])])
        #expect(experiment.hotPathCoversFilters)
        var rng = SplitMix64(seed: 99)
        var counts = [0, 0, 0]
        let n = 60_000
        for _ in 0..<n {
            let id = "c-\(rng.next() % 1_000_000_000)"
            let hot = experiment.variation(forHashValue: id)
            let full = experiment.assign(in: EvaluationContext(attributes: ["id": .string(id)]))
            #expect(hot == (full.inExperiment ? full.variationIndex : nil))
            if let hot { counts[hot] += 1 }
        }
        for (count, weight) in zip(counts, [0.2, 0.3, 0.5]) {
            let expected = Double(n) * 0.9 * 0.8 * weight
            #expect(abs(Double(count) - expected) < 5 * expected.squareRoot(), "\(counts)")
        }
    }

    @Test func replayingExposuresRebuildsStickyAssignments() {
        let experiment = Experiment(
            key: "exp", variations: [0, 1], hashVersion: 2, bucketVersion: 2,
            meta: [VariationMeta(key: "control"), VariationMeta(key: "treatment")])
        var live = StickyAssignments()
        var log: [AssignmentResult] = []
        for i in 0..<50 {
            let result = experiment.assign(
                in: EvaluationContext(attributes: ["id": .string("c\(i)")], stickyAssignments: live))
            if let update = result.stickyBucketUpdate { live.save(update) }
            log.append(result)
        }
        var replayed = StickyAssignments()
        for exposure in log { replayed.record(exposure) }
        #expect(replayed == live)
        #expect(log[0].exposureJSON["variationId"] == .string(log[0].variationKey))
        #expect(log[0].exposureJSON["bucketVersion"] == 2)
    }
}
