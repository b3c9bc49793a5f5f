import Foundation
import JSON
import Testing

@_spi(Benchmarking) @testable import EventLog

/// The raw-LMDB writers the benchmarks compare the engine with.
@Suite("Raw LMDB baselines")
struct RawLMDBBaselineTests {
    @Test("the naive layout writes every record once, in transactions smaller than a batch")
    func naiveLayoutWritesEveryRecord() throws {
        let events = (0..<25).map { i in Fixture.event(StreamName("customer-\(i % 3)")!, "NoteAdded", ["n": .number(JSONNumber(i))]) }
        let batches = try RawLMDBBaseline.encode(events, batchSize: 10)
        #expect(batches.map(\.count) == [10, 10, 5])
        let scratch = ScratchDirectory("naive")
        defer { scratch.cleanup() }
        let naive = try RawLMDBBaseline(directory: scratch.url, sync: false)
        let written = try naive.writeNaively(batches, transactionSize: 4)
        #expect(written.events == 25)
        #expect(written.seconds > 0)
        #expect(try naive.scanAll() == 25)
    }
}
