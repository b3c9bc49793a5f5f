/// Which of GrowthBook's two bucketing hashes an experiment uses.
///
/// - ``v1``: `fnv1a32(value + seed) % 1000 / 1000`. GrowthBook's original algorithm,
///   kept for compatibility: three decimal places, and correlated between experiments
///   whose seeds share a suffix.
/// - ``v2``: `fnv1a32(String(fnv1a32(seed + value))) % 10000 / 10000`. Hashing the
///   decimal text of the first hash removes that correlation; four decimal places.
///
/// GrowthBook's SDKs default to version 1 when an experiment names none; Ledgerline's
/// experiment definitions default to version 2.
public enum HashVersion: Int, Sendable, Hashable, Codable, CaseIterable {
    case v1 = 1
    case v2 = 2
}
