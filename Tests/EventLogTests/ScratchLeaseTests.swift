import Foundation
import Testing

@testable import EventLog

/// Scratch space an import keeps beside the store (`ScratchLease`): held while in use,
/// removed by the next import once no process holds it.
@Suite("Import scratch space")
struct ScratchLeaseTests {
    private func makeOld(_ url: URL) throws {
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-120)], ofItemAtPath: url.path)
    }

    @Test("an import removes the scratch space killed imports left, and keeps what is held, young or not its own")
    func anImportRemovesWhatKilledImportsLeft() async throws {
        let scratch = ScratchDirectory("scratch")
        defer { scratch.cleanup() }
        let folder = scratch.url
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = { (name: String) in folder.appendingPathComponent(name) }
        // Left by killed imports: a spool, and a dry run's scratch store.
        try Data(repeating: 7, count: 4096).write(to: path(".ledgerline-import-dead.spool"))
        try FileManager.default.createDirectory(at: path(".ledgerline-preview-dead"), withIntermediateDirectories: false)
        try Data(repeating: 0, count: 8192).write(to: path(".ledgerline-preview-dead/data.mdb"))
        try makeOld(path(".ledgerline-import-dead.spool"))
        try makeOld(path(".ledgerline-preview-dead"))
        // Held by an import still running (here, in this process), however old.
        let live = try ScratchLease.file(".ledgerline-import-live.spool", in: folder)
        let liveFolder = try ScratchLease.folder(".ledgerline-preview-live", in: folder)
        try makeOld(live.url)
        try makeOld(liveFolder.url)
        // Just created, perhaps about to be held; and files that are not scratch space.
        try Data().write(to: path(".ledgerline-import-young.spool"))
        // Young however long the import below takes (its end sweeps the folder again).
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(3600)], ofItemAtPath: path(".ledgerline-import-young.spool").path)
        try Data("keep".utf8).write(to: path("notes.txt"))
        try Data("keep".utf8).write(to: path(".ledgerline-import"))
        try makeOld(path(".ledgerline-import"))

        let events = path("events.jsonl")
        try #"{"stream": "customer-1", "type": "ContactUpdated", "data": {"n": 1}}"#.write(to: events, atomically: true, encoding: .utf8)
        var options = EventImporter.Options()
        options.scratchDirectory = folder
        try await withLMDBStore { store in
            let summary = try await EventImporter(store: store, validator: nil, options: options).importFile(at: events, displayName: "events.jsonl")
            #expect(summary.appended == 1)
        }
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(
            left == [
                ".ledgerline-import-live.spool", ".ledgerline-preview-live", ".ledgerline-import-young.spool", "notes.txt", ".ledgerline-import",
                "events.jsonl",
            ])

        live.release()
        liveFolder.release()
        #expect(!FileManager.default.fileExists(atPath: live.url.path))
        #expect(!FileManager.default.fileExists(atPath: liveFolder.url.path))
    }

    @Test("an import or dry run whose scratch folder cannot be written says which folder and why, and appends nothing")
    func aScratchFolderThatCannotBeWrittenIsNamed() async throws {
        let scratch = ScratchDirectory("scratch")
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(at: scratch.url, withIntermediateDirectories: true)
        let events = scratch.url.appendingPathComponent("events.jsonl")
        try #"{"stream": "customer-1", "type": "ContactUpdated", "data": {"n": 1}}"#.write(to: events, atomically: true, encoding: .utf8)
        var options = EventImporter.Options()
        options.scratchDirectory = scratch.url.appendingPathComponent("missing")
        try await withLMDBStore { store in
            let importer = EventImporter(store: store, validator: nil, options: options)
            let wet = await #expect(throws: ImportFailure.self) { try await importer.importFile(at: events, displayName: "events.jsonl") }
            let dry = await #expect(throws: ImportFailure.self) { try await importer.preview(url: events, displayName: "events.jsonl") }
            for failure in [wet, dry] {
                #expect(
                    failure?.problems.first?.reason.hasPrefix("cannot create the import's scratch space \(options.scratchDirectory.path)/.ledgerline-import-") == true,
                    "\(String(describing: failure))")
                #expect(failure?.problems.first?.reason.hasSuffix(".spool: No such file or directory") == true, "\(String(describing: failure))")
            }
            #expect(wet?.description.hasSuffix("events.jsonl: nothing was appended; run the import again once that is fixed") == true)
            #expect(dry?.description.hasSuffix("events.jsonl: nothing was appended (dry run); fix that and run it again") == true)
            let head = try store.head()
            #expect(head.position == .start)
        }
    }

    @Test("a lease is never taken over: creating a name that exists fails, and says where")
    func aLeaseIsNeverTakenOver() throws {
        let scratch = ScratchDirectory("scratch")
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(at: scratch.url, withIntermediateDirectories: true)
        let lease = try ScratchLease.file(".ledgerline-import-a.spool", in: scratch.url)
        defer { lease.release() }
        let error = #expect(throws: EventLogError.self) { try ScratchLease.file(".ledgerline-import-a.spool", in: scratch.url) }
        #expect(error?.message.hasPrefix("cannot create the import's scratch space \(lease.url.path): File exists") == true, "\(String(describing: error))")
        #expect(ScratchLease.sweep(scratch.url, olderThan: 0) == 0)
        #expect(FileManager.default.fileExists(atPath: lease.url.path))
    }

    /// An import killed just before the next one began leaves a spool too young for
    /// the sweep at the start; the next import removes it as it ends, once it is old
    /// enough (here made so while the lease is held).
    @Test("a spool too young to sweep when an import begins is removed when it ends")
    func aSpoolTooYoungAtTheStartIsRemovedAtTheEnd() throws {
        let scratch = ScratchDirectory("scratch")
        defer { scratch.cleanup() }
        let folder = scratch.url
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let dead = folder.appendingPathComponent(".ledgerline-import-killed.spool")
        try Data(repeating: 7, count: 4096).write(to: dead)
        #expect(ScratchLease.sweep(folder) == 0)
        let lease = try ScratchLease.file(".ledgerline-import-next.spool", in: folder)
        try makeOld(dead)
        lease.release()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
