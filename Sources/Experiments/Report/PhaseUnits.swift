/// The units (customers) of one phase of an experiment: each customer's first exposure in
/// the phase, the variation it showed and when.
///
/// Struct-of-arrays, indexed by unit number in order of first exposure, so a report over a
/// million units keeps a dictionary and a few flat arrays rather than a million objects.
struct PhaseUnits {
    let phase: Int
    let variationCount: Int
    /// Customer id → unit number.
    private(set) var index = CustomerIndex()
    private(set) var variation: [UInt8] = []
    /// The first exposure's `occurredAt`, µs since the epoch.
    private(set) var exposedAt: [Int64] = []
    /// The first exposure's log position.
    private(set) var position: [UInt64] = []
    /// Exposures after the first that showed the unit a different variation.
    private(set) var conflictingExposures = 0
    /// Exposures naming a variation the phase does not have.
    private(set) var invalidExposures = 0

    init(phase: Int, variationCount: Int) {
        self.phase = phase
        self.variationCount = variationCount
    }

    var count: Int { variation.count }

    /// Records an exposure of the customer `customer`.
    mutating func expose(customer: String, variation v: Int, at time: Int64, position p: UInt64) {
        var id = customer
        id.withUTF8 { expose(customer: UnsafeRawBufferPointer($0), variation: v, at: time, position: p) }
    }

    /// Records an exposure of the customer whose id's UTF-8 is `customer`; only a
    /// customer's first exposure in the phase makes a unit.
    mutating func expose(customer: UnsafeRawBufferPointer, variation v: Int, at time: Int64, position p: UInt64) {
        guard v >= 0 && v < variationCount else {
            invalidExposures += 1
            return
        }
        let (unit, inserted) = index.insert(customer)
        guard inserted else {
            if Int(variation[unit]) != v { conflictingExposures += 1 }
            return
        }
        variation.append(UInt8(v))
        exposedAt.append(time)
        position.append(p)
    }

    /// Records the exposures of `chunk` that belong to this phase (`slot`), in order, a batch
    /// at a time (see ``CustomerIndex/insert(batch:)``).
    mutating func add(_ chunk: ExposureChunk, slot: Int) {
        let batchSize = 256
        var members: [Int] = []
        var ids: [UnsafeRawBufferPointer] = []
        members.reserveCapacity(batchSize)
        ids.reserveCapacity(batchSize)
        chunk.ids.withUnsafeBytes { arena in
            var i = 0
            while i < chunk.count {
                members.removeAll(keepingCapacity: true)
                ids.removeAll(keepingCapacity: true)
                while i < chunk.count && members.count < batchSize {
                    defer { i += 1 }
                    guard Int(chunk.phaseSlot[i]) == slot else { continue }
                    let v = Int(chunk.variation[i])
                    guard v >= 0 && v < variationCount else {
                        invalidExposures += 1
                        continue
                    }
                    let start = i == 0 ? 0 : Int(chunk.ends[i - 1])
                    members.append(i)
                    ids.append(UnsafeRawBufferPointer(rebasing: arena[start..<Int(chunk.ends[i])]))
                }
                guard !members.isEmpty else { continue }
                let placed = index.insert(batch: ids)
                for (k, e) in members.enumerated() {
                    let v = Int(chunk.variation[e])
                    guard placed[k].inserted else {
                        if Int(variation[placed[k].unit]) != v { conflictingExposures += 1 }
                        continue
                    }
                    variation.append(UInt8(v))
                    exposedAt.append(chunk.time[e])
                    position.append(chunk.position[e])
                }
            }
        }
    }

    /// Makes room for about `units` units.
    mutating func reserveCapacity(_ units: Int) {
        index.reserveCapacity(units)
        variation.reserveCapacity(units)
        exposedAt.reserveCapacity(units)
        position.reserveCapacity(units)
    }

    /// Units per variation.
    var unitsPerVariation: [Int] {
        var counts = [Int](repeating: 0, count: variationCount)
        for v in variation { counts[Int(v)] += 1 }
        return counts
    }

    /// The earliest and latest first-exposure times, µs.
    var span: (first: Int64, last: Int64)? {
        guard let first = exposedAt.min(), let last = exposedAt.max() else { return nil }
        return (first, last)
    }
}
