import EventLog

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
    func exposures(phases wanted: Set<Int>? = nil) throws(ExperimentsError) -> [PhaseUnits] {
        var units: [PhaseUnits] = []
        var slot: [Int: Int] = [:]
        for phase in history.phases where wanted?.contains(phase) ?? true {
            let count = history.start(of: phase)?.definition.variations.count ?? 0
            slot[phase] = units.count
            units.append(PhaseUnits(phase: phase, variationCount: count))
        }
        let quotedKey = Array("\"\(history.key)\"".utf8)
        try forEach(ExperimentEvents.exposed) { event throws(ExperimentsError) in
            event.payload.withUnsafeBytes { raw in
                let payload = CanonicalPayload(raw)
                var customer: Range<Int>?
                var matches = false
                var phase: Int64?
                var variation: Int64?
                payload.forEachMember { name, value in
                    switch name.count {
                    case 10 where CanonicalPayload.equal(name, "customerId"): customer = value
                    case 13 where CanonicalPayload.equal(name, "experimentKey"):
                        matches = raw[value].elementsEqual(quotedKey)
                        return matches
                    case 5 where CanonicalPayload.equal(name, "phase"): phase = payload.integer(value)
                    case 11 where CanonicalPayload.equal(name, "variationId"):
                        variation = payload.integer(value)
                        return false
                    default: break
                    }
                    return true
                }
                guard matches, let customer, let phase, let variation, let s = slot[Int(phase)] else { return }
                let at = event.occurredAt.rawValue
                let position = event.position.rawValue
                if customer.count >= 2, raw[customer.lowerBound] == 0x22,
                    !raw[(customer.lowerBound + 1)..<(customer.upperBound - 1)].contains(0x5C)
                {
                    // Ids are plain in the log (the catalog allows no escapes): use their bytes.
                    let id = UnsafeRawBufferPointer(rebasing: raw[(customer.lowerBound + 1)..<(customer.upperBound - 1)])
                    units[s].expose(customer: id, variation: Int(variation), at: at, position: position)
                } else if let id = payload.string(customer) {
                    units[s].expose(customer: id, variation: Int(variation), at: at, position: position)
                }
            }
        }
        return units
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
