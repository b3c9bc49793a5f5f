import Foundation
import JSON
import Testing

@testable import EventLog

/// Dry runs of an import (`EventImporter.preview`): every batch planned as the store
/// would append it, against the store and the batches before it, and nothing appended.
@Suite("Import dry runs")
struct ImportPreviewTests {
    /// Planned in batches of about 100, so batches depend on the ones before them.
    static let lines = Fixture.recurringImportLines
    static let id = Fixture.importLineID


    @Test("a dry run says what the import then does: appended, already stored, head", arguments: StoreKind.allCases)
    func aDryRunSaysWhatTheImportThenDoes(kind: StoreKind) async throws {
        let (scratch, options) = try ScratchDirectory.forImports("import", files: ["first.jsonl": Array(Self.lines[..<300]), "events.jsonl": Self.lines])
        defer { scratch.cleanup() }
        try await kind.withStore { store in
            let importer = EventImporter(store: store, validator: nil, options: options)
            _ = try await importer.importFile(at: scratch.file("first.jsonl"), displayName: "first.jsonl")
            let before = try store.head()
            let file = scratch.file("events.jsonl")

            let preview = try await importer.preview(url: file, displayName: "events.jsonl")
            #expect(try store.head() == before)
            #expect(try scratch.leftovers().isEmpty)
            let summary = try await importer.importFile(at: file, displayName: "events.jsonl")
            #expect(preview.lines == 1_000)
            #expect(preview.appended == summary.appended)
            #expect(preview.duplicates == summary.duplicates)
            #expect(preview.head == summary.head)
            // The first 300 lines are stored (one of them repeating an earlier line), and
            // 7 more lines repeat an earlier one.
            #expect(preview.duplicates == 300 + 7)
            #expect(preview.appended == 1_000 - 307)
        }
    }

    @Test("without a store, a dry run plans against an empty log")
    func withoutAStoreADryRunPlansAgainstAnEmptyLog() async throws {
        let (scratch, options) = try ScratchDirectory.forImports("import", files: ["events.jsonl": Self.lines])
        defer { scratch.cleanup() }
        let preview = try await EventImporter(checkingWith: nil, options: options)
            .preview(url: scratch.file("events.jsonl"), displayName: "events.jsonl")
        #expect(preview.appended == 992)
        #expect(preview.duplicates == 8)
        #expect(preview.head == LogPosition(992))
        #expect(try scratch.leftovers().isEmpty)
    }

    /// What the store holds before, the file, and the line the import refuses.
    static let refusals: [(name: String, stored: [String], file: [String], line: Int, reason: String)] = {
        let line = { (n: Int, stream: String, extra: String) in
            "{\"stream\": \"\(stream)\", \"type\": \"ContactUpdated\", \"id\": \"\(id(n))\", \"data\": {\"n\": \(n)}\(extra)}"
        }
        var wrongVersion = (0..<300).map { line($0, "customer-\($0 % 2)", "") }
        // customer-1 is at version 125 by then, from lines in the batches before.
        wrongVersion[250] = line(250, "customer-1", ", \"expectedVersion\": 100")
        let stored = (0..<10).map { line(5_000 + $0, "customer-9", "") }
        var clash = (0..<300).map { line($0, "customer-\($0 % 7)", "") }
        clash[280] = line(5_003, "customer-8", "")
        return [
            ("a wrong expected version, met in a later batch", [], wrongVersion, 251, "expected version 100"),
            ("an id the store holds with other content", stored, clash, 281, "is stored already at position 4 with different content"),
        ]
    }()

    @Test("a dry run refuses what the import refuses, on the same line, and appends nothing", arguments: 0..<refusals.count)
    func aDryRunRefusesWhatTheImportRefuses(index: Int) async throws {
        let refusal = Self.refusals[index]
        let (scratch, options) = try ScratchDirectory.forImports("import", files: ["stored.jsonl": refusal.stored, "events.jsonl": refusal.file])
        defer { scratch.cleanup() }
        try await withLMDBStore { store in
            let importer = EventImporter(store: store, validator: nil, options: options)
            if !refusal.stored.isEmpty {
                _ = try await importer.importFile(at: scratch.file("stored.jsonl"), displayName: "stored.jsonl")
            }
            let before = try store.head()
            let file = scratch.file("events.jsonl")
            let dry = await #expect(throws: ImportFailure.self) { try await importer.preview(url: file, displayName: "events.jsonl") }
            #expect(try store.head() == before)
            #expect(try scratch.leftovers().isEmpty)
            let wet = await #expect(throws: ImportFailure.self) { try await importer.importFile(at: file, displayName: "events.jsonl") }
            #expect(dry?.problems.map(\.line) == [refusal.line], "\(refusal.name): \(String(describing: dry))")
            #expect(dry?.problems == wet?.problems, "\(refusal.name)")
            #expect(dry?.problems.first?.reason.contains(refusal.reason) == true, "\(refusal.name): \(String(describing: dry))")
            #expect(dry?.isDryRun == true)
            #expect(dry?.description.hasSuffix("events.jsonl: nothing was appended (dry run); fix the lines above and run it again") == true)
            // The import planned every batch before appending one: nothing was appended.
            #expect(wet?.appended == 0)
            #expect(wet?.description.hasSuffix("events.jsonl: nothing was appended; fix the lines above and run the import again") == true)
            #expect(try store.head() == before)
        }
    }

    /// A dry run stands for the store as it was; an import's plan goes on, since the
    /// append pass checks each batch again.
    @Test("a store appended to during a dry run is reported, during an import's plan let be; the scratch store is removed", arguments: [false, true])
    func aStoreAppendedToDuringAPreview(followsStore: Bool) async throws {
        let (scratch, _) = try ScratchDirectory.forImports("preview")
        defer { scratch.cleanup() }
        try await withLMDBStore { store in
            let preview = try ImportPreview(store: store, scratchDirectory: scratch.url, keepsPlannedIDs: !followsStore, followsStore: followsStore)
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).count == 1)
            let first = try ProposedEvent.prepare([Fixture.contactCreated(1), Fixture.contactCreated(2)], validator: nil, maxRecordBytes: 1 << 20)
            let planned = try await preview.append(prepared: first)
            #expect(planned.events.map(\.position) == [LogPosition(1), LogPosition(2)])
            #expect(try preview.head().position == LogPosition(2))
            #expect(try store.head().position == .start)

            _ = try await store.append([Fixture.contactCreated(3)])
            let second = try ProposedEvent.prepare([Fixture.contactCreated(4)], validator: nil, maxRecordBytes: 1 << 20)
            if followsStore {
                let next = try await preview.append(prepared: second)
                #expect(next.events.map(\.isDuplicate) == [false])
                #expect(try preview.head().position == LogPosition(3))
            } else {
                let error = await #expect(throws: EventLogError.self) { try await preview.append(prepared: second) }
                #expect(error?.message.contains("the store changed during the dry run (its head moved from 0 to 1)") == true, "\(String(describing: error))")
            }
            preview.close()
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).isEmpty)
        }
    }
}
