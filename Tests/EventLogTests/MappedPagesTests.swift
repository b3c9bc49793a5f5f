import Foundation
import JSON
import Testing

@testable import EventLog

/// The writer drops the process's mapping of the map's pages after a large commit, and
/// a plan after reading many stored records, so an import's resident memory does not
/// grow with every page it touched; scans
/// have the kernel read the file ahead of them.
@Suite("Mapped pages")
struct MappedPagesTests {
    /// Resident kilobytes of this process's mapping of `path`, from `/proc/self/smaps`.
    private func residentKilobytes(of path: String) throws -> Int {
        let smaps = try #require(LMDBEnvironment.readWhole("/proc/self/smaps"))
        var inMapping = false
        var total = 0
        for line in smaps.split(separator: "\n") {
            if let first = line.first, first.isHexDigit, line.contains("-"), line.split(separator: " ").count >= 5 {
                inMapping = line.hasSuffix(" " + path)
            } else if inMapping, line.hasPrefix("Rss:") {
                total += Int(line.split(separator: " ")[1]) ?? 0
            }
        }
        return total
    }

    /// The kernel's flags for this process's mapping of `path` (`VmFlags` in
    /// `/proc/self/smaps`): `rr` while it is advised random, `sr` sequential.
    private func flags(of path: String) -> Set<Substring> {
        guard let smaps = LMDBEnvironment.readWhole("/proc/self/smaps") else { return [] }
        var inMapping = false
        for line in smaps.split(separator: "\n") {
            if let first = line.first, first.isHexDigit, line.contains("-"), line.split(separator: " ").count >= 5 {
                inMapping = line.hasSuffix(" " + path)
            } else if inMapping, line.hasPrefix("VmFlags:") {
                return Set(line.split(separator: " ").dropFirst())
            }
        }
        return []
    }

    @Test("a scan has the kernel read the file ahead while it runs; point reads stay random")
    func scansReadAhead() async throws {
        try await withLMDBStore { store in
            _ = try await store.append((0..<600).map { n in Fixture.event(StreamName("customer-\(n % 50)")!, "ContactUpdated", ["n": .number(JSONNumber(n))]) })
            let path = try #require(store.env.dataFilePath)
            #expect(flags(of: path).contains("rr"), "MDB_NORDAHEAD advises the map random")

            try store.env.read { _ in
                store.env.scanning {
                    #expect(flags(of: path).contains("sr"))
                    #expect(!flags(of: path).contains("rr"))
                    // Scans nest: the advice holds until the last one ends.
                    store.env.scanning { #expect(flags(of: path).contains("sr")) }
                    #expect(flags(of: path).contains("sr"))
                }
            }
            #expect(flags(of: path).contains("rr"))

            // The store's long forward reads are scans; short ones are point reads.
            var during: Set<Substring> = []
            #expect(try store.scan(from: .start, limit: 600) { _ in during = during.isEmpty ? flags(of: path) : during; return true } == 600)
            #expect(during.contains("sr"))
            during = []
            #expect(try store.scan(from: .start, limit: 10) { _ in during = during.isEmpty ? flags(of: path) : during; return true } == 10)
            #expect(during.contains("rr"))
            // A long page that finds few events (a subscription caught up) is no scan.
            during = []
            #expect(try store.scan(from: LogPosition(501), limit: 600) { _ in during = during.isEmpty ? flags(of: path) : during; return true } == 100)
            #expect(during.contains("rr"))
            #expect(try store.read(from: .start, direction: .forward, limit: 600).count == 600)
            #expect(flags(of: path).contains("rr"))
            #expect(try store.verify(progress: nil).isIntact)
            #expect(flags(of: path).contains("rr"))
        }
    }

    @Test("the data file's mapping is found, and releasing it leaves none of its pages resident")
    func releasingDropsResidentPages() async throws {
        try await withLMDBStore { store in
            let events = (0..<5_000).map { n in
                Fixture.event(StreamName("customer-\(n % 700)")!, "ContactUpdated", ["n": .number(JSONNumber(n)), "note": .string(String(repeating: "x", count: 300))])
            }
            _ = try await store.append(events)

            let range = try #require(store.env.mappedRange())
            #expect(range.count == store.env.mapSize)
            let path = try #require(store.env.dataFilePath)
            // Reading every record maps its pages into this process.
            #expect(try store.read(from: .start, direction: .forward, limit: 10_000).count == 5_000)
            #expect(try residentKilobytes(of: path) > 1_000)
            store.env.releaseMappedPages()
            #expect(try residentKilobytes(of: path) == 0)
            // The pages come back from the page cache on the next read.
            #expect(try store.read(from: .start, direction: .forward, limit: 10_000).count == 5_000)
        }
    }

    @Test("planning a batch of stored events (an import run again) leaves the records it compared unmapped")
    func planningDuplicatesReleasesWhatItRead() async throws {
        try await withLMDBStore { store in
            // 12,000 records of about 500 bytes: more than the 4 MiB a plan may read and keep.
            // Each gives its id and time, so appending it again is a duplicate.
            let events = (0..<12_000).map { n in
                Fixture.event(
                    StreamName("customer-\(n % 900)")!, "ContactUpdated", ["n": .number(JSONNumber(n)), "note": .string(String(repeating: "x", count: 400))],
                    id: .generate(), occurredAt: Timestamp(microseconds: 1_700_000_000_000_000 + Int64(n)))
            }
            _ = try await store.append(events)
            let path = try #require(store.env.dataFilePath)
            store.env.releaseMappedPages()
            #expect(try residentKilobytes(of: path) == 0)

            var again = try ProposedEvent.prepare(events, validator: nil, maxRecordBytes: 1 << 20)
            let plan = try #require(store.preplan(&again, after: nil))
            #expect(plan.result.duplicateCount == 12_000)
            #expect(try residentKilobytes(of: path) == 0, "the records compared stayed mapped")

            // A plan reading less keeps its pages: releasing has a cost, paid only when it pays.
            var few = try ProposedEvent.prepare(Array(events.prefix(100)), validator: nil, maxRecordBytes: 1 << 20)
            #expect(try #require(store.preplan(&few, after: nil)).result.duplicateCount == 100)
            #expect(try residentKilobytes(of: path) > 0)
        }
    }
}
