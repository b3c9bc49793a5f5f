/// Adjusting p-values when many metrics (or variations) are tested at once, so that
/// "one of twelve metrics moved" is not mistaken for a finding.
public enum MultipleComparisons {
    /// Holm–Bonferroni adjusted p-values (controls the family-wise error rate), in the
    /// order given: sort ascending, multiply the i-th smallest by (m − i), carry the
    /// running maximum forward, cap at 1.
    ///
    /// An undefined p-value (NaN: a comparison without data) is no test: it is left out of
    /// the family, so m counts only the others, and its adjusted value stays NaN.
    public static func holm(_ pValues: [Double]) -> [Double] {
        let order = pValues.indices.filter { !pValues[$0].isNaN }.sorted { pValues[$0] < pValues[$1] }
        let m = order.count
        var adjusted = [Double](repeating: .nan, count: pValues.count)
        var running = 0.0
        for (rank, index) in order.enumerated() {
            running = max(running, min(1, Double(m - rank) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }

    /// Benjamini–Hochberg adjusted p-values (controls the false discovery rate), in the
    /// order given: sort ascending, multiply the i-th smallest by m/i, carry the running
    /// minimum backward from the largest, cap at 1.
    ///
    /// Undefined p-values (NaN) are left out of the family and stay NaN, as in ``holm(_:)``.
    public static func benjaminiHochberg(_ pValues: [Double]) -> [Double] {
        let order = pValues.indices.filter { !pValues[$0].isNaN }.sorted { pValues[$0] < pValues[$1] }
        let m = order.count
        var adjusted = [Double](repeating: .nan, count: pValues.count)
        var running = 1.0
        for (rank, index) in order.enumerated().reversed() {
            running = min(running, Double(m) / Double(rank + 1) * pValues[index])
            adjusted[index] = min(1, running)
        }
        return adjusted
    }
}
