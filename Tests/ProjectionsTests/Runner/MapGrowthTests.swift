import EventLog
import Foundation
import Projections
import Testing

/// A view commit bigger than the map: the store grows the map and the commit goes through.
@Suite struct MapGrowthTests {
    @Test func aViewCommitThatFillsTheMapGrowsItAndCommits() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        var options = LMDBEventStore.Options()
        options.sync = false
        options.initialMapSize = 1 << 20
        do {
            // A first session grows the map; the store is then reopened asking for less.
            let first = try LMDBEventStore(directory: scratch.url.appendingPathComponent("s"), options: options)
            try await first.writeViews { writer in
                for i in 0..<30_000 {
                    try writer.put(ViewTable("old.rows"), Array("o\(i)".utf8), [UInt8](repeating: 1, count: 200))
                }
            }
            first.close()
        }
        let store = try LMDBEventStore(directory: scratch.url.appendingPathComponent("s"), options: options)
        defer { store.close() }
        let table = ViewTable("grow.rows")
        // Readers before and during the growth leave transactions in the pool.
        let reads = Task.detached {
            while !Task.isCancelled {
                _ = try? store.readViews { reader in try reader.get(table, Array("k0-1".utf8)) }
                _ = try? store.read(from: .start, direction: .forward, limit: 1)
                // Let other work have this thread: there are as many as cores, and a
                // loop that never suspends keeps one from everything else in the run,
                // this test's own appends included.
                await Task.yield()
            }
        }
        defer { reads.cancel() }
        _ = try await store.append([ProposedEvent(stream: "customer-1", type: "PageVisited", data: ["customerId": "1"])]
        )
        for round in 0..<3 {
            _ = try store.readViews { reader in try reader.get(table, Array("probe".utf8)) }
            try await store.writeViews { writer in
                _ = try writer.get(table, Array("probe".utf8))
                for i in 0..<20_000 {
                    try writer.put(table, Array("k\(round)-\(i)".utf8), [UInt8](repeating: UInt8(i & 0xFF), count: 200))
                }
            }
        }
        let count = try store.readViews { reader in
            var n = 0
            try reader.scan(table, from: nil, reverse: false) { _, _ in
                n += 1; return true
            }
            return n
        }
        #expect(count == 60_000)
    }
}
