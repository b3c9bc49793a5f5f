import EventLog
import Foundation
import JSON
import Synchronization

/// A small worked domain shared by the log's tests: a few customers, a deal, emails.
enum Fixture {
    static func event(
        _ stream: StreamName, _ type: EventType, _ data: JSONValue = [:], id: EventID? = nil,
        expected: ExpectedVersion = .any, occurredAt: Timestamp? = nil
    ) -> ProposedEvent {
        ProposedEvent(id: id, stream: stream, type: type, data: data.objectValue ?? JSONObject(), occurredAt: occurredAt, expectedVersion: expected)
    }

    static func contactCreated(_ n: Int, expected: ExpectedVersion = .any) -> ProposedEvent {
        event(
            StreamName("customer-\(n)")!, "ContactCreated",
            ["customerId": .string("\(n)"), "email": .string("c\(n)@example.com"), "name": .string("Customer \(n)")],
            expected: expected)
    }

    static func orderPlaced(_ n: Int, amount: String) -> ProposedEvent {
        event(StreamName("customer-\(n)")!, "OrderPlaced", ["customerId": .string("\(n)"), "amount": .string(amount), "currency": "USD"])
    }

    static let dealOpened = event("deal-7", "DealCreated", ["dealId": "7", "name": "Acme renewal", "amount": "12000.00", "currency": "USD"])
    static let dealToDemo = event("deal-7", "DealStageChanged", ["dealId": "7", "from": "qualified", "to": "demo_done"])

    /// 1,000 import lines that make batches depend on the ones before them: streams
    /// recur across batches, every fifth line expects the version the lines before it
    /// leave, and the 8 lines at 244, 341, … 923 (0-based) repeat the line 150 before
    /// them (same id, same content). Line `n` has id ``importLineID(_:)``.
    static let recurringImportLines: [String] = {
        var lines: [String] = []
        var versions: [Int: Int] = [:]
        for n in 0..<1_000 {
            if n >= 150 && n % 97 == 50 {
                lines.append(lines[n - 150])
                continue
            }
            let customer = (n * 37) % 60
            let version = versions[customer, default: 0]
            let expected = n % 5 == 0 ? ", \"expectedVersion\": \(version)" : ""
            lines.append(
                "{\"stream\": \"customer-\(customer)\", \"type\": \"ContactUpdated\", \"id\": \"\(importLineID(n))\", \"data\": {\"n\": \(n)}\(expected)}")
            versions[customer] = version + 1
        }
        return lines
    }()

    static func importLineID(_ n: Int) -> String { String(format: "0190f0a0-0000-7000-8000-%012d", n) }
}

/// SplitMix64: a small seeded generator for test loops, so a failing case is found
/// again from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A clock that advances one millisecond per reading, so both stores stamp identically.
final class StepClock: Sendable {
    private let now = Mutex<Int64>(1_764_000_000_000_000)

    var closure: @Sendable () -> Timestamp {
        { [self] in now.withLock { $0 += 1000; return Timestamp(rawValue: $0) } }
    }

    /// Makes the next reading `time` (earlier than the last one, for a clock set back).
    func set(_ time: Timestamp) {
        now.withLock { $0 = time.rawValue - 1000 }
    }
}

/// A fresh scratch folder under the system temporary directory, removed by `cleanup()`.
struct ScratchDirectory {
    let url: URL

    init(_ name: String = "store") {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ledgerline-tests-\(UUID().uuidString)").appendingPathComponent(name)
    }

    func cleanup() {
        try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
    }

    /// A scratch folder for imports, created and holding `files` (each a name and its
    /// lines), and importer options appending in batches of `batchSize` that keep their
    /// scratch files here.
    static func forImports(_ name: String, files: [String: [String]] = [:], batchSize: Int = 100) throws -> (ScratchDirectory, EventImporter.Options) {
        let scratch = ScratchDirectory(name)
        try FileManager.default.createDirectory(at: scratch.url, withIntermediateDirectories: true)
        for (file, lines) in files {
            try lines.joined(separator: "\n").write(to: scratch.file(file), atomically: true, encoding: .utf8)
        }
        var options = EventImporter.Options()
        options.batchSize = batchSize
        options.scratchDirectory = scratch.url
        return (scratch, options)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// What an import left in the folder besides the test's own files: its scratch files.
    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasPrefix(".ledgerline") }
    }
}

/// The two stores the contract suite runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertibleShim {
    case lmdb
    case memory

    var testDescription: String { rawValue }

    /// Runs `body` with a fresh store of this kind.
    func withStore(clock: StepClock = StepClock(), sync: Bool = false, _ body: (any EventStore) async throws -> Void) async throws {
        switch self {
        case .memory:
            try await body(InMemoryEventStore(clock: clock.closure))
        case .lmdb:
            try await withLMDBStore(clock: clock, sync: sync) { try await body($0) }
        }
    }
}

/// Runs `body` with a fresh LMDB store in a scratch folder, removed afterwards.
func withLMDBStore(clock: StepClock = StepClock(), sync: Bool = false, _ body: (LMDBEventStore) async throws -> Void) async throws {
    let scratch = ScratchDirectory()
    defer { scratch.cleanup() }
    var options = LMDBEventStore.Options()
    options.sync = sync
    options.clock = clock.closure
    let store = try LMDBEventStore(directory: scratch.url, options: options)
    defer { store.close() }
    try await body(store)
}

protocol CustomTestStringConvertibleShim {}

extension ImportLine {
    /// Parses one import line given as text (the importer's path, without a file).
    static func parse(_ text: String, lineNumber: Int) throws -> Parsed {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { try parse(UnsafeBufferPointer($0), lineNumber: lineNumber) }
    }
}

/// The progress reports of an import, by phase:
/// pass ``record`` as the import's progress.
final class PhaseLog: Sendable {
    /// Every report's phase, in order.
    private let reports = Mutex<[EventImporter.Phase]>([])

    var record: @Sendable (EventImporter.Progress) -> Void {
        { [self] progress in self.reports.withLock { $0.append(progress.phase) } }
    }

    /// The phases in the order they began, each once per stretch of reports.
    var seen: [EventImporter.Phase] {
        reports.withLock { all in all.indices.compactMap { i in i == 0 || all[i - 1] != all[i] ? all[i] : nil } }
    }

    /// How many reports `phase` made: the append pass makes one per batch it commits,
    /// then one more at the end.
    func reports(of phase: EventImporter.Phase) -> Int { reports.withLock { $0.filter { $0 == phase }.count } }
}
