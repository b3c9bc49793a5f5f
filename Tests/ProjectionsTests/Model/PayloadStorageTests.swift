import EventLog
import Testing

@testable import Projections

#if canImport(Glibc)
    /// glibc's `malloc_usable_size` (declared in malloc.h, which the Glibc module does not export).
    @_silgen_name("malloc_usable_size") private func malloc_usable_size(_ pointer: UnsafeMutableRawPointer) -> Int
#endif

/// How payload storages are made and reused. Folds start loading payloads before they
/// read them (``ProjectedEvent/prefetch(_:lines:)``) without reading each payload's size
/// first, which is only safe because every storage spans the lines prefetching may load,
/// however small the payload. Storages nothing holds any more are refilled from a pool.
@Suite struct PayloadStorageTests {
    @Test(arguments: ["{}", #"{"a":1}"#, #"{"customerId":"C1","amount":"1.00"}"#])
    func everyStorageSpansThePrefetchedLines(json: String) {
        let payload = Payload(Array(json.utf8))
        let object = Unmanaged.passUnretained(payload.storage).toOpaque()
        #if canImport(Glibc)
            #expect(malloc_usable_size(object) >= Payload.Storage.prefetchableLines * 64)
        #endif
        // The small payload still reads as itself.
        #expect(payload.object == Payload(Array(json.utf8)).object)
    }

    @Test func prefetchingAPageOfEventsChangesNone() {
        let events = (0..<64).map { i in
            ProjectedEvent(
                position: LogPosition(UInt64(i + 1)), id: EventID.generate(), type: "OrderPlaced",
                stream: StreamName("customer-\(i)")!, occurredAt: Timestamp(microseconds: 0),
                recordedAt: Timestamp(microseconds: 0), payload: Payload(Array(#"{"customerId":"C\#(i)"}"#.utf8)))
        }
        events.withUnsafeBufferPointer { buffer in
            for i in buffer.indices { _ = ProjectedEvent.prefetch(buffer.baseAddress! + i) }
        }
        #expect(events.enumerated().allSatisfy { $0.element.string("customerId") == "C\($0.offset)" })
    }

    @Test func aPooledStorageIsRefilledOnlyWhenLargeEnoughAndOnlyWhenNothingHoldsIt() throws {
        var pool = Payload.StoragePool(limit: 4)
        let long = #"{"customerId":"C1","note":"\#(String(repeating: "x", count: 600))"}"#
        var first = Payload(Array(#"{"customerId":"C1","amount":"12.50"}"#.utf8))
        let firstStorage = ObjectIdentifier(first.storage)
        first.release(to: &pool)
        #expect(pool.count == 1)
        #expect(first.object == Payload().object, "a released payload reads as empty")

        // A smaller payload is written into the pooled storage and reads as itself.
        let small = Array(#"{"customerId":"C2"}"#.utf8)
        let refilled = small.withUnsafeBytes { Payload(copying: $0, pool: &pool) }
        #expect(ObjectIdentifier(refilled.storage) == firstStorage)
        #expect(refilled.string("customerId") == "C2")
        #expect(refilled.string("amount") == nil)
        #expect(pool.count == 0)

        // A payload larger than the pooled storage's room gets a storage of its own.
        var again = refilled
        let copy = again  // held by another event: not refilled
        again.release(to: &pool)
        #expect(pool.count == 0)
        #expect(copy.string("customerId") == "C2")
        var alone = Payload(Array(#"{"a":1}"#.utf8))
        alone.release(to: &pool)
        #expect(pool.count == 1)
        let large = Array(long.utf8).withUnsafeBytes { Payload(copying: $0, pool: &pool) }
        #expect(large.string("note")?.count == 600)
        #expect(large.string("customerId") == "C1")

        // The pool keeps at most its limit.
        var full = Payload.StoragePool(limit: 1)
        var a = Payload(Array(#"{"a":1}"#.utf8))
        var b = Payload(Array(#"{"b":2}"#.utf8))
        a.release(to: &full)
        b.release(to: &full)
        #expect(full.count == 1)
    }
}
