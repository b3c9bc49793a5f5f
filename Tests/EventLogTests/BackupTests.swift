import EventLog
import Foundation
import JSON
import Synchronization
import Testing

@Suite struct BackupTests {
    private func openCopy(_ directory: URL) throws -> LMDBEventStore {
        var options = LMDBEventStore.Options()
        options.create = false
        return try LMDBEventStore(directory: directory, options: options)
    }

    @Test func aBackupTakenWhileAppendsGoOnIsOneSnapshotThatVerifies() async throws {
        try await withLMDBStore { store in
            let target = store.directory.deletingLastPathComponent().appendingPathComponent("backups/first")
            _ = try await store.append((1...200).map { Fixture.contactCreated($0) })
            let appending = Task {
                var n = 1_000
                while !Task.isCancelled {
                    _ = try await store.append((n..<(n + 20)).map { Fixture.orderPlaced($0 % 50, amount: "\($0).00") })
                    n += 20
                }
            }
            // Let the appender get going, so the copy is taken between its commits.
            while try store.head().position.rawValue < 400 { try await Task.sleep(for: .milliseconds(1)) }
            let before = try store.head().position
            let backup = try store.backup(to: target)
            let after = try store.head().position
            appending.cancel()
            _ = await appending.result

            #expect(backup.head.position >= before && backup.head.position <= after)
            #expect(backup.directory == target.standardizedFileURL)
            #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("data.mdb").path))
            #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("data.mdb.partial").path))
            #expect(backup.bytes == (try FileManager.default.attributesOfItem(atPath: target.appendingPathComponent("data.mdb").path)[.size] as? Int))

            let copy = try openCopy(target)
            defer { copy.close() }
            let report = try copy.verify(progress: nil)
            #expect(report.isIntact && report.indexProblem == nil, "\(report.problem ?? report.indexProblem ?? "")")
            #expect(report.head == backup.head)
            // The copy is the live log up to its head: same events, same chain.
            let live = try store.read(from: LogPosition(1), direction: .forward, limit: Int(backup.head.position.rawValue))
            let copied = try copy.read(from: LogPosition(1), direction: .forward, limit: Int(backup.head.position.rawValue) + 10)
            #expect(copied.map(\.id) == live.map(\.id))
            #expect(copied.last?.hash == live.last?.hash)
            // And its indexes are the snapshot's: a stream's version is its last event there.
            let lastOfStream = live.last { $0.stream == "customer-7" }
            #expect(try copy.streamVersion("customer-7") == lastOfStream?.version)
        }
    }

    @Test func aCompactBackupLeavesFreePagesOutAndHoldsTheSameLog() async throws {
        try await withLMDBStore { store in
            // Many small commits leave pages behind that later commits replaced.
            for n in 0..<300 { _ = try await store.append([Fixture.orderPlaced(n % 40, amount: "\(n).00")]) }
            let scratch = store.directory.deletingLastPathComponent()
            let plain = try store.backup(to: scratch.appendingPathComponent("plain"))
            let compact = try store.backup(to: scratch.appendingPathComponent("compact"), compact: true, verify: true)
            #expect(compact.bytes < plain.bytes)
            #expect(compact.head == plain.head)
            #expect(plain.verification == nil)
            let report = try #require(compact.verification)
            #expect(report.isIntact && report.indexProblem == nil)
            #expect(report.verifiedEvents == 300)
            #expect(report.head == (try store.head()))
        }
    }

    @Test func aFolderThatHoldsAnythingIsRefusedAndLeftAsItWas() async throws {
        try await withLMDBStore { store in
            _ = try await store.append([Fixture.contactCreated(1)])
            let target = store.directory.deletingLastPathComponent().appendingPathComponent("earlier-backup")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            try "keep me".write(to: target.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
            let error = #expect(throws: EventLogError.self) { try store.backup(to: target) }
            #expect(
                error?.message
                    == "cannot back up to \(target.standardizedFileURL.path): the folder is not empty (it holds notes.txt); name a new or empty folder, so no earlier backup is overwritten")
            #expect(try FileManager.default.contentsOfDirectory(atPath: target.path) == ["notes.txt"])
            #expect(try String(contentsOf: target.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep me")

            let file = store.directory.deletingLastPathComponent().appendingPathComponent("a-file")
            try "x".write(to: file, atomically: true, encoding: .utf8)
            let fileError = #expect(throws: EventLogError.self) { try store.backup(to: file) }
            #expect(fileError?.message == "cannot back up to \(file.standardizedFileURL.path): it is a file; name a new or empty folder")
            let under = #expect(throws: EventLogError.self) { try store.backup(to: file.appendingPathComponent("copy")) }
            #expect(under?.message.hasSuffix("is a file, not a folder; name another folder") == true)
        }
    }

