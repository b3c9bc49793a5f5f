import EventLog
import Projections
import Testing

/// View rows read back as they were written, and a damaged row is an error, not a crash.
@Suite struct RowFormatTests {
    func roundTrip<S: ViewState & Equatable>(_ state: S) throws {
        var writer = RowWriter()
        state.encode(to: &writer)
        var reader = RowReader(writer.bytes, table: "t")
        let back = try S(decoding: &reader, entity: state.entity)
        #expect(back == state)
        #expect(reader.isAtEnd)
        // Every truncation is refused with a corrupt-view error.
        for cut in stride(from: 0, to: writer.bytes.count, by: max(1, writer.bytes.count / 40)) {
            var short = RowReader(Array(writer.bytes.prefix(cut)), table: "t")
            #expect(throws: ProjectionError.self) { _ = try S(decoding: &short, entity: state.entity) }
        }
    }

    @Test func everyStateOfTheWorkedDomainRoundTrips() async throws {
        let store = try await WorkedDomain.log.memoryStore()
        for state in try await store.all(in: CustomerProjection()) { try roundTrip(state) }
        for state in try await store.all(in: PipelineProjection()) { try roundTrip(state) }
        for state in try await store.all(in: TaskProjection()) { try roundTrip(state) }
    }

    @Test func aDamagedRowSaysToRebuild() {
        var reader = RowReader([0xFF, 0xFF, 0xFF], table: "customers.rows")
        do {
            _ = try CustomerState(decoding: &reader, entity: "1")
            Issue.record("a damaged row was read")
        } catch {
            #expect(error.code == .corruptView)
            #expect(error.message.contains("ledgerline project rebuild"))
        }
    }
}
