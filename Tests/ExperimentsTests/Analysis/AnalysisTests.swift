import Testing

@testable import Experiments

/// Checks that need no Python: reference values below were computed with SciPy.
@Suite struct AnalysisTests {
    @Test func twoProportionZTestMatchesTheTextbook() {
        let result = TwoProportionZTest.compare(
            control: SufficientStatistics(units: 1000, conversions: 100),
            treatment: SufficientStatistics(units: 1000, conversions: 120))
        #expect(abs(result.statistic - 1.4293008498232314) < 1e-12)
        #expect(abs(result.pValue - 0.1529177818639462) < 1e-12)
        #expect(abs(result.interval.lower - -0.0074114819980199455) < 1e-12)
        #expect(abs(result.interval.upper - 0.04741148199801992) < 1e-12)
    }

    @Test func wilsonIntervalMatchesSciPy() {
        let interval = MetricStatistic(.proportion, SufficientStatistics(units: 200, conversions: 30)).wilsonInterval()
        #expect(abs(interval.lower - 0.10713593562241996) < 1e-12)
        #expect(abs(interval.upper - 0.20605579284166664) < 1e-12)
    }

    @Test func benjaminiHochbergMatchesSciPy() {
        let adjusted = MultipleComparisons.benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.5, 0.0001])
        let expected = [0.02, 0.048, 0.045, 0.015, 0.5, 0.0006]
        for (a, e) in zip(adjusted, expected) { #expect(abs(a - e) < 1e-12) }
    }

    @Test func holmIsStepDownBonferroni() {
        #expect(MultipleComparisons.holm([0.01, 0.04, 0.03, 0.005]) == [0.03, 0.06, 0.06, 0.02])
        #expect(MultipleComparisons.holm([0.5, 0.9]) == [1, 1])
        #expect(MultipleComparisons.holm([]) == [])
    }

    /// An undefined p-value (a comparison without data) counted in the family, raising m
    /// for every other metric, and came back as 1. By hand, for 0.01, 0.03, 0.04 (m = 3):
    /// Holm 0.01·3 = 0.03, 0.03·2 = 0.06, max(0.04·1, 0.06) = 0.06; BH 0.04·3/3 = 0.04,
    /// min(0.03·3/2, 0.04) = 0.04, min(0.01·3/1, 0.04) = 0.03.
    @Test func undefinedPValuesAreLeftOutOfTheFamily() {
        let holm = MultipleComparisons.holm([0.01, .nan, 0.04, 0.03])
        #expect(holm[1].isNaN)
        for (a, e) in zip([holm[0], holm[2], holm[3]], [0.03, 0.06, 0.06]) { #expect(abs(a - e) < 1e-12) }
        let bh = MultipleComparisons.benjaminiHochberg([0.01, .nan, 0.04, 0.03])
        #expect(bh[1].isNaN)
        for (a, e) in zip([bh[0], bh[2], bh[3]], [0.03, 0.04, 0.04]) { #expect(abs(a - e) < 1e-12) }
        #expect(MultipleComparisons.holm([.nan]).allSatisfy { $0.isNaN })
    }

    @Test func adjustmentSpansEveryMetricAndVariation() throws {
        let conversions = try MetricAnalysis.analyze(
            .proportion,
            statistics: [
                SufficientStatistics(units: 5000, conversions: 250),
                SufficientStatistics(units: 5000, conversions: 300),
                SufficientStatistics(units: 5000, conversions: 260),
            ])
        let revenue = try MetricAnalysis.analyze(
            .mean,
            statistics: [
                SufficientStatistics(units: 100, sum: 1000, sumOfSquares: 30_000),
                SufficientStatistics(units: 100, sum: 1300, sumOfSquares: 40_000),
            ])
        let adjusted = MultipleComparisons.adjust([conversions, revenue], method: .holm)
        #expect(adjusted.map(\.count) == [2, 1])
        #expect(adjusted[0][0] >= conversions.comparisons[0].frequentist.pValue)
    }

    @Test func sampleRatioMismatchWarnsOnlyBelowTheThreshold() {
        #expect(!SampleRatioMismatch(units: [5000, 5050], weights: [0.5, 0.5]).isMismatch)
        let broken = SampleRatioMismatch(units: [5000, 5600], weights: [0.5, 0.5])
        #expect(broken.isMismatch && broken.degreesOfFreedom == 1)
        #expect(SampleRatioMismatch(units: [0, 0], weights: [0.5, 0.5]).pValue == 1)
    }

    @Test func sequentialIntervalsAreWiderThanFixedHorizonOnes() {
        let a = MetricStatistic(.proportion, SufficientStatistics(units: 20_000, conversions: 1000))
        let b = MetricStatistic(.proportion, SufficientStatistics(units: 20_000, conversions: 1100))
        let fixed = WelchTTest.compare(control: a, treatment: b)
        let always = SequentialTest.compare(control: a, treatment: b)
        #expect(always.interval.lower < fixed.interval.lower && always.interval.upper > fixed.interval.upper)
        #expect(always.pValue >= fixed.pValue)
    }

    @Test func degenerateInputsGiveGbstatsDefaults() {
        let zero = MetricStatistic(.proportion, SufficientStatistics(units: 100, conversions: 0))
        let some = MetricStatistic(.proportion, SufficientStatistics(units: 100, conversions: 5))
        #expect(WelchTTest.compare(control: zero, treatment: some).problem == .zeroBaseline)
        let bayes = BayesianTest.compare(control: zero, treatment: some)
        #expect(bayes.problem == .zeroBaseline && bayes.chanceToWin == 0.5)
        #expect(throws: ExperimentsError.self) {
            try MetricAnalysis.analyze(.mean, statistics: [SufficientStatistics(units: 1, sum: 1, sumOfSquares: 1)])
        }
    }

    @Test func inverseMetricsFlipChanceToWinAndRisk() {
        let a = MetricStatistic(.proportion, SufficientStatistics(units: 4000, conversions: 80))
        let b = MetricStatistic(.proportion, SufficientStatistics(units: 4000, conversions: 60))
        let normal = BayesianTest.compare(control: a, treatment: b)
        let inverse = BayesianTest.compare(control: a, treatment: b, inverse: true)
        #expect(abs(normal.chanceToWin + inverse.chanceToWin - 1) < 1e-15)
        #expect(normal.risk.control == inverse.risk.treatment)
        #expect(inverse.chanceToWin > 0.9)  // fewer unsubscribes is a win
    }

    @Test func tDistributionAgreesWithKnownQuantiles() {
        #expect(abs(StudentT.quantile(0.975, df: 10) - 2.228138851986274) < 1e-12)
        #expect(abs(StudentT.quantile(0.975, df: 1) - 12.706204736174694) < 1e-9)
        #expect(abs(StudentT.cdf(2.228138851986274, df: 10) - 0.975) < 1e-14)
        #expect(abs(ChiSquared.sf(3.8414588206941285, df: 1) - 0.05) < 1e-14)
        #expect(abs(Normal.quantile(0.975) - 1.959963984540054) < 1e-15)
    }
}
