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
    /// else, including position 0 (which no event has) and a signed one (`+1200`), which
    /// `verify` never prints.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), let position = UInt64(parts[0]),
            position > 0, let hash = EventHash(hex: parts[1].lowercased())
        else { return nil }
        self.init(position: LogPosition(position), hash: hash)
    }

    /// `SEQ:HASH`, as ``init(parsing:)`` reads it.
    public var description: String { "\(position.rawValue):\(hash)" }

    /// What makes `text` not an anchor, in words a person can act on (`the hash has 10
    /// hex digits, not 64`), or `nil` when no part stands out. Meant for text
    /// ``init(parsing:)`` refused.
    public static func flaw(in text: String) -> String? {
        if text.first?.isWhitespace == true || text.last?.isWhitespace == true {
            return "it has spaces or a line break around it; give it without them"
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return "it has no `:` between the position and the hash" }
        guard parts.count == 2 else {
            return "it has \(parts.count - 1) `:`, not one; give the position, `:` and the hash alone"
        }
        let (position, hash) = (parts[0], parts[1])
        if position.isEmpty { return "the position before the `:` is missing" }
        guard position.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return "the position \"\(position.prefix(24))\" is not a whole number"
        }
        guard let number = UInt64(position) else { return "the position \(position.prefix(24)) is past any log's end" }
        if number == 0 { return "positions start at 1; no event is at position 0" }
        if let bad = hash.first(where: { !$0.isHexDigit }) {
            return "the hash holds \"\(bad)\", which is not a hex digit"
        }
        if hash.count != 64 { return "the hash has \(hash.count) hex digits, not 64" }
        return nil
    }

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
            return "position \(anchor.position) is sealed by \(event.hash.description), not by the anchored \(anchor.hash.description): "
                + "the log was rewritten at or before that position, or this is not the log the anchor was taken from"
        }
        return nil
    }
}
