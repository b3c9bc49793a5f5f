import Foundation
import JSON
import Testing

@testable import Experiments

/// Ledgerline's statistics against GrowthBook's `gbstats` (and SciPy) on the same
/// sufficient statistics: every number must agree to 1e-6 (relative above 1).
@Suite(.enabled(if: GbstatsReference.available, Comment(rawValue: GbstatsReference.unavailableReason)))
struct GbstatsComparisonTests {
    struct Case {
        var id: String
        var kind: StatisticKind
        var a: SufficientStatistics
        var b: SufficientStatistics
        var difference: DifferenceType
        var alpha = 0.05
        var tuning = 5000.0
        var prior = GaussianPrior()
        var inverse = false

        var json: JSONValue {
            func stats(_ s: SufficientStatistics) -> JSONValue {
                [
                    "n": .number(JSONNumber(s.units)), "sum": .number(JSONNumber(s.sum)),
                    "sumSquares": .number(JSONNumber(s.sumOfSquares)),
                ]
            }
            return [
                "id": .string(id), "kind": .string(kind.rawValue), "a": stats(a), "b": stats(b),
                "difference": .string(difference.rawValue), "alpha": .number(JSONNumber(alpha)),
                "tuning": .number(JSONNumber(tuning)), "inverse": .bool(inverse),
                "prior": [
                    "mean": .number(JSONNumber(prior.mean)), "variance": .number(JSONNumber(prior.variance)),
                    "proper": .bool(prior.proper),
                ],
            ]
        }
    }

    /// Revenue-like values: most units spend nothing, buyers spend a skewed amount.
    static func revenue(units: Int, buyRate: Double, scale: Double, seed: UInt64) -> SufficientStatistics {
        var rng = Xoshiro256StarStar(seed: seed)
        var s = SufficientStatistics(units: 0, sum: 0, sumOfSquares: 0)
        for _ in 0..<units {
            if rng.nextUnitDouble() < buyRate {
                let u = max(1e-12, rng.nextUnitDouble())
                s.add((scale * -log(u) * 100).rounded() / 100)
            } else {
                s.add(0)
            }
        }
        return s
    }

    static let cases: [Case] = {
        let rates: [(Int, Int, Int, Int)] = [
            (1000, 100, 1000, 120), (5000, 250, 5100, 300), (200, 3, 210, 9), (1_000_000, 1000, 1_000_000, 1100),
            (50, 25, 50, 30), (10_000, 9900, 10_000, 9950), (1000, 0, 1000, 5), (1000, 100, 1000, 100), (2, 1, 3, 1),
            (1000, 120, 1000, 80), (0, 0, 10, 1),
        ]
        let means: [(SufficientStatistics, SufficientStatistics)] = [
            (
                revenue(units: 2000, buyRate: 0.1, scale: 80, seed: 1),
                revenue(units: 2100, buyRate: 0.12, scale: 80, seed: 2)
            ),
            (
                revenue(units: 300, buyRate: 0.5, scale: 20, seed: 3),
                revenue(units: 280, buyRate: 0.45, scale: 25, seed: 4)
            ),
            (
                revenue(units: 20_000, buyRate: 0.02, scale: 150, seed: 5),
                revenue(units: 20_000, buyRate: 0.02, scale: 150, seed: 6)
            ),
            (
                SufficientStatistics(units: 1, sum: 5, sumOfSquares: 25),
                SufficientStatistics(units: 10, sum: 40, sumOfSquares: 300)
            ),
            (
                SufficientStatistics(units: 10, sum: 0, sumOfSquares: 0),
                SufficientStatistics(units: 10, sum: 40, sumOfSquares: 300)
            ),
        ]
        var cases: [Case] = []
        let priors = [
            GaussianPrior(), GaussianPrior(mean: 0, variance: 0.01, proper: true),
            GaussianPrior(mean: 0.05, variance: 0.04, proper: true),
        ]
        for difference in [DifferenceType.relative, .absolute] {
            for (i, r) in rates.enumerated() {
                for (j, prior) in priors.enumerated() {
                    cases.append(
                        Case(
                            id: "p\(i)-\(difference)-\(j)", kind: .proportion,
                            a: SufficientStatistics(units: r.0, conversions: r.1),
                            b: SufficientStatistics(units: r.2, conversions: r.3),
                            difference: difference, alpha: j == 2 ? 0.1 : 0.05, tuning: j == 1 ? 200 : 5000,
                            prior: prior,
                            inverse: j == 2))
                }
            }
            for (i, m) in means.enumerated() {
                for (j, prior) in priors.enumerated() {
                    cases.append(
                        Case(
                            id: "m\(i)-\(difference)-\(j)", kind: .mean, a: m.0, b: m.1, difference: difference,
                            alpha: j == 2 ? 0.1 : 0.05, tuning: j == 1 ? 200 : 5000, prior: prior, inverse: j == 1))
                }
            }
        }
        return cases
    }()

