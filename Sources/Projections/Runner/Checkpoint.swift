import EventLog

/// A projection's checkpoint as stored: the last position whose effects are in the view,
/// the version of the fold that wrote it, and which of the view's two sets of tables
/// holds it (``generation``).
///
/// It is written in the same transaction as the rows it accounts for, so rows and
/// checkpoint always agree: a crash between batches loses the uncommitted batch
/// whole, and the next run folds it again from the checkpoint.
///
/// A view's checkpoint is stored under its name; a rebuild under way keeps its own under
/// `<name>.rebuilding` until it is swapped in.
public struct Checkpoint: Sendable, Hashable {
    public var position: LogPosition
    public var version: Int
    /// The set of tables the view's rows are in, 0 or 1 (`customers.rows`, … or
    /// `customers.1.rows`, …): a rebuild folds into the other set and then points the
    /// checkpoint at it.
    public var generation: Int

    public init(position: LogPosition, version: Int, generation: Int = 0) {
        self.position = position
        self.version = version
        self.generation = generation
    }

    /// The position big-endian, then the version as a varint with the generation in its
    /// high 32 bits: a build that does not know generations reads the checkpoint of a
    /// view in the second set as another fold's version, and rebuilds the view rather
    /// than reading tables that are not the view's.
    var bytes: [UInt8] {
        var writer = RowWriter(capacity: 16)
        writer.raw([UInt8](bigEndian: position.rawValue))
        writer.uint(UInt64(max(0, version)) & 0xFFFF_FFFF | UInt64(generation) << 32)
        return writer.bytes
    }

    init(bytes: [UInt8]) throws(ProjectionError) {
        guard bytes.count >= 9 else {
            throw ProjectionError.corrupt(ViewTables.checkpoints.name, "a checkpoint is \(bytes.count) bytes long")
        }
        var reader = RowReader(bytes, table: ViewTables.checkpoints.name, offset: 8)
        position = LogPosition(bytes.bigEndianUInt64(at: 0))
        let versionAndGeneration = try reader.uint()
        version = Int(versionAndGeneration & 0xFFFF_FFFF)
        generation = Int(versionAndGeneration >> 32)
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
