import EventLog
import Foundation

/// Folds one experiment's exposures and metric events from the log: the part of a report
/// (and of a bandit's re-weighting) that reads.
///
/// Exposures are read by type (`ExperimentExposed`), and metric events by their types, in
/// pages, from the experiment's first configuration on; nothing else in the log is
/// touched. Payloads are read with ``CanonicalPayload``: an exposure of another experiment
/// costs a key comparison, not a parse. Only events a metric's filter must judge are
/// parsed.
///
/// Cost: one pass over each type's events recorded since the experiment was first
/// published; memory of a few dozen bytes per unit.
struct ExperimentScan {
    let store: any EventStore
    let history: ExperimentHistory
    /// The last position read, inclusive; `nil` reads to the head.
    let through: LogPosition?

    static let pageSize = 8192

    /// Position ranges at least this long are read by two threads.
    var parallelThreshold: UInt64 = 200_000

    /// Where reading starts: the experiment's first configuration.
    var start: LogPosition { history.configurations.first?.position ?? .start }

    /// Calls `body` with every event of `type` from ``start`` through ``through``.
    func forEach(
        _ type: EventType, _ body: (RecordedEvent) throws(ExperimentsError) -> Void
    ) throws(ExperimentsError) {
        var from = start
        while true {
            let page: [RecordedEvent]
            do {
                page = try store.readType(type, from: from, limit: Self.pageSize)
            } catch {
                throw .logFailure(error, while: "reading \(type) events")
            }
            for event in page {
                if let through, event.position > through { return }
                try body(event)
            }
            guard page.count == Self.pageSize, let last = page.last else { return }
            from = last.position.next
        }
    }

    /// The units of each phase (all phases, or those in `phases`), in phase order, from the
    /// exposures.
    ///
    /// A long range of the log is read by two threads, each decoding half of the positions
    /// into an ``ExposureChunk``; the chunks are then folded in log order, so the units come
    /// out exactly as one reader would make them.
    func exposures(phases wanted: Set<Int>? = nil) throws(ExperimentsError) -> [PhaseUnits] {
        var units: [PhaseUnits] = []
        var slots: [Int: Int] = [:]
        for phase in history.phases where wanted?.contains(phase) ?? true {
            let count = history.start(of: phase)?.definition.variations.count ?? 0
            slots[phase] = units.count
            units.append(PhaseUnits(phase: phase, variationCount: count))
        }
        let last: UInt64
        if let through {
            last = through.rawValue
        } else {
            do {
                last = try store.head().position.rawValue
            } catch {
                throw .logFailure(error, while: "reading the log's head")
            }
        }
        let first = start.rawValue
        guard first <= last else { return units }
        var ranges = [first...last]
        if last - first >= parallelThreshold {
            let middle = first + (last - first) / 2
            ranges = [first...middle, (middle + 1)...last]
        }
        let chunks = Self.read(ranges, store: store, key: history.key, slots: slots)
        if let failure = chunks.lazy.compactMap(\.failure).first { throw failure }
        // The exposures bound the units: size each phase's index once instead of growing it.
        let total = chunks.reduce(0) { $0 + $1.count }
        for p in units.indices {
            units[p].reserveCapacity(units.count == 1 ? total : chunks.reduce(0) { $0 + $1.count(slot: p) })
        }
        for chunk in chunks {
            for p in units.indices { units[p].add(chunk, slot: p) }
        }
        return units
    }

    /// Reads each range into a chunk, concurrently when there are several.
    static func read(
        _ ranges: [ClosedRange<UInt64>], store: any EventStore, key: String, slots: [Int: Int]
    ) -> [ExposureChunk] {
        guard ranges.count > 1 else {
            return ranges.map { ExposureChunk.read(store, key: key, slots: slots, positions: $0) }
        }
        let results = ChunkResults(count: ranges.count)
        DispatchQueue.concurrentPerform(iterations: ranges.count) { i in
            results.set(i, ExposureChunk.read(store, key: key, slots: slots, positions: ranges[i]))
        }
        return results.values
    }

    /// Each phase's tallies of `metrics` (in that order) over its units, parallel to `units`.
    func fold(_ metrics: [MetricDefinition], over units: [PhaseUnits]) throws(ExperimentsError) -> [[MetricTally]] {
        var tallies: [[MetricTally]] = []
        for phaseUnits in units {
            tallies.append(
                try metrics.map { (metric) throws(ExperimentsError) in
                    try MetricTally(metric: metric, units: phaseUnits.count)
                })
        }
        var types: [String] = []
        for metric in metrics where !types.contains(metric.event) { types.append(metric.event) }
        for typeName in types {
            guard let type = EventType(typeName) else { continue }
            let indices = metrics.indices.filter { metrics[$0].event == typeName }
            try forEach(type) { event throws(ExperimentsError) in
                let time = event.occurredAt.rawValue
                var found = [Int?](repeating: nil, count: units.count)
                let known = Self.withCustomerId(of: event) { id in
                    for p in units.indices { found[p] = units[p].index.find(id) }
                }
                guard known else { return }
                for p in units.indices {
                    guard let unit = found[p] else { continue }
                    let exposedAt = units[p].exposedAt[unit]
                    for i in indices where tallies[p][i].inWindow(time, exposedAt: exposedAt) {
                        if let filter = tallies[p][i].filter {
                            switch filter.matches(event) {
                            case .success(true): break
                            case .success(false): continue
                            case .failure(let failure):
                                tallies[p][i].recordFilterFailure(failure.message)
                                continue
                            }
                        }
                        event.payload.withUnsafeBytes { raw in
                            tallies[p][i].count(unit: unit, payload: CanonicalPayload(raw))
                        }
                    }
                }
            }
        }
        return tallies
    }

    /// Calls `body` with the UTF-8 of the customer id an event concerns (its `customer-<id>`
    /// stream, else its payload's `customerId`); `false` when it names none.
    static func withCustomerId(of event: RecordedEvent, _ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        var stream = event.stream.rawValue
        let fromStream: Bool = stream.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            guard raw.count > 9, raw.starts(with: "customer-".utf8) else { return false }
            body(UnsafeRawBufferPointer(rebasing: raw[9...]))
            return true
        }
        if fromStream { return true }
        guard var id = customerId(of: event) else { return false }
        id.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        return true
    }

    /// The customer an event concerns: its `customer-<id>` stream, else its payload's
    /// `customerId`.
    static func customerId(of event: RecordedEvent) -> String? {
        if let id = ExperimentEvents.customerId(of: event.stream) { return id }
        return event.payload.withUnsafeBytes { raw in
            let payload = CanonicalPayload(raw)
            return payload.range(of: "customerId").flatMap(payload.string)
        }
    }
}

/// The chunks of concurrent readers, each written once by its own reader.
final class ChunkResults: @unchecked Sendable {
    private var chunks: [ExposureChunk]
    private let lock = NSLock()

    init(count: Int) { chunks = [ExposureChunk](repeating: ExposureChunk(), count: count) }

    func set(_ i: Int, _ chunk: ExposureChunk) {
        lock.lock()
        chunks[i] = chunk
        lock.unlock()
    }

    var values: [ExposureChunk] {
        lock.lock()
        defer { lock.unlock() }
        return chunks
    }
}
