import Foundation
import Testing

@testable import EventLog

/// An import file that gives one id on two lines with different content is refused
/// before anything is appended, wherever the two lines are: the check pass finds
/// repeated ids in bounded memory (``RepeatedIDs``) and compares their lines as the
/// store compares a re-appended id.
@Suite("Repeated ids in an import file")
struct RepeatedIDsTests {
    static let id = Fixture.importLineID

    private func scratch() throws -> ScratchDirectory { try ScratchDirectory.forImports("repeated").0 }

    /// 200 lines; line `n` (from 0) gives id `n`, except lines 150 and up, which give
    /// the id of line `n - 150` again.
    private func entries() -> [RepeatedIDs.Entry] {
        (0..<200).map { n in RepeatedIDs.Entry(id: EventID(Self.id(n < 150 ? n : n - 150))!, line: n + 1, templateLength: UInt32(100 + n)) }
    }

    @Test("repeated ids are found the same in memory and across runs in a scratch file, which is removed after", arguments: [1 << 19, 7])
    func repeatedIdsAreFoundInMemoryAndAcrossRuns(budget: Int) throws {
        let scratch = try scratch()
        defer { scratch.cleanup() }
        var finder = RepeatedIDs(file: "events.jsonl", scratchDirectory: scratch.url, budget: budget)
        let all = entries()
        for start in stride(from: 0, to: all.count, by: 13) {
            try finder.add(Array(all[start..<min(all.count, start + 13)]))
        }
        #expect(finder.count == 200)
        let spilled = finder.spilled
        #expect(spilled == (budget < 200))
        if spilled {
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).count == 1)
        }
        // Spilled, the groups come a partition at a time, never all at once.
        var groups: [[RepeatedIDs.Entry]] = []
        var calls = 0
        try finder.forEachRepeated { partition in
            calls += 1
            groups += partition
        }
        #expect(calls == (spilled ? RepeatedIDs.partitions : 1))
        groups.sort { $0[0].line < $1[0].line }
        #expect(groups.count == 50)
        #expect(groups.map { $0.map(\.line) } == (0..<50).map { [$0 + 1, $0 + 151] })
        #expect(groups.allSatisfy { $0[0].id == $0[1].id && Int($0[0].templateLength) == 100 + $0[0].line - 1 })
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).isEmpty)
    }

    @Test("time-ordered ids spread over every partition")
    func timeOrderedIdsSpreadOverEveryPartition() {
        var counts = [Int](repeating: 0, count: RepeatedIDs.partitions)
        let start: UInt64 = 1_764_000_000_000
        for n in 0..<64_000 { counts[RepeatedIDs.partition(of: EventID.generate(milliseconds: start + UInt64(n / 100)))] += 1 }
        #expect(counts.min()! > 700 && counts.max()! < 1_300, "\(counts)")
    }

    /// `line` (an import line) as a batch of one template.
    private func batch(_ line: String) throws -> PreparedBatch {
        var builder = ImportSpool.Builder()
        builder.add(try ImportLine.parse(line, lineNumber: 1), line: 1)
        return builder.batch
    }

    /// Two lines giving one id, and whether the check pass refuses the later one. The
    /// store, appending them one after the other, refuses the later one in the same
    /// cases, and in one more: an `occurredAt` the first line leaves to be stamped when
    /// appended, which the check pass cannot know and leaves to the append.
    static let comparisons: [(name: String, first: String, later: String, refused: Bool)] = {
        let id = "\"id\":\"0190f0a0-0000-7000-8000-000000000001\""
        let base = "{\(id),\"stream\":\"customer-1\",\"type\":\"ContactUpdated\",\"data\":{\"n\":1}"
        return [
            ("the same line", base + "}", base + "}", false),
            ("the same data, its members in another order", "{\(id),\"stream\":\"customer-1\",\"type\":\"ContactUpdated\",\"data\":{\"a\":1,\"b\":2}}",
             "{\(id),\"type\":\"ContactUpdated\",\"data\":{\"b\":2,\"a\":1},\"stream\":\"customer-1\"}", false),
            ("other data", base + "}", base.replacingOccurrences(of: "\"n\":1", with: "\"n\":2") + "}", true),
            ("another stream", base + "}", base.replacingOccurrences(of: "customer-1", with: "customer-2") + "}", true),
            ("an actor the first line does not give", base + "}", base + ",\"actor\":\"web\"}", true),
            ("no actor where the first line gives one", base + ",\"actor\":\"web\"}", base + "}", false),
            ("another actor", base + ",\"actor\":\"web\"}", base + ",\"actor\":\"shop\"}", true),
            ("another correlationId", base + ",\"correlationId\":\"0190f0a0-0000-7000-8000-0000000000aa\"}",
             base + ",\"correlationId\":\"0190f0a0-0000-7000-8000-0000000000bb\"}", true),
            ("occurredAt, where the first line's is stamped when appended", base + "}", base + ",\"occurredAt\":\"2025-01-01T00:00:00Z\"}", false),
            ("occurredAt equal to the first line's recordedAt", base + ",\"recordedAt\":\"2025-01-01T00:00:00Z\"}",
             base + ",\"occurredAt\":\"2025-01-01T00:00:00Z\"}", false),
            ("occurredAt other than the first line's recordedAt", base + ",\"recordedAt\":\"2025-01-01T00:00:00Z\"}",
             base + ",\"occurredAt\":\"2025-01-01T00:00:01Z\"}", true),
            ("another occurredAt", base + ",\"occurredAt\":\"2025-01-01T00:00:00Z\"}", base + ",\"occurredAt\":\"2025-01-02T00:00:00Z\"}", true),
        ]
    }()

    @Test("a later line is refused when the store would refuse it after the first", arguments: 0..<comparisons.count)
    func aLaterLineIsRefusedAsTheStoreWould(index: Int) async throws {
        let comparison = Self.comparisons[index]
        let first = try batch(comparison.first)
        let later = try batch(comparison.later)
        let refused = first.withTemplate(0) { f in
            later.withTemplate(0) { RepeatedIDs.refuses($0, given: later.events[0].given, after: f, given: first.events[0].given) }
        }
        #expect(refused == comparison.refused, "\(comparison.name)")

        // The store's own verdict, appending the two in turn.
        var storeRefused = false
        try await withLMDBStore { store in
            _ = try await store.append(prepared: first)
            do {
                let result = try await store.append(prepared: later)
                #expect(result.duplicateCount == 1)
            } catch {
                #expect((error as? EventLogError)?.code == .idConflict, "\(error)")
                storeRefused = true
            }
        }
        let leftToTheAppend = comparison.name.hasPrefix("occurredAt, where the first line's is stamped")
        #expect(storeRefused == (comparison.refused || leftToTheAppend), "\(comparison.name)")
    }

    /// A scratch folder and importer options for batches of 100; `spill` also sends the
    /// ids to a scratch file and compares one repeated id per read of the spool.
    private func setUp(spill: Bool) throws -> (ScratchDirectory, EventImporter.Options) {
        let (scratch, forImports) = try ScratchDirectory.forImports("repeated")
        var options = forImports
        if spill {
            options.idsHeldInMemory = 16
            options.repeatedTemplatesHeld = 1
        }
        return (scratch, options)
    }

    private func line(_ n: Int, _ stream: String, data: Int? = nil) -> String {
        "{\"stream\": \"\(stream)\", \"type\": \"ContactUpdated\", \"id\": \"\(Self.id(n))\", \"data\": {\"n\": \(data ?? n)}}"
    }

    /// 300 lines of seven streams, line `n` (from 1) giving id `n - 1`, except where
    /// `changes` gives other lines (by index from 0), written to `events.jsonl`.
    private func eventsFile(_ scratch: ScratchDirectory, changing changes: [Int: String]) throws -> URL {
        var lines = (0..<300).map { line($0, "customer-\($0 % 7)") }
        for (index, changed) in changes { lines[index] = changed }
        let file = scratch.file("events.jsonl")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("ids given again with other content in later batches are refused before anything is appended", arguments: [false, true])
    func idsGivenAgainInLaterBatchesAreRefusedFirst(spill: Bool) async throws {
        let (scratch, options) = try setUp(spill: spill)
        defer { scratch.cleanup() }
        let file = try eventsFile(
            scratch,
            changing: [
                260: line(20, "customer-5", data: 9_999),  // line 261 gives line 21's id
                120: line(20, "customer-6"),  // line 121 gives line 21 again, unchanged
                280: line(3, "customer-3", data: 7),  // line 281 changes line 4's data
            ])
        try await withLMDBStore { store in
            let importer = EventImporter(store: store, validator: nil, options: options)
            let wet = await #expect(throws: ImportFailure.self) { try await importer.importFile(at: file, displayName: "events.jsonl") }
            let expected: [ImportFailure.Problem] = [
                .init(line: 261, reason: "event \(Self.id(20)) is on line 21 too, with different content; give each event its own id"),
                .init(line: 281, reason: "event \(Self.id(3)) is on line 4 too, with different content; give each event its own id"),
            ]
            #expect(wet?.problems == expected, "\(String(describing: wet))")
            #expect(wet?.appended == 0)
            #expect(wet?.description.hasSuffix("events.jsonl: nothing was appended; fix the lines above and run the import again") == true)
            #expect(try store.head().position == LogPosition.start)
            let dry = await #expect(throws: ImportFailure.self) { try await importer.preview(url: file, displayName: "events.jsonl") }
            #expect(dry?.problems == wet?.problems)
            let left = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path)
            #expect(left == ["events.jsonl"])
        }
    }

    @Test("the first lines in the file are reported, whichever id's lines are compared first", arguments: [false, true])
    func theFirstLinesInTheFileAreReported(spill: Bool) async throws {
        var (scratch, options) = try setUp(spill: spill)
        defer { scratch.cleanup() }
        let file = try eventsFile(
            scratch,
            changing: [
                289: line(9, "customer-2", data: 1),  // line 290 changes line 10's data
                29: line(19, "customer-5", data: 1),  // line 30 changes line 20's data
                199: line(19, "customer-5", data: 2),  // and line 200 too
            ])
        options.maxReportedProblems = 1
        let importer = EventImporter(checkingWith: nil, options: options)
        let failure = await #expect(throws: ImportFailure.self) { try await importer.preview(url: file, displayName: "events.jsonl") }
        #expect(failure?.problems.map(\.line) == [30], "\(String(describing: failure))")
        #expect(failure?.totalProblems == 3)
    }

    @Test("an id given again with the same content in a later batch is a duplicate, appended once", arguments: [false, true])
    func anIdGivenAgainUnchangedIsADuplicate(spill: Bool) async throws {
        let (scratch, options) = try setUp(spill: spill)
        defer { scratch.cleanup() }
        let file = try eventsFile(scratch, changing: [260: line(20, "customer-6"), 299: line(20, "customer-6")])
        try await withLMDBStore { store in
            let importer = EventImporter(store: store, validator: nil, options: options)
            let summary = try await importer.importFile(at: file, displayName: "events.jsonl")
            #expect(summary.appended == 298)
            #expect(summary.duplicates == 2)
            #expect(try store.head().position == LogPosition(298))
        }
    }

    /// A CSV mapping making a contact of each row, and an order of rows with an amount,
    /// whose id key is the order number.
    static let csvMapping = """
        events:
          - type: ContactUpdated
            stream: "customer-{Customer}"
            id: "contact-{Customer}"
            data: { n: "{Customer}" }
          - type: ContactUpdated
            when: { column: Order, not_empty: true }
            stream: "customer-{Customer}"
            id: "contact-{Order}"
            data: { n: "{Order}" }
        """

    @Test("CSV rows whose events make one id are refused, through a scratch file too", arguments: [false, true])
    func csvRowsMakingOneIdAreRefused(spill: Bool) throws {
        let scratch = try scratch()
        defer { scratch.cleanup() }
        var rows = ["Customer,Order"] + (1...200).map { "\($0)," }
        rows[120] = "2000,"  // line 121 makes no id twice
        rows[150] = "7,"  // line 151 repeats line 8's contact
        rows[170] = "9000,9000"  // line 171: its order makes the id its contact makes
        let file = scratch.file("rows.csv")
        try rows.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        var options = CSVImporter.Options()
        options.scratchDirectory = scratch.url
        if spill { options.idsHeldInMemory = 16 }
        let importer = CSVImporter(checking: try CSVMapping(yaml: Self.csvMapping, file: "m.yaml"), validator: nil, options: options)
        let failure = #expect(throws: ImportFailure.self) { try importer.check(url: file, displayName: "rows.csv") }
        #expect(failure?.problems.map(\.line) == [151, 171], "\(String(describing: failure))")
        #expect(failure?.problems.first?.reason.contains("has the same id key as line 8's: `contact-{Customer}` (mapping line 4)") == true, "\(String(describing: failure))")
        #expect(failure?.problems.last?.reason.contains("has the same id key as another event of this row: `contact-{Order}` (mapping line 9)") == true, "\(String(describing: failure))")
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path)
        #expect(left == ["rows.csv"])
    }
}
