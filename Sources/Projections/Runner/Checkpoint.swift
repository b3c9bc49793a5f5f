import EventLog

/// A projection's checkpoint as stored: the last position whose effects are in the view,
/// and the version of the fold that wrote it.
///
/// It is written in the same transaction as the rows it accounts for, so rows and
/// checkpoint always agree: a crash between batches loses the uncommitted batch
/// whole, and the next run folds it again from the checkpoint.
public struct Checkpoint: Sendable, Hashable {
    public var position: LogPosition
    public var version: Int

    public init(position: LogPosition, version: Int) {
        self.position = position
        self.version = version
    }

    var bytes: [UInt8] {
        var writer = RowWriter(capacity: 12)
        writer.raw([UInt8](bigEndian: position.rawValue))
        writer.uint(version)
        return writer.bytes
    }

    init(bytes: [UInt8]) throws(ProjectionError) {
        guard bytes.count >= 9 else {
            throw ProjectionError.corrupt(ViewTables.checkpoints.name, "a checkpoint is \(bytes.count) bytes long")
        }
        var reader = RowReader(bytes, table: ViewTables.checkpoints.name, offset: 8)
        position = LogPosition(bytes.bigEndianUInt64(at: 0))
        version = Int(try reader.uint())
    }

    /// The stored checkpoint of `name`, or `nil` when the view was never built.
    static func load(_ name: String, from reader: any ViewReader) throws -> Checkpoint? {
        try reader.get(ViewTables.checkpoints, Array(name.utf8)).map { bytes throws(ProjectionError) in
            try Checkpoint(bytes: bytes)
        }
    }

    func store(_ name: String, to writer: any ViewWriter) throws {
        try writer.put(ViewTables.checkpoints, Array(name.utf8), bytes)
    }
}

extension ViewStorage {
    /// Runs `body` against one snapshot, keeping the type of whatever it throws (the
    /// store's own `readViews` wraps foreign errors into its error type).
    func snapshot<T>(_ body: (any ViewReader) throws -> T) throws -> T {
        let result: Result<T, Error> = try readViews { reader in
            do { return .success(try body(reader)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
