/// One variation's statistic for one metric, with gbstats' definitions of mean and variance.
public struct MetricStatistic: Sendable, Hashable {
    public var kind: StatisticKind
    public var statistics: SufficientStatistics

    public init(_ kind: StatisticKind, _ statistics: SufficientStatistics) {
        self.kind = kind
        self.statistics = statistics
    }

    public var units: Int { statistics.units }

    /// The mean per unit (the conversion rate for proportions); 0 without units.
    public var mean: Double { statistics.units == 0 ? 0 : statistics.sum / Double(statistics.units) }

    /// The per-unit variance: p(1 − p) for proportions, the sample variance (n − 1) for
    /// means; 0 with fewer than two units.
    public var variance: Double {
        switch kind {
        case .proportion:
            let p = mean
            return p * (1 - p)
        case .mean:
            let n = Double(statistics.units)
            guard statistics.units > 1 else { return 0 }
            return (statistics.sumOfSquares - statistics.sum * statistics.sum / n) / (n - 1)
        }
    }

    /// The standard deviation per unit (0 when the variance is not positive).
    public var standardDeviation: Double { variance > 0 ? variance.squareRoot() : 0 }

    /// The standard error of the mean, √(variance / n).
    public var standardError: Double {
        statistics.units == 0 ? 0 : (max(0, variance) / Double(statistics.units)).squareRoot()
    }

    /// A two-sided interval for the mean at `level` (0.95 by default): mean ± z·SE, the
    /// Wald interval for a proportion.
    public func interval(level: Double = 0.95) -> ConfidenceInterval {
        let z = Normal.quantile(1 - (1 - level) / 2)
        return ConfidenceInterval(lower: mean - z * standardError, upper: mean + z * standardError, level: level)
    }

    /// The Wilson score interval for a proportion at `level`: better than Wald near 0 and 1
    /// and with few units.
    public func wilsonInterval(level: Double = 0.95) -> ConfidenceInterval {
        let n = Double(statistics.units)
        guard n > 0 else { return ConfidenceInterval(lower: 0, upper: 1, level: level) }
        let z = Normal.quantile(1 - (1 - level) / 2)
        let p = min(1, max(0, mean))
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let halfWidth = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / denominator
        return ConfidenceInterval(lower: max(0, centre - halfWidth), upper: min(1, centre + halfWidth), level: level)
    }
}
