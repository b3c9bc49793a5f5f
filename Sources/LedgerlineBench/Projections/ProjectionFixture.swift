import EventLog
import Foundation
import Projections
import Schemas

/// A private copy of the benchmark log for the projection scenarios, which write view
/// tables into it: the shared fixture store stays as imported.
enum ProjectionFixture {
    /// Copies the fixture store into `context`'s work folder and opens the copy.
    static func copy(_ context: BenchContext) async throws -> (LMDBEventStore, EventLogWorkload) {
        let fixture = try await LogFixture.shared.store(context)
        let directory = context.workDirectory.appendingPathComponent("store")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.copyItem(at: fixture.storeDirectory, to: directory)
        // The copy sits in the page cache as dirty pages: flush it now, or the first
        // durable commit of the scenario would pay for writing the whole copy out.
        for file in ["data.mdb", "lock.mdb"] {
            let fd = open(directory.appendingPathComponent(file).path, O_RDWR)
            if fd >= 0 {
                fsync(fd)
                close(fd)
            }
        }
        var options = LMDBEventStore.Options()
        options.create = false
        options.validator = EventCatalog.embedded
        return (try LMDBEventStore(directory: directory, options: options), fixture.workload)
    }
}
