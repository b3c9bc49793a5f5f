import Testing

@testable import Experiments

@Suite struct BucketRangeTests {
    @Test func coverageAboveOneIsClampedAndBadWeightsBecomeEqual() {
        #expect(BucketRange.ranges(count: 2, coverage: 1.5) == [.init(start: 0, end: 0.5), .init(start: 0.5, end: 1)])
        #expect(BucketRange.ranges(count: 2, coverage: 1, weights: [0.4, 0.1]) == BucketRange.ranges(count: 2))
        #expect(BucketRange.ranges(count: 2, coverage: 1, weights: [0.7, 0.6]) == BucketRange.ranges(count: 2))
        #expect(
            BucketRange.ranges(count: 2, coverage: 1, weights: [0.4, 0.6]) == [
                .init(start: 0, end: 0.4), .init(start: 0.4, end: 1),
            ])
    }

    @Test func rangesAreHalfOpen() {
        let ranges = BucketRange.ranges(count: 2)
        #expect(BucketRange.chooseVariation(bucket: 0.5, ranges: ranges) == 1)
        #expect(BucketRange.chooseVariation(bucket: 0.4999, ranges: ranges) == 0)
        #expect(BucketRange.chooseVariation(bucket: 1.0, ranges: ranges) == -1)
    }

    @Test func loweringCoverageNeverMovesACustomerToAnotherVariation() {
        let full = BucketRange.ranges(count: 3, coverage: 1, weights: [0.2, 0.3, 0.5])
        let partial = BucketRange.ranges(count: 3, coverage: 0.4, weights: [0.2, 0.3, 0.5])
        for step in 0..<1000 {
            let bucket = Double(step) / 1000
            let now = BucketRange.chooseVariation(bucket: bucket, ranges: partial)
            if now >= 0 { #expect(now == BucketRange.chooseVariation(bucket: bucket, ranges: full)) }
        }
    }
}
