/// Everything that can go wrong in the event log, as one error type.
///
/// ``code`` says what kind of failure it is, so callers can branch on it;
/// ``message`` is one sentence for people that says what happened, where, and what to
/// do. Payloads and other personal data never appear in messages.
public struct EventLogError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// A stream was not at the version an append expected.
        case wrongExpectedVersion
        /// An event id is stored already with different content.
        case idConflict
        /// An event is malformed: bad name, bad payload, failed schema validation.
        case invalidEvent
        /// An event is larger than the store accepts.
        case eventTooLarge
        /// There is no store at the given location.
        case storeNotFound
        /// The store was written in a format this build does not read.
        case unsupportedFormat
        /// The hash chain or the records do not hold together.
        case corrupted
        /// The store has been closed.
        case closed
        /// The storage engine or the file system failed.
        case storage
    }

    public var code: Code
    public var message: String
    /// The stream concerned, where there is one.
    public var stream: StreamName?
    /// For ``Code/wrongExpectedVersion``: what the appender expected.
    public var expected: ExpectedVersion?
    /// For ``Code/wrongExpectedVersion``: the stream's version when the append was tried.
    public var actual: StreamVersion?
    /// The log position concerned, where there is one.
    public var position: LogPosition?
    /// The event id concerned, where there is one.
    public var eventID: EventID?
    /// Index of the offending event within its batch, where there is one.
    public var batchIndex: Int?
    /// For ``Code/idConflict`` within one batch (its id given twice, with different
    /// content): the index of the id's first event in the batch.
    public var earlierBatchIndex: Int?

    public init(
        _ code: Code, _ message: String, stream: StreamName? = nil, expected: ExpectedVersion? = nil,
        actual: StreamVersion? = nil, position: LogPosition? = nil, eventID: EventID? = nil, batchIndex: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.stream = stream
        self.expected = expected
        self.actual = actual
        self.position = position
        self.eventID = eventID
        self.batchIndex = batchIndex
    }

    public var description: String { message }

    static func wrongExpectedVersion(stream: StreamName, expected: ExpectedVersion, actual: StreamVersion, batchIndex: Int) -> EventLogError {
        let actualText = actual == .none ? "does not exist" : "is at version \(actual)"
        let expectedText: String
        switch expected {
        case .noStream: expectedText = "expected it not to exist"
        case .exact(let v): expectedText = "expected version \(v)"
        case .any: expectedText = "expected any version"
        }
        return EventLogError(
            .wrongExpectedVersion,
            "stream \(stream) \(actualText) but the append \(expectedText); nothing was appended — read the stream and retry",
            stream: stream, expected: expected, actual: actual, batchIndex: batchIndex)
    }

    static func closed() -> EventLogError {
        EventLogError(.closed, "the event store has been closed; open it again")
    }

    /// An index entry (or log key) that should hold a position of 8 bytes and holds
    /// `length`: a damaged page.
    static func damagedEntry(length: Int) -> EventLogError {
        EventLogError(
            .corrupted,
            "the store is damaged: an index entry is \(length) bytes where a position takes 8; run `ledgerline verify` to see where, then restore data.mdb from a backup or an export")
    }

    /// A stored record whose bytes fail ``EventRecord/structuralProblem(_:)``.
    static func damagedRecord(at position: UInt64, _ problem: String) -> EventLogError {
        EventLogError(
            .corrupted, "the record at position \(position) is damaged (\(problem)); run `ledgerline verify`",
            position: LogPosition(position))
    }
}