    /// A backup into the store's own folder, or a folder below it, used to be written:
    /// it is lost with the store, and copied along with it by whatever copies that
    /// folder. It is refused before anything is written, however the folder is spelled.
    @Test func aFolderInsideTheStoresFolderIsRefusedBeforeAnythingIsWritten() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(
            at: scratch.url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Spelled as the file system resolves it, so the messages below name it as given.
        let parent = scratch.url.deletingLastPathComponent().resolvingSymlinksInPath()
        let store = try LMDBEventStore(directory: parent.appendingPathComponent("store"))
        defer { store.close() }
        _ = try await store.append([Fixture.contactCreated(1)])
        let storePath = store.directory.path
        let contents = try FileManager.default.contentsOfDirectory(atPath: storePath).sorted()
        let why =
            "where the copy would be lost with the store and copied along with it; name a folder outside \(storePath)"

        let own = #expect(throws: EventLogError.self) { try store.backup(to: store.directory) }
        #expect(own?.code == .storage)
        #expect(own?.message == "cannot back up to \(storePath): it is the store's own folder, \(why)")
        let below = #expect(throws: EventLogError.self) {
            try store.backup(to: store.directory.appendingPathComponent("snapshots/monday"))
        }
        #expect(
            below?.message
                == "cannot back up to \(storePath)/snapshots/monday: it is inside the store's folder \(storePath), \(why)"
        )
        let dotted = #expect(throws: EventLogError.self) {
            try store.backup(to: parent.appendingPathComponent("elsewhere/../store/copy"))
        }
        #expect(
            dotted?.message
                == "cannot back up to \(storePath)/copy: it is inside the store's folder \(storePath), \(why)")
        let link = parent.appendingPathComponent("alias")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: store.directory)
        let linked = #expect(throws: EventLogError.self) { try store.backup(to: link.appendingPathComponent("copy")) }
        #expect(
            linked?.message
                == "cannot back up to \(link.path)/copy (\(storePath)/copy once symbolic links are followed): it is inside the store's folder \(storePath), \(why)"
        )

        #expect(try FileManager.default.contentsOfDirectory(atPath: storePath).sorted() == contents)
        #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("elsewhere").path))
        // Beside the store is outside it.
        #expect(try store.backup(to: parent.appendingPathComponent("store-copy")).head.position == LogPosition(1))
    }

    @Test func aBackupThatFailsLeavesNoFolderBehind() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.cleanup() }
        let store = try LMDBEventStore(directory: scratch.url)
        _ = try await store.append([Fixture.contactCreated(1)])
        store.close()
        let target = scratch.url.deletingLastPathComponent().appendingPathComponent("new/nested/copy")
        let error = #expect(throws: EventLogError.self) { try store.backup(to: target) }
        #expect(error?.message.hasPrefix("backing up to \(target.standardizedFileURL.path) failed: the event store has been closed") == true, "\(error?.message ?? "")")
        #expect(!FileManager.default.fileExists(atPath: scratch.url.deletingLastPathComponent().appendingPathComponent("new").path))
    }

    /// Restored by putting a backup's data.mdb in place, the store used to leave a
    /// follower reading the old, unlinked file: it waited in silence for ever, and the
    /// backup's positions past its head were not the ones it had printed.
    @Test(.timeLimit(.minutes(1))) func aSubscriptionWhoseDataFileIsReplacedSaysSoInsteadOfWaiting() async throws {
        try await withLMDBStore { store in
            _ = try await store.append((1...3).map { Fixture.contactCreated($0) })
            let backup = try store.backup(
                to: store.directory.deletingLastPathComponent().appendingPathComponent("restore-me"))
            _ = try await store.append([Fixture.contactCreated(4)])
            let events = store.subscribe(after: .start).polling(every: .milliseconds(20)).makeAsyncIterator()
            for expected in 1...4 { #expect(try await events.next()?.position == LogPosition(UInt64(expected))) }

            #expect(
                rename(
                    backup.directory.appendingPathComponent("data.mdb").path,
                    store.directory.appendingPathComponent("data.mdb").path) == 0)
            let error = await #expect(throws: EventLogError.self) { _ = try await events.next() }
            #expect(error?.code == .storage)
            #expect(
                error?.message.contains(
                    "data.mdb was replaced by another file (a backup put in its place?) while this process read it")
                    == true, "\(error?.message ?? "")")
        }
    }
}
