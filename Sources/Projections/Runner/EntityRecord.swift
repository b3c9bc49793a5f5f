import EventLog

/// One stored row of an entity view: the entity's state and where its history is.
///
/// ## Point-in-time history
/// Every event routed to an entity is a *touch*. The row keeps the positions of the
/// touches since the last saved version (at most ``segmentLength``); when that many
/// have gathered, the state as it stands is saved as a version row keyed by the
/// entity and the big-endian position of that last touch, together with the touches
/// it covers, and the row's list starts again. So the state at any position `P` is a
/// saved version at or before `P` plus at most ``segmentLength`` events replayed from
/// the log: `--as-of` never scans the log, and the history costs one version row per
/// ``segmentLength`` events rather than one per event.
struct EntityRecord<State: ViewState> {
    /// Touches per saved version.
    static var segmentLength: Int { 32 }
    /// Room for the touches of most entities' segments (a customer of the benchmark
    /// log has 4 to 16 events), so the list rarely grows.
    static var initialTouchCapacity: Int { 16 }
    static var formatByte: UInt8 { 1 }

    var state: State
    /// Events applied to the entity in all.
    var touchCount: UInt64 = 0
    /// The position of the first event applied.
    var firstTouch: LogPosition = .start
    /// The position of the last saved version (the last touch it covers); `.start` when none.
    var segmentStart: LogPosition = .start
    /// Touches after ``segmentStart``, ascending.
    var touches: [LogPosition] = []

    init(state: State) { self.state = state }

    var lastTouch: LogPosition { touches.last ?? segmentStart }

    /// Records a touch at `position`; returns `true` when a version is due.
    mutating func touch(_ position: LogPosition) -> Bool {
        if touchCount == 0 { firstTouch = position }
        touchCount += 1
        if touches.capacity == 0 { touches.reserveCapacity(Self.initialTouchCapacity) }
        touches.append(position)
        return touches.count >= Self.segmentLength
    }

    func encode() -> [UInt8] {
        var writer = RowWriter(capacity: 96)
        encode(to: &writer)
        return writer.bytes
    }

    /// Appends the row to `writer`: callers encoding many rows reuse one grown buffer
    /// and copy each row out at its exact size.
    func encode(to writer: inout RowWriter) {
        writer.byte(Self.formatByte)
        writer.uint(touchCount)
        writer.position(firstTouch)
        writer.position(segmentStart)
        Self.encodeTouches(touches, after: segmentStart, to: &writer)
        state.encode(to: &writer)
    }

    init(decoding bytes: [UInt8], entity: String, table: String) throws(ProjectionError) {
        var reader = RowReader(bytes, table: table)
        guard try reader.byte() == Self.formatByte else { throw reader.damaged("unknown row format") }
        let count = try reader.uint()
        let first = try reader.position()
        let start = try reader.position()
        let touches = try Self.decodeTouches(&reader, after: start)
        state = try State(decoding: &reader, entity: entity)
        touchCount = count
        firstTouch = first
        segmentStart = start
        self.touches = touches
    }

    static func encodeTouches(_ touches: [LogPosition], after start: LogPosition, to writer: inout RowWriter) {
        writer.uint(touches.count)
        var previous = start.rawValue
        for touch in touches {
            writer.uint(touch.rawValue - previous)
            previous = touch.rawValue
        }
    }

    static func decodeTouches(_ reader: inout RowReader, after start: LogPosition) throws(ProjectionError)
        -> [LogPosition]
    {
        let n = try reader.count()
        var out: [LogPosition] = []
        out.reserveCapacity(n)
        var previous = start.rawValue
        for _ in 0..<n {
            previous += try reader.uint()
            out.append(LogPosition(previous))
        }
        return out
    }
}

/// A saved version: the state after its last touch, and the touches since the version before.
struct EntityVersion<State: ViewState> {
    var position: LogPosition
    var previous: LogPosition
    var touches: [LogPosition]
    var state: State

    static func encode(previous: LogPosition, touches: [LogPosition], state: State) -> [UInt8] {
        var writer = RowWriter(capacity: 160)
        writer.byte(EntityRecord<State>.formatByte)
        writer.position(previous)
        EntityRecord<State>.encodeTouches(touches, after: previous, to: &writer)
        state.encode(to: &writer)
        return writer.bytes
    }

    init(decoding bytes: [UInt8], position: LogPosition, entity: String, table: String) throws(ProjectionError) {
        var reader = RowReader(bytes, table: table)
        guard try reader.byte() == EntityRecord<State>.formatByte else {
            throw reader.damaged("unknown version format")
        }
        self.position = position
        previous = try reader.position()
        touches = try EntityRecord<State>.decodeTouches(&reader, after: previous)
        state = try State(decoding: &reader, entity: entity)
    }

    /// The version row's key: the entity, a zero byte, the big-endian position.
    static func key(_ entity: String, _ position: LogPosition) -> [UInt8] {
        prefix(entity) + [UInt8](bigEndian: position.rawValue)
    }

    static func prefix(_ entity: String) -> [UInt8] { Array(entity.utf8) + [0] }
}
