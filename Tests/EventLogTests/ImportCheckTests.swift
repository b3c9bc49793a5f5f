import Foundation
import Synchronization
import Testing

@testable import EventLog

/// A check without a store (``EventImporter/check(url:displayName:progress:)``, what
/// `schemas validate` runs) finds the problems the import's check pass finds, repeated
/// ids included, with the same messages; and a file that cannot repeat an id costs it no
/// scratch file.
@Suite("Checking an import file without a store")
struct ImportCheckTests {
    static let id = Fixture.importLineID

    static func line(_ n: Int, id: String? = nil, data: Int? = nil) -> String {
        let given = id.map { ", \"id\": \"\($0)\"" } ?? ""
        return
            "{\"stream\": \"customer-\(n % 7)\", \"type\": \"ContactUpdated\"\(given), \"data\": {\"n\": \(data ?? n)}}"
    }

    /// The check's failure and the import's on `file`, and what the store holds after.
    private func bothFail(_ file: String, in scratch: ScratchDirectory, options: EventImporter.Options) async throws
        -> (check: ImportFailure?, wet: ImportFailure?)
    {
        let checked = #expect(throws: ImportFailure.self) {
            try EventImporter(checkingWith: nil, options: options).check(url: scratch.file(file), displayName: file)
        }
        var wet: ImportFailure?
        try await withLMDBStore { store in
            wet = await #expect(throws: ImportFailure.self) {
                try await EventImporter(store: store, validator: nil, options: options).importFile(
                    at: scratch.file(file), displayName: file)
            }
            let head = try store.head().position
            #expect(head == .start)
        }
        #expect(checked?.isCheckOnly == true)
        #expect(wet?.appended == 0)
        #expect(try scratch.leftovers().isEmpty)
        return (checked, wet)
    }

    @Test(
        "an id given again with other content in a later batch fails the check as it fails the import, in memory or through scratch files",
        arguments: [false, true])
    func anIDGivenAgainWithOtherContentFailsTheCheckAsTheImport(spill: Bool) async throws {
        var lines = (0..<300).map { Self.line($0, id: Self.id($0)) }
        lines[260] = Self.line(20, id: Self.id(20), data: 9_999)  // line 261 gives line 21's id, other data
        lines[120] = Self.line(20, id: Self.id(20))  // line 121 gives line 21's again, unchanged
        lines[280] = Self.line(3, id: Self.id(3), data: 7)  // line 281 changes line 4's data
        var (scratch, options) = try ScratchDirectory.forImports(
            "check", files: ["events.jsonl": lines], batchSize: 100)
        defer { scratch.cleanup() }
        if spill {
            options.idsHeldInMemory = 16
            options.repeatedTemplatesHeld = 1
        }
        let (checked, wet) = try await bothFail("events.jsonl", in: scratch, options: options)
        let expected: [ImportFailure.Problem] = [
            .init(
                line: 261,
                reason: "event \(Self.id(20)) is on line 21 too, with different content; give each event its own id"),
            .init(
                line: 281,
                reason: "event \(Self.id(3)) is on line 4 too, with different content; give each event its own id"),
        ]
        #expect(wet?.problems == expected, "\(String(describing: wet))")
        #expect(checked?.problems == expected, "\(String(describing: checked))")
        #expect(checked?.totalProblems == wet?.totalProblems)
        #expect(checked?.description.hasSuffix("events.jsonl: 2 bad lines") == true)
    }

    @Test(
        "a given id that is another line's derived id, with different content, fails the check as it fails the import")
    func aGivenIDThatIsADerivedIDFailsTheCheckAsTheImport() async throws {
        let first = ImportDerivedIDConflictTests.line(1)
        let derived = try ImportDerivedIDConflictTests.derivedID(first, number: 1)
        let lines = [first, ImportDerivedIDConflictTests.line(2, id: derived)]
        let (scratch, options) = try ScratchDirectory.forImports("check", files: ["dmix.jsonl": lines], batchSize: 1)
        defer { scratch.cleanup() }
        let (checked, wet) = try await bothFail("dmix.jsonl", in: scratch, options: options)
        let expected = [
            "dmix.jsonl:2: event \(derived) is also the id of line 1 (it gives no id, so its id is derived from its bytes and line number), "
                + "with different content; give this line another id"
        ]
        #expect(wet?.lines == expected)
        #expect(checked?.lines == expected)
    }

    @Test(
        "a file that cannot repeat an id is checked without a scratch file; one that may is compared through one, and passes when the lines agree"
    )
    func onlyAFileThatMayRepeatAnIDTakesAScratchFile() throws {
        let scratch = ScratchDirectory("check")
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(at: scratch.url, withIntermediateDirectories: true)
        let files: [String: [String]] = [
            "plain.jsonl": (0..<50).map { Self.line($0) },
            "own-ids.jsonl": (0..<50).map { Self.line($0, id: Self.id($0)) },
            // Line 31 gives line 11's id with its content: a duplicate, not a conflict.
            "duplicate.jsonl": (0..<50).map { Self.line($0 == 30 ? 10 : $0, id: Self.id($0 == 30 ? 10 : $0)) },
        ]
        for (name, lines) in files {
            try lines.joined(separator: "\n").write(to: scratch.file(name), atomically: true, encoding: .utf8)
        }
        // A scratch folder that does not exist: a check that needs a scratch file fails.
        var options = EventImporter.Options()
        options.scratchDirectory = scratch.url.appendingPathComponent("missing")
        let noScratch = EventImporter(checkingWith: nil, options: options)
        try noScratch.check(url: scratch.file("plain.jsonl"), displayName: "plain.jsonl")
        try noScratch.check(url: scratch.file("own-ids.jsonl"), displayName: "own-ids.jsonl")
        let failure = #expect(throws: ImportFailure.self) {
            try noScratch.check(url: scratch.file("duplicate.jsonl"), displayName: "duplicate.jsonl")
        }
        #expect(
            failure?.problems.first?.reason.hasPrefix("cannot create the import's scratch space") == true,
            "\(String(describing: failure))")

        options.scratchDirectory = scratch.url
        try EventImporter(checkingWith: nil, options: options).check(
            url: scratch.file("duplicate.jsonl"), displayName: "duplicate.jsonl")
        #expect(try scratch.leftovers().isEmpty)
    }

    /// An importer made to check files imports into the store it is handed once the
    /// file passed: a bad file never asks for one, so a command that would create the
    /// store for the import creates nothing.
    @Test("an importer without a store opens the one it imports into only once the file passed")
    func anImporterOpensItsStoreOnlyOnceTheFilePassed() async throws {
        var bad = (0..<50).map { Self.line($0) }
        bad[30] = "{\"stream\": \"customer-1\", \"type\": \"ContactUpdated\"}"
        let (scratch, options) = try ScratchDirectory.forImports("open-late", files: ["bad.jsonl": bad, "good.jsonl": (0..<50).map { Self.line($0) }])
        defer { scratch.cleanup() }
        let importer = EventImporter(checkingWith: nil, options: options)
        try await withLMDBStore { store in
            let opened = Mutex(0)
            let open: () async throws -> any EventStore = {
                opened.withLock { $0 += 1 }
                return store
            }
            let failure = await #expect(throws: ImportFailure.self) {
                try await importer.importFile(at: scratch.file("bad.jsonl"), displayName: "bad.jsonl", into: open)
            }
            #expect(failure?.problems.map(\.line) == [31])
            #expect(opened.withLock { $0 } == 0)
            let summary = try await importer.importFile(at: scratch.file("good.jsonl"), displayName: "good.jsonl", into: open)
            #expect(opened.withLock { $0 } == 1)
            #expect(summary.appended == 50)
            #expect(try store.head().position.rawValue == 50)
        }
        // Without a store to pass, it says how to import, before reading the file.
        let storeless = await #expect(throws: ImportFailure.self) {
            try await importer.importFile(at: scratch.file("good.jsonl"), displayName: "good.jsonl")
        }
        #expect(storeless?.problems.map(\.reason) == ["this importer was made to check files; make it with a store, or pass one, to import"])
        #expect(try scratch.leftovers().isEmpty)
    }
}