    static let srmCases: [([Int], [Double])] = [
        ([1000, 1100], [0.5, 0.5]), ([5000, 5000], [0.5, 0.5]), ([3300, 3350, 3250], [1, 1, 1]),
        ([1000, 3100], [0.25, 0.75]), ([100, 0, 130], [0.4, 0, 0.6]), ([10_000, 10_600], [0.5, 0.5]),
        ([0, 0], [0.5, 0.5]),
    ]

    /// |got − expected| ≤ 1e-6 · max(1, |expected|); `nil` expected means ±∞ or NaN.
    static func close(_ got: Double, _ expected: JSONValue?) -> Bool {
        guard let e = expected?.numberValue?.doubleValue else { return !got.isFinite }
        return abs(got - e) <= 1e-6 * max(1, abs(e))
    }

    @Test func welchSequentialAndBayesianMatchGbstats() throws {
        let request: JSONValue = ["cases": .array(Self.cases.map(\.json))]
        let reference = try GbstatsReference.query(request)
        let answers = try #require(reference["cases"]?.arrayValue)
        #expect(answers.count == Self.cases.count)
        var compared = 0
        var worst = 0.0
        var mismatches: [String] = []
        func check(_ label: String, _ got: Double, _ expected: JSONValue?) {
            compared += 1
            if let e = expected?.numberValue?.doubleValue { worst = max(worst, abs(got - e) / max(1, abs(e))) }
            if !Self.close(got, expected) { mismatches.append("\(label): got \(got), gbstats \(expected ?? .null)") }
        }
        for (c, answer) in zip(Self.cases, answers) {
            let a = MetricStatistic(c.kind, c.a)
            let b = MetricStatistic(c.kind, c.b)
            let welch = WelchTTest.compare(control: a, treatment: b, difference: c.difference, alpha: c.alpha)
            let t = answer["ttest"]!
            check("\(c.id) t.expected", welch.estimate, t["expected"])
            check("\(c.id) t.ci.lower", welch.interval.lower, t["ci"]?[0])
            check("\(c.id) t.ci.upper", welch.interval.upper, t["ci"]?[1])
            check("\(c.id) t.p", welch.pValue, t["p_value"])
            if welch.problem?.rawValue != t["error"]?.stringValue {
                mismatches.append("\(c.id) t.error \(String(describing: welch.problem))")
            }

            let sequential = SequentialTest.compare(
                control: a, treatment: b, difference: c.difference, alpha: c.alpha,
                tuning: c.tuning)
            let s = answer["sequential"]!
            check("\(c.id) seq.ci.lower", sequential.interval.lower, s["ci"]?[0])
            check("\(c.id) seq.ci.upper", sequential.interval.upper, s["ci"]?[1])
            check("\(c.id) seq.p", sequential.pValue, s["p_value"])

            let bayes = BayesianTest.compare(
                control: a, treatment: b, difference: c.difference, prior: c.prior,
                inverse: c.inverse, alpha: c.alpha)
            let y = answer["bayes"]!
            check("\(c.id) bayes.ctw", bayes.chanceToWin, y["chance_to_win"])
            check("\(c.id) bayes.expected", bayes.estimate, y["expected"])
            check("\(c.id) bayes.ci.lower", bayes.interval.lower, y["ci"]?[0])
            check("\(c.id) bayes.ci.upper", bayes.interval.upper, y["ci"]?[1])
            check("\(c.id) bayes.risk.control", bayes.risk.control, y["risk"]?[0])
            check("\(c.id) bayes.risk.treatment", bayes.risk.treatment, y["risk"]?[1])
            check("\(c.id) bayes.stddev", bayes.posteriorStandardDeviation, y["stddev"])
            if bayes.problem?.rawValue != y["error"]?.stringValue {
                mismatches.append("\(c.id) bayes.error \(String(describing: bayes.problem))")
            }
        }
        print(
            "gbstats comparison: \(compared - mismatches.count)/\(compared) values within 1e-6 over \(Self.cases.count) cases; "
                + "largest deviation \(worst)")
        for line in mismatches.prefix(30) { print("  MISMATCH \(line)") }
        #expect(mismatches.isEmpty)
    }

