import Foundation
import JSON
import Testing

@testable import EventLog

/// The writer drops the process's mapping of the map's pages after a large commit, so
/// an import's resident memory does not grow with every index page it touched.
@Suite("Releasing mapped pages")
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
}
