import JSON

/// `minimum`, `maximum`, `exclusiveMinimum` or `exclusiveMaximum`.
final class NumericBound: Sendable {
    let limit: JSONNumber
    /// The limit as a fixed-point decimal, for the allocation-free comparison.
    let fixed: FixedDecimal?
    let isUpper: Bool
    let isExclusive: Bool

    init(limit: JSONNumber, isUpper: Bool, isExclusive: Bool) {
        self.limit = limit
        fixed = FixedDecimal(limit.text)
        self.isUpper = isUpper
        self.isExclusive = isExclusive
    }

    var keyword: String {
        switch (isUpper, isExclusive) {
        case (true, false): return "maximum"
        case (true, true): return "exclusiveMaximum"
        case (false, false): return "minimum"
        case (false, true): return "exclusiveMinimum"
        }
    }
}