    @Test func sampleRatioMismatchMatchesGbstats() throws {
        let request: JSONValue = [
            "srm": .array(
                Self.srmCases.map { c in
                    [
                        "users": .array(c.0.map { .number(JSONNumber($0)) }),
                        "weights": .array(c.1.map { .number(JSONNumber($0)) }),
                    ]
                })
        ]
        let expected = try #require(try GbstatsReference.query(request)["srm"]?.arrayValue)
        for (c, p) in zip(Self.srmCases, expected) {
            let got = SampleRatioMismatch(units: c.0, weights: c.1).pValue
            #expect(Self.close(got, p), "\(c): got \(got), gbstats \(p)")
        }
    }

    @Test func distributionsMatchSciPy() throws {
        let dfs: [Double] = [1, 2.5, 7, 30, 333.3, 1e4, 1e6, 1e8]
        let xs: [Double] = [-30, -4, -1.96, -0.3, 0, 0.7, 2.2, 9]
        let ps: [Double] = [1e-10, 0.001, 0.025, 0.5, 0.9, 0.975, 0.9995]
        let tPoints = dfs.flatMap { df in xs.map { [$0, df] } }
        let tQuantiles = dfs.flatMap { df in ps.map { [$0, df] } }
        let chiPoints: [[Double]] = [1, 2, 3, 10, 99].flatMap { k in [0.01, 1, 3.84, 12, 60, 400].map { [$0, k] } }
        func array(_ rows: [[Double]]) -> JSONValue { .array(rows.map { .array($0.map { .number(JSONNumber($0)) }) }) }
        let request: JSONValue = [
            "distributions": [
                "t": array(tPoints), "tppf": array(tQuantiles), "norm": .array(xs.map { .number(JSONNumber($0)) }),
                "normppf": .array(ps.map { .number(JSONNumber($0)) }), "chi2": array(chiPoints),
            ]
        ]
        let d = try #require(try GbstatsReference.query(request)["distributions"])
        var mismatches: [String] = []
        func relativeClose(_ got: Double, _ expected: JSONValue?) -> Bool {
            guard let e = expected?.numberValue?.doubleValue else { return !got.isFinite }
            return abs(got - e) <= 1e-9 * max(1e-300, abs(e)) || abs(got - e) < 1e-15
        }
        for (point, answer) in zip(tPoints, d["t"]!.arrayValue!) {
            if !Self.close(StudentT.cdf(point[0], df: point[1]), answer[0])
                || !relativeClose(StudentT.sf(point[0], df: point[1]), answer[1]) && point[1] < 1e8
            {
                mismatches.append("t \(point)")
            }
        }
        for (point, answer) in zip(tQuantiles, d["tppf"]!.arrayValue!)
        where !relativeClose(StudentT.quantile(point[0], df: point[1]), answer) {
            if !Self.close(StudentT.quantile(point[0], df: point[1]), answer) { mismatches.append("tppf \(point)") }
        }
        for (x, answer) in zip(xs, d["norm"]!.arrayValue!)
        where !relativeClose(Normal.cdf(x), answer[0]) || !relativeClose(Normal.sf(x), answer[1]) {
            mismatches.append("norm \(x)")
        }
        for (p, answer) in zip(ps, d["normppf"]!.arrayValue!) where !relativeClose(Normal.quantile(p), answer) {
            mismatches.append("normppf \(p)")
        }
        for (point, answer) in zip(chiPoints, d["chi2"]!.arrayValue!) {
            if !relativeClose(ChiSquared.cdf(point[0], df: point[1]), answer[0])
                || !relativeClose(ChiSquared.sf(point[0], df: point[1]), answer[1])
            {
                mismatches.append("chi2 \(point)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }
}
