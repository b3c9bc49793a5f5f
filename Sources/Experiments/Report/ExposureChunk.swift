import EventLog
import Foundation

/// The exposures of one experiment found in one range of log positions, copied out of
/// their events into flat arrays: what each reader thread of ``ExperimentScan`` hands back.
struct ExposureChunk: Sendable {
    /// The customer ids' UTF-8, one after another.
    var ids: [UInt8] = []
    /// Where each exposure's id ends in ``ids``.
    var ends: [UInt32] = []
    /// The index of the exposure's phase among the phases being read.
    var phaseSlot: [UInt16] = []
    var variation: [Int32] = []
    var time: [Int64] = []
    var position: [UInt64] = []
    var failure: ExperimentsError?

    var count: Int { ends.count }

    /// The exposures of the phase at `slot`.
    func count(slot: Int) -> Int { phaseSlot.reduce(0) { $0 + (Int($1) == slot ? 1 : 0) } }

    mutating func append(
        id: UnsafeRawBufferPointer, phaseSlot slot: Int, variation v: Int64, time t: Int64, position p: UInt64
    ) {
        ids.append(
            contentsOf: UnsafeBufferPointer(start: id.baseAddress?.assumingMemoryBound(to: UInt8.self), count: id.count)
        )
        ends.append(UInt32(ids.count))
        phaseSlot.append(UInt16(slot))
        variation.append(Int32(clamping: v))
        time.append(t)
        position.append(p)
    }

    /// Reads the exposures of `key` in `positions`, for the phases in `slots` (phase → slot).
    static func read(
        _ store: any EventStore, key: String, slots: [Int: Int], positions: ClosedRange<UInt64>
    ) -> ExposureChunk {
        var chunk = ExposureChunk()
        let quotedKey = Array("\"\(key)\"".utf8)
        var from = LogPosition(positions.lowerBound)
        while true {
            let page: [RecordedEvent]
            do {
                page = try store.readType(ExperimentEvents.exposed, from: from, limit: ExperimentScan.pageSize)
            } catch {
                chunk.failure = .logFailure(error, while: "reading ExperimentExposed events")
                return chunk
            }
            for event in page {
                if event.position.rawValue > positions.upperBound { return chunk }
                event.payload.withUnsafeBytes { raw in
                    chunk.add(raw, quotedKey: quotedKey, slots: slots, event: event)
                }
            }
            guard page.count == ExperimentScan.pageSize, let last = page.last else { return chunk }
            from = last.position.next
        }
    }

    /// Adds the exposure in `raw` (a canonical payload) when it is one of the experiment's.
    mutating func add(_ raw: UnsafeRawBufferPointer, quotedKey: [UInt8], slots: [Int: Int], event: RecordedEvent) {
        let payload = CanonicalPayload(raw)
        var customer: Range<Int>?
        var matches = false
        var phase: Int64?
        var variation: Int64?
        // Canonical order: customerId, experimentKey, phase, variationId, variationKey.
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
        guard matches, let customer, let phase, let variation, let slot = slots[Int(phase)] else { return }
        let at = event.occurredAt.rawValue
        let position = event.position.rawValue
        if customer.count >= 2, raw[customer.lowerBound] == 0x22,
            !raw[(customer.lowerBound + 1)..<(customer.upperBound - 1)].contains(0x5C)
        {
            // Ids are plain in the log (the catalog allows no escapes): copy their bytes.
            let id = UnsafeRawBufferPointer(rebasing: raw[(customer.lowerBound + 1)..<(customer.upperBound - 1)])
            append(id: id, phaseSlot: slot, variation: variation, time: at, position: position)
        } else if var id = payload.string(customer) {
            id.withUTF8 {
                append(
                    id: UnsafeRawBufferPointer($0), phaseSlot: slot, variation: variation, time: at, position: position)
            }
        }
    }
}
