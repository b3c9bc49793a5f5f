import JSON
import Testing

@testable import Experiments

@Suite struct FeatureEvaluatorTests {
    /// Upstream `feature` and `stickyBucket` cases beyond the shared subset:
    /// [context, feature key, expected value, expected source, expected bucket or null].
    static let cases = #"""
        [
          [{"features": {"feature": {"defaultValue": 2, "rules": [{"force": 1}]}}}, "feature", 1, "force", null],
          [{"attributes": {"id": "3"}, "features": {"feature": {"defaultValue": 2, "rules": [{"force": 1, "coverage": 0.5}]}}}, "feature", 1, "force", null],
          [{"attributes": {"id": 3}, "features": {"feature": {"defaultValue": 2, "rules": [{"force": 1, "coverage": 0.5}]}}}, "feature", 1, "force", null],
          [{"attributes": {"id": "1"}, "features": {"feature": {"defaultValue": 2, "rules": [{"force": 1, "coverage": 0.5}]}}}, "feature", 2, "defaultValue", null],
          [{"attributes": {"id": "d0bc0a5a"}, "features": {"8d156": {"defaultValue": 0, "rules": [{"force": 1, "coverage": 0, "hashVersion": 2}]}}}, "8d156", 0, "defaultValue", null],
          [{"attributes": {"id": "1"}, "features": {"feature": {"defaultValue": 2, "rules": [{"force": 1, "coverage": 1.0, "hashVersion": 99}]}}}, "feature", 2, "defaultValue", null],
          [{"features": {"feature": {"rules": [{}]}}}, "feature", null, "defaultValue", null],
          [{"attributes": {"id": "123"}, "features": {"feature": {"rules": [{"variations": ["a", "b", "c"]}]}}}, "feature", "c", "experiment", 0.863],
          [{"attributes": {"id": "456"}, "features": {"feature": {"rules": [{"variations": ["a", "b", "c"]}]}}}, "feature", "a", "experiment", 0.178],
          [{"attributes": {"id": "fds"}, "features": {"feature": {"rules": [{"variations": ["a", "b", "c"]}]}}}, "feature", "b", "experiment", 0.514],
          [{"attributes": {"anonId": "123", "premium": true}, "features": {"feature": {"rules": [{"coverage": 0.99, "hashAttribute": "anonId", "seed": "feature", "hashVersion": 2, "name": "Test", "phase": "1", "ranges": [[0, 0.1], [0.1, 1.0]], "meta": [{"key": "v0", "name": "variation 0"}, {"key": "v1", "name": "variation 1"}], "filters": [{"attribute": "anonId", "seed": "pricing", "ranges": [[0, 1]]}], "namespace": ["pricing", 0, 1], "key": "hello", "variations": [true, false], "weights": [0.1, 0.9], "condition": {"premium": true}}]}}}, "feature", false, "experiment", 0.5231],
          [{"attributes": {"id": "123"}, "features": {"feature": {"defaultValue": 0, "rules": [{"variations": [0, 1, 2, 3], "namespace": ["pricing", 0, 0.01]}, {"force": 3}]}}}, "feature", 3, "force", null],
          [{"attributes": {"id": "1"}, "features": {"feature": {"defaultValue": 0, "rules": [{"force": 2, "coverage": 0.01, "range": [0, 0.99]}]}}}, "feature", 2, "force", null],
          [{"attributes": {"id": "1"}, "features": {"feature": {"defaultValue": 0, "rules": [{"force": 2, "hashVersion": 2, "range": [0.96, 0.97]}]}}}, "feature", 2, "force", null],
          [{"attributes": {"id": "1"}, "features": {"feature": {"defaultValue": 0, "rules": [{"force": 2, "range": [0, 0.5], "seed": "fjdslafdsa", "hashVersion": 2}]}}}, "feature", 2, "force", null],
          [{"attributes": {"id": "1"}, "features": {"feature": {"defaultValue": 0, "rules": [{"force": 2, "filters": [{"seed": "seed", "ranges": [[0, 0.01]]}]}]}}}, "feature", 0, "defaultValue", null],
          [{"attributes": {"id": "1"}, "features": {"feature": {"defaultValue": 0, "rules": [{"key": "holdout", "variations": [1, 2], "hashVersion": 2, "ranges": [[0, 0.01], [0.01, 1.0]], "meta": [{}, {"passthrough": true}]}, {"key": "experiment", "variations": [3, 4], "hashVersion": 2, "ranges": [[0, 0.5], [0.5, 1.0]]}]}}}, "feature", 3, "experiment", 0.4413],
          [{"attributes": {"id": "1"}, "features": {"feature": {"defaultValue": 0, "rules": [{"key": "holdout", "hashVersion": 2, "variations": [1, 2], "ranges": [[0, 0.99], [0.99, 1.0]], "meta": [{}, {"passthrough": true}]}, {"key": "experiment", "hashVersion": 2, "variations": [3, 4], "ranges": [[0, 0.5], [0.5, 1.0]]}]}}}, "feature", 1, "experiment", 0.8043],
          [{"attributes": {"id": "123", "memberType": "basic", "country": "Canada"}, "features": {"parentFlag": {"defaultValue": "silver", "rules": [{"condition": {"country": "Canada"}, "force": "red"}, {"condition": {"country": {"$in": ["USA", "Mexico"]}}, "force": "green"}]}, "childFlag": {"defaultValue": "default", "rules": [{"parentConditions": [{"id": "parentFlag", "condition": {"value": "green"}, "gate": true}]}, {"condition": {"memberType": "basic"}, "force": "success"}]}}}, "childFlag", null, "prerequisite", null],
          [{"attributes": {"id": "123", "memberType": "basic", "country": "USA"}, "features": {"parentFlag": {"defaultValue": "silver", "rules": [{"condition": {"country": "Canada"}, "force": "red"}, {"condition": {"country": {"$in": ["USA", "Mexico"]}}, "force": "green"}]}, "childFlag": {"defaultValue": "default", "rules": [{"parentConditions": [{"id": "parentFlag", "condition": {"value": "green"}, "gate": true}]}, {"condition": {"memberType": "basic"}, "force": "success"}]}}}, "childFlag", "success", "force", null],
          [{"attributes": {"id": "1"}, "features": {"a": {"defaultValue": 1, "rules": [{"parentConditions": [{"id": "b", "condition": {"value": 1}}], "force": 2}]}, "b": {"defaultValue": 1, "rules": [{"parentConditions": [{"id": "a", "condition": {"value": 1}}], "force": 2}]}}}, "a", null, "cyclicPrerequisite", null]
        ]
        """#

    @Test func upstreamFeatureCasesPass() throws {
        for c in try JSONParser.parse(Self.cases).arrayValue! {
            let c = c.arrayValue!
            var evaluator = FeatureEvaluator(context: EvaluationContext(json: c[0]))
            let result = evaluator.evaluate(c[1].stringValue!)
            let bucketOK = c[4].isNull || result.experimentResult?.bucket == c[4].numberValue?.doubleValue
            #expect(
                result.value == c[2] && result.source.rawValue == c[3].stringValue && bucketOK,
                "\(c[1]): got \(result.value) from \(result.source), bucket \(String(describing: result.experimentResult?.bucket))"
            )
        }
    }

    /// [attributes, fallback attribute, stored documents, expected key, sticky used, expected documents].
    @Test func upstreamStickyCasesPass() throws {
        let rule =
            #"{"key": "feature-exp", "seed": "feature-exp", "hashAttribute": "id", "fallbackAttribute": "FALLBACK", "hashVersion": 2, "bucketVersion": 0, "condition": {"country": "USA"}, "variations": ["control", "red", "blue"], "meta": [{"key": "0"}, {"key": "1"}, {"key": "2"}], "coverage": 1, "weights": [0.3334, 0.3333, 0.3333], "phase": "0"}"#
        let cases: [(String, String, String, String, Bool, String)] = [
            (
                #"{"deviceId": "d123", "country": "USA"}"#, "deviceId",
                #"[{"attributeName": "deviceId", "attributeValue": "d123", "assignments": {"feature-exp__0": "2"}}]"#,
                "2", true,
                #"{"deviceId||d123": {"attributeName": "deviceId", "attributeValue": "d123", "assignments": {"feature-exp__0": "2"}}}"#
            ),
            (
                #"{"deviceId": "d123", "country": "USA"}"#, "deviceId",
                #"[{"attributeName": "deviceId", "attributeValue": "d456", "assignments": {"feature-exp__0": "2"}}]"#,
                "1", false,
                #"{"deviceId||d456": {"attributeName": "deviceId", "attributeValue": "d456", "assignments": {"feature-exp__0": "2"}}, "deviceId||d123": {"attributeName": "deviceId", "attributeValue": "d123", "assignments": {"feature-exp__0": "1"}}}"#
            ),
            (
                #"{"id": "i123", "anonymousId": "ses123", "country": "USA"}"#, "anonymousId",
                #"[{"attributeName": "anonymousId", "attributeValue": "ses123", "assignments": {"feature-exp__0": "1"}}]"#,
                "1", true,
                #"{"anonymousId||ses123": {"attributeName": "anonymousId", "attributeValue": "ses123", "assignments": {"feature-exp__0": "1"}}, "id||i123": {"attributeName": "id", "attributeValue": "i123", "assignments": {"feature-exp__0": "1"}}}"#
            ),
        ]
        for (attributes, fallback, stored, key, stickyUsed, expectedDocs) in cases {
            let ruleJSON = try JSONParser.parse(rule.replacingOccurrences(of: "FALLBACK", with: fallback))
            var context = EvaluationContext(
                attributes: try JSONParser.parse(attributes),
                features: ["exp1": Feature(rules: [FeatureRule(json: ruleJSON)])],
                stickyAssignments: StickyAssignments())
            for doc in try JSONParser.parse(stored).arrayValue! {
                context.stickyAssignments?.save(StickyAssignmentDocument(json: doc)!)
            }
            var evaluator = FeatureEvaluator(context: context)
            let result = evaluator.evaluate("exp1").experimentResult
            #expect(result?.variationKey == key && result?.stickyBucketUsed == stickyUsed)
            let docs = (evaluator.context.stickyAssignments?.documents ?? [:]).mapValues(\.json)
            #expect(JSONValue.object(JSONObject(docs)) == (try JSONParser.parse(expectedDocs)))
        }
    }
}
