extension MultipleComparisons {
    public enum Method: String, Sendable, Hashable, Codable {
        case holm
        case benjaminiHochberg = "benjamini-hochberg"
    }

    /// Adjusts the frequentist p-values of every comparison of every metric together, and
    /// returns them in the same shape: one array per metric, one entry per treatment.
    ///
    /// A comparison that could not be computed (its result has a ``FrequentistResult/problem``,
    /// and its p-value of 1 is a placeholder) is not part of the family: it does not count
    /// towards m, and its adjusted p-value is NaN (`null` in JSON, `n/a` in text).
    public static func adjust(_ analyses: [MetricAnalysis], method: Method) -> [[Double]] {
        let flat = analyses.flatMap {
            $0.comparisons.map { $0.frequentist.problem == nil ? $0.frequentist.pValue : .nan }
        }
        let adjusted = method == .holm ? holm(flat) : benjaminiHochberg(flat)
        var result: [[Double]] = []
        var offset = 0
        for analysis in analyses {
            result.append(Array(adjusted[offset..<offset + analysis.comparisons.count]))
            offset += analysis.comparisons.count
        }
        return result
    }
}
