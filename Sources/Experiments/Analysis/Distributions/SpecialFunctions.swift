import Foundation

/// The special functions the distributions rest on: log-gamma, log-beta, and the
/// regularized incomplete beta and gamma functions.
///
/// Written here rather than taken from a library so that p-values and intervals depend on
/// nothing outside the package. Accuracy is close to double precision for the arguments
/// experiment analysis produces (degrees of freedom up to 10^9, chi-square statistics in
/// the thousands); the tests compare them with SciPy.
enum SpecialFunctions {
    /// ln Γ(x) for x > 0: Lanczos approximation (g = 7, nine terms), reflection below 0.5.
    static func logGamma(_ x: Double) -> Double {
        if x < 0.5 { return log(Double.pi / abs(sin(Double.pi * x))) - logGamma(1 - x) }
        if x >= 10 { return (x - 0.5) * log(x) - x + 0.5 * log(2 * Double.pi) + stirlingCorrection(x) }
        let coefficients: [Double] = [
            0.999_999_999_999_809_93, 676.520_368_121_885_1, -1_259.139_216_722_402_8, 771.323_428_777_653_13,
            -176.615_029_162_140_59, 12.507_343_278_686_905, -0.138_571_095_265_720_12,
            9.984_369_578_019_571_6e-6, 1.505_632_735_149_311_6e-7,
        ]
        let z = x - 1
        var sum = coefficients[0]
        for i in 1..<coefficients.count { sum += coefficients[i] / (z + Double(i)) }
        let t = z + 7.5
        return 0.5 * log(2 * Double.pi) + (z + 0.5) * log(t) - t + log(sum)
    }

    /// The Stirling series remainder ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π], for x ≥ 10
    /// (seven terms: the first omitted one is below 1e-16 there).
    static func stirlingCorrection(_ x: Double) -> Double {
        let inverse = 1 / x
        let i2 = inverse * inverse
        let series =
            1.0 / 12 - i2
            * (1.0 / 360 - i2
                * (1.0 / 1260 - i2
                    * (1.0 / 1680 - i2
                        * (1.0 / 1188
                            - i2 * (691.0 / 360_360 - i2 * (1.0 / 156))))))
        return inverse * series
    }

    /// ln Γ(x + d) − ln Γ(x) for x ≥ 10, without the cancellation of subtracting two huge values.
    static func logGammaDifference(_ x: Double, _ d: Double) -> Double {
        (x - 0.5) * log1p(d / x) + d * log(x + d) - d + stirlingCorrection(x + d) - stirlingCorrection(x)
    }

    /// ln B(a, b), accurate also when one argument is huge (Student-t with many degrees of freedom).
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        let small = min(a, b)
        let large = max(a, b)
        if large < 10 { return logGamma(a) + logGamma(b) - logGamma(a + b) }
        return logGamma(small) - logGammaDifference(large, small)
    }

    /// The regularized incomplete beta function I_x(a, b), given x and y = 1 − x (pass y
    /// computed directly when x is close to 1, to keep its precision).
    ///
    /// Continued fraction (modified Lentz), on whichever side of the mean converges fast.
    static func incompleteBeta(_ a: Double, _ b: Double, x: Double, y: Double) -> Double {
        if x <= 0 { return 0 }
        if y <= 0 { return 1 }
        // ln x and ln y from whichever of x, y is small, so a huge a or b does not amplify
        // the rounding of 1 − y.
        let logX = x > 0.5 ? log1p(-y) : log(x)
        let logY = y > 0.5 ? log1p(-x) : log(y)
        let logFront = a * logX + b * logY - logBeta(a, b)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaContinuedFraction(a, b, x: x, y: y) / a
        }
        return 1 - exp(logFront) * betaContinuedFraction(b, a, x: y, y: x) / b
    }

    /// The continued fraction of I_x(a, b) (Numerical Recipes' `betacf`), with enough
    /// iterations for arguments in the millions.
    private static func betaContinuedFraction(_ a: Double, _ b: Double, x: Double, y: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...200_000 {
            let m = Double(m)
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// The regularized lower incomplete gamma function P(a, x).
    static func lowerGamma(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x)
    }

    /// The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x), computed
    /// directly in the upper tail so small p-values keep their precision.
    static func upperGamma(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x)
    }

    private static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a
        var sum = term
        var ap = a
        for _ in 0..<100_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * 1e-17 { break }
        }
        return sum * exp(-x + a * log(x) - logGamma(a))
    }

    private static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...100_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(-x + a * log(x) - logGamma(a)) * h
    }
}
