/// What ties events together beyond their stream: the request or chain an event belongs
/// to (its correlation id) or the event that caused it (its causation id).
///
/// Both stores index events by these, so "what did this request set off?" and "what
/// did this event cause?" read only the events asked for, however long the log.
public enum EventLink: Sendable, Hashable, CustomStringConvertible {
    /// The events whose `correlationId` is this id.
    case correlation(EventID)
    /// The events whose `causationId` is this id.
    case causation(EventID)

    /// Calls `body` with each link `record` carries: its correlation, then its causation.
    static func forEach(in record: UnsafeRawBufferPointer, _ body: (EventLink) throws -> Void) rethrows {
        let stored = StoredEvent(record: record)
        if let id = stored.correlationId { try body(.correlation(id)) }
        if let id = stored.causationId { try body(.causation(id)) }
    }

    /// The index key: one byte for the kind (1 correlation, 2 causation), then the id's
    /// 16 bytes.
    func withKey<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let (kind, id): (UInt8, EventID) =
            switch self {
            case .correlation(let id): (1, id)
            case .causation(let id): (2, id)
            }
        return try withUnsafeTemporaryAllocation(byteCount: Self.keySize, alignment: 1) { key in
            key[0] = kind
            id.store(to: key, at: 1)
            return try body(UnsafeRawBufferPointer(key))
        }
    }

    static let keySize = 17

    /// Whether this link's index key sorts before `other`'s (kind, then id, as bytes).
    func precedes(_ other: EventLink) -> Bool {
        switch (self, other) {
        case (.correlation, .causation): true
        case (.causation, .correlation): false
        case (.correlation(let a), .correlation(let b)), (.causation(let a), .causation(let b)): a < b
        }
    }

    /// The link an index key names; `nil` for a key of another shape.
    init?(key: UnsafeRawBufferPointer) {
        guard key.count == Self.keySize else { return nil }
        let id = EventID(bytes: UnsafeRawBufferPointer(rebasing: key[1...]))
        switch key[0] {
        case 1: self = .correlation(id)
        case 2: self = .causation(id)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .correlation(let id): "correlation \(id)"
        case .causation(let id): "causation \(id)"
        }
    }
}
