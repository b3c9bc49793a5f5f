import Foundation

/// A Beta(α, β) distribution with a deterministic sampler.
///
/// Samples are drawn as X/(X + Y) with X ~ Gamma(α), Y ~ Gamma(β); gamma variates use
/// Marsaglia & Tsang's squeeze method (2000), boosted by U^(1/α) for α < 1; the normal
/// variates it needs come from the Marsaglia polar method. Every draw consumes the
/// generator in a fixed pattern, so the same seed gives the same samples everywhere
/// IEEE arithmetic and the platform's `log`/`sqrt` agree.
public struct BetaDistribution: Sendable, Hashable, Codable {
    public var alpha: Double
    public var beta: Double

    public init(alpha: Double, beta: Double) {
        precondition(alpha > 0 && beta > 0, "Beta parameters must be positive")
        self.alpha = alpha
        self.beta = beta
    }

    /// The posterior of a conversion rate after `conversions` of `units`, from a Beta(1, 1)
    /// (uniform) prior: Beta(1 + conversions, 1 + units − conversions).
    public init(conversions: Int, units: Int, prior: (alpha: Double, beta: Double) = (1, 1)) {
        self.init(
            alpha: prior.alpha + Double(max(0, conversions)),
            beta: prior.beta + Double(max(0, units - conversions)))
    }

    public var mean: Double { alpha / (alpha + beta) }

    /// One draw.
    public func sample(using rng: inout Xoshiro256StarStar) -> Double {
        let x = Self.gamma(shape: alpha, using: &rng)
        let y = Self.gamma(shape: beta, using: &rng)
        return x + y > 0 ? x / (x + y) : (alpha >= beta ? 1 : 0)
    }

    /// A Gamma(shape, 1) variate.
    static func gamma(shape: Double, using rng: inout Xoshiro256StarStar) -> Double {
        if shape < 1 {
            let boost = pow(openUnit(&rng), 1 / shape)
            return gamma(shape: shape + 1, using: &rng) * boost
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = standardNormal(&rng)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = openUnit(&rng)
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// A standard normal variate (Marsaglia polar method, one of the pair).
    static func standardNormal(_ rng: inout Xoshiro256StarStar) -> Double {
        while true {
            let u = 2 * rng.nextUnitDouble() - 1
            let v = 2 * rng.nextUnitDouble() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 { return u * (-2 * log(s) / s).squareRoot() }
        }
    }

    /// A uniform variate on (0, 1), never 0.
    static func openUnit(_ rng: inout Xoshiro256StarStar) -> Double {
        while true {
            let u = rng.nextUnitDouble()
            if u > 0 { return u }
        }
    }
}
