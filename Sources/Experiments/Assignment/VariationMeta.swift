/// What GrowthBook's `meta` says about one variation: its stable key, a display name,
/// and whether it is a passthrough (a holdout arm that lets evaluation continue).
///
/// The key is what sticky assignments record, so it must stay stable across phases;
/// Ledgerline's variation ids are these keys.
public struct VariationMeta: Sendable, Hashable, Codable {
    public var key: String?
    public var name: String?
    public var passthrough: Bool

    public init(key: String? = nil, name: String? = nil, passthrough: Bool = false) {
        self.key = key
        self.name = name
        self.passthrough = passthrough
    }
}
