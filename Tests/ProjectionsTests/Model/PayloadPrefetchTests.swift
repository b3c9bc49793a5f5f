import EventLog
import Testing

@testable import Projections

#if canImport(Glibc)
    /// glibc's `malloc_usable_size` (declared in malloc.h, which the Glibc module does not export).
    @_silgen_name("malloc_usable_size") private func malloc_usable_size(_ pointer: UnsafeMutableRawPointer) -> Int
#endif

/// Folds start loading payloads before they read them (``ProjectedEvent/prefetch(_:lines:)``),
/// without reading each payload's size first: that is only safe because every payload's
/// storage spans the lines prefetching may load, however small the payload.
@Suite struct PayloadPrefetchTests {
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
}
