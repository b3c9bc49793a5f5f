/// A position and the hash it was sealed by, kept outside the store.
///
/// The hash chain shows that no event was changed, moved or dropped *relative to the
/// rest*, but a log rewritten from some position on, with its chain recomputed, or cut
/// short at its end, still holds together. A head taken earlier and kept elsewhere (a
/// ticket, a second machine, a signed report) catches both: the event at that position
/// must still exist and still carry that hash.
public struct ChainAnchor: Sendable, Hashable, CustomStringConvertible {
    public var position: LogPosition
    public var hash: EventHash

    public init(position: LogPosition, hash: EventHash) {
        self.position = position
        self.hash = hash
    }

    /// Parses `SEQ:HASH`, such as `1200:` followed by 64 hex digits; `nil` for anything
    /// else, including position 0 (which no event has).
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let position = UInt64(parts[0]), position > 0, let hash = EventHash(hex: parts[1].lowercased()) else { return nil }
        self.init(position: LogPosition(position), hash: hash)
    }

    /// `SEQ:HASH`, as ``init(parsing:)`` reads it.
    public var description: String { "\(position.rawValue):\(hash)" }

    /// What an anchor looks like, for error messages.
    public static let formatHint = "SEQ:HASH, a position and the 64 hex digits of its hash, as `ledgerline verify` prints the head"
}

extension EventStore {
    /// Why this log does not hold `anchor`, or `nil` when the event at its position
    /// carries its hash. Meaningful once ``verify(progress:)`` found the chain intact:
    /// then a matching anchor vouches for every event up to its position.
    public func problem(with anchor: ChainAnchor) throws(EventLogError) -> String? {
        guard let event = try read(from: anchor.position, direction: .forward, limit: 1).first, event.position == anchor.position else {
            let head = try head().position
            return "the log ends at position \(head), before the anchored position \(anchor.position): events were removed from its end, "
                + "or this is not the log the anchor was taken from"
        }
        guard event.hash == anchor.hash else {
            return "position \(anchor.position) is sealed by \(event.hash.description.prefix(16))…, not by the anchored \(anchor.hash.description.prefix(16))…: "
                + "the log was rewritten at or before that position, or this is not the log the anchor was taken from"
        }
        return nil
    }
}
