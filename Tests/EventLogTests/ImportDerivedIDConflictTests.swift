import Foundation
import Synchronization
import Testing

@testable import EventLog

/// A line giving an id that is another line's derived id: only an id of the form
/// derived ids have can be one, and such a pair with different content is refused in
/// the check pass, naming both lines, before anything is appended.
@Suite("Import of given and derived ids")
struct ImportDerivedIDConflictTests {
    static func line(_ a: Int, id: EventID? = nil, _ extra: String = "") -> String {
        let given = id.map { ", \"id\": \"\($0)\"" } ?? ""
        return "{\"stream\": \"lead-1\", \"type\": \"FormSubmitted\"\(given)\(extra), \"data\": {\"formId\": \"f\", \"leadId\": \"1\", \"fields\": {\"a\": \(a)}}}"
    }

    /// The id line `number` gets when it gives none.
    static func derivedID(_ line: String, number: Int) throws -> EventID {
        try #require(try ImportLine.parse(line, lineNumber: number).event.id)
    }

    @Test("only ids of the derived form carry the line they may be derived for")
    func derivedOrdinalIsOnlyForTheDerivedForm() throws {
        #expect(try Self.derivedID(Self.line(1), number: 1).derivedOrdinal == 1)
        #expect(try Self.derivedID(Self.line(1), number: 123_456_789).derivedOrdinal == 123_456_789)
        #expect(EventID.generate().derivedOrdinal == nil)
        #expect(EventID(UUID()).derivedOrdinal == nil)
        #expect(EventID("0190f0a0-0000-7000-8000-000000000001")!.derivedOrdinal == nil)
    }

    @Test(
        "a line giving another line's derived id, with different content, is refused before anything is appended, in batches of 1 or 100",
        arguments: [1, 100])
    func aGivenIDThatIsAnEarlierLinesDerivedIDIsRefused(batchSize: Int) async throws {
        let first = Self.line(1)
        let lines = [first, Self.line(2, id: try Self.derivedID(first, number: 1))]
        let (scratch, options) = try ScratchDirectory.forImports("derived", files: ["dmix.jsonl": lines], batchSize: batchSize)
        defer { scratch.cleanup() }
        let id = try Self.derivedID(first, number: 1)
        try await withLMDBStore { store in
            let importer = EventImporter(store: store, validator: nil, options: options)
            let dryRun = await #expect(throws: ImportFailure.self) {
                try await importer.preview(url: scratch.file("dmix.jsonl"), displayName: "dmix.jsonl")
            }
            let failure = await #expect(throws: ImportFailure.self) {
                try await importer.importFile(at: scratch.file("dmix.jsonl"), displayName: "dmix.jsonl")
            }
            for refused in [dryRun, failure] {
                #expect(refused?.appended == 0)
                #expect(
                    refused?.lines == [
                        "dmix.jsonl:2: event \(id) is also the id of line 1 (it gives no id, so its id is derived from its bytes and line number), "
                            + "with different content; give this line another id"
                    ])
            }
            #expect(failure?.description.hasSuffix("dmix.jsonl: nothing was appended; fix the lines above and run the import again") == true)
            let head = try store.head().position
            #expect(head == .start)
            #expect(try scratch.leftovers().isEmpty)
        }
    }

    @Test("a line giving a later line's derived id, with different content, is refused at the later line, naming the one to change")
    func aGivenIDThatIsALaterLinesDerivedIDIsRefused() async throws {
        let second = Self.line(2)
        let id = try Self.derivedID(second, number: 2)
        let (scratch, options) = try ScratchDirectory.forImports("derived", files: ["dmix.jsonl": [Self.line(1, id: id), second]], batchSize: 1)
        defer { scratch.cleanup() }
        try await withLMDBStore { store in
            let failure = await #expect(throws: ImportFailure.self) {
                try await EventImporter(store: store, validator: nil, options: options).importFile(at: scratch.file("dmix.jsonl"), displayName: "dmix.jsonl")
            }
            #expect(
                failure?.lines == [
                    "dmix.jsonl:2: line 1 gives id \(id), which is this line's id (it gives no id, so its id is derived from its bytes and line number), "
                        + "with different content; give line 1 another id"
                ])
            #expect(failure?.appended == 0)
            let head = try store.head().position
            #expect(head == .start)
        }
    }

    @Test("a line giving another line's derived id with the same content is a duplicate, appended once")
    func aGivenIDThatIsADerivedIDWithTheSameContentIsADuplicate() async throws {
        let first = Self.line(1)
        let id = try Self.derivedID(first, number: 1)
        // Line 2 gives the id line 1 gets, and what line 1 says; line 3 gives an id of
        // the same form naming line 3 itself, which derives none.
        let lines = [first, Self.line(1, id: id), Self.line(3, id: try Self.derivedID(Self.line(3), number: 3))]
        let (scratch, options) = try ScratchDirectory.forImports("derived", files: ["dup.jsonl": lines], batchSize: 1)
        defer { scratch.cleanup() }
        try await withLMDBStore { store in
            let summary = try await EventImporter(store: store, validator: nil, options: options).importFile(at: scratch.file("dup.jsonl"), displayName: "dup.jsonl")
            #expect(summary.appended == 2)
            #expect(summary.duplicates == 1)
            let stored = try store.read(from: .start, direction: .forward, limit: 10)
            #expect(stored.map(\.id) == [id, try Self.derivedID(Self.line(3), number: 3)])
        }
    }

    @Test("an id the plan finds planned by an earlier batch, with different content, is not said to be stored")
    func aConflictWithAnEarlierBatchIsWordedForThePlan() async throws {
        // The check pass cannot refuse line 2: line 1's occurredAt is the time it is
        // appended, which only the plan (or the append) knows.
        let id = EventID.generate()
        let lines = [Self.line(1, id: id), Self.line(1, id: id, ", \"occurredAt\": \"2020-01-01T00:00:00Z\"")]
        let (scratch, options) = try ScratchDirectory.forImports("planned", files: ["planned.jsonl": lines], batchSize: 1)
        defer { scratch.cleanup() }
        try await withLMDBStore { store in
            let importer = EventImporter(store: store, validator: nil, options: options)
            let phases = PhaseLog()
            let failure = await #expect(throws: ImportFailure.self) {
                try await importer.importFile(at: scratch.file("planned.jsonl"), displayName: "planned.jsonl", progress: phases.record)
            }
            let dryRun = await #expect(throws: ImportFailure.self) {
                try await importer.preview(url: scratch.file("planned.jsonl"), displayName: "planned.jsonl")
            }
            #expect(phases.seen == [.checking, .planning])
            for refused in [failure, dryRun] {
                #expect(
                    refused?.lines == [
                        "planned.jsonl:2: event \(id) is given by an earlier line of this file too, with different content (the plan puts that line at position 1); "
                            + "give each event its own id"
                    ])
                #expect(refused?.appended == 0)
            }
            let head = try store.head().position
            #expect(head == .start)
        }
    }
}
