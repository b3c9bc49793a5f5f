/// The chi-squared distribution: CDF and survival function through the regularized
/// incomplete gamma functions.
public enum ChiSquared {
    /// P(X ≤ x) with `df` degrees of freedom.
    public static func cdf(_ x: Double, df: Double) -> Double {
        if x.isNaN || df.isNaN || df <= 0 { return .nan }
        return SpecialFunctions.lowerGamma(df / 2, max(0, x) / 2)
    }

    /// P(X > x): the p-value of a chi-squared statistic `x`.
    public static func sf(_ x: Double, df: Double) -> Double {
        if x.isNaN || df.isNaN || df <= 0 { return .nan }
        return SpecialFunctions.upperGamma(df / 2, max(0, x) / 2)
    }
}
