import Foundation

/// Student's t distribution: CDF, survival, density and quantile for any positive
/// (possibly fractional, as Welch's test gives) degrees of freedom.
///
/// The CDF is the regularized incomplete beta function; the quantile refines a
/// Cornish–Fisher starting point with safeguarded Newton steps.
public enum StudentT {
    /// P(T ≤ t) with `df` degrees of freedom; the normal CDF when `df` is infinite.
    public static func cdf(_ t: Double, df: Double) -> Double {
        if t.isNaN || df.isNaN || df <= 0 { return .nan }
        if df.isInfinite { return Normal.cdf(t) }
        if t.isInfinite { return t > 0 ? 1 : 0 }
        let tail = 0.5 * tailBeta(t, df)
        return t > 0 ? 1 - tail : tail
    }

    /// P(T > t).
    public static func sf(_ t: Double, df: Double) -> Double { cdf(-t, df: df) }

    /// P(|T| > |t|): the two-sided tail probability.
    public static func twoSidedPValue(_ t: Double, df: Double) -> Double {
        if t.isNaN || df.isNaN || df <= 0 { return .nan }
        if df.isInfinite { return 2 * Normal.sf(abs(t)) }
        if t.isInfinite { return 0 }
        return min(1, tailBeta(t, df))
    }

    /// I_{df/(df+t²)}(df/2, 1/2): twice the one-sided tail beyond |t|.
    private static func tailBeta(_ t: Double, _ df: Double) -> Double {
        let t2 = t * t
        return SpecialFunctions.incompleteBeta(df / 2, 0.5, x: df / (df + t2), y: t2 / (df + t2))
    }

    /// The density at t.
    public static func pdf(_ t: Double, df: Double) -> Double {
        if df.isInfinite { return Normal.pdf(t) }
        let logDensity = -0.5 * (df + 1) * log1p(t * t / df) - 0.5 * log(df) - SpecialFunctions.logBeta(df / 2, 0.5)
        return exp(logDensity)
    }

    /// The t with P(T ≤ t) = p.
    public static func quantile(_ p: Double, df: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 || df.isNaN || df <= 0 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if df.isInfinite { return Normal.quantile(p) }
        if p == 0.5 { return 0 }
        // Cornish–Fisher expansion around the normal quantile as the starting point.
        let z = Normal.quantile(p)
        let z3 = z * z * z
        let z5 = z3 * z * z
        var t = z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df)
        if !t.isFinite { t = z }
        // Newton steps, falling back to bisection once the root is bracketed and Newton
        // would leave the bracket (the CDF is increasing, so the sign of f says which side).
        var low: Double?
        var high: Double?
        for _ in 0..<200 {
            let f = cdf(t, df: df) - p
            if f == 0 { break }
            if f < 0 { low = t } else { high = t }
            var next = t - f / pdf(t, df: df)
            if let l = low, let h = high {
                if !(next > l && next < h) { next = (l + h) / 2 }
            } else if !next.isFinite {
                next = f < 0 ? t + max(1, abs(t)) : t - max(1, abs(t))
            }
            if abs(next - t) <= 1e-14 * max(1, abs(t)) {
                t = next
                break
            }
            t = next
        }
        return t
    }
}
