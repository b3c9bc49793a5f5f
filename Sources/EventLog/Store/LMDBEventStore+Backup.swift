import CLMDB
import Foundation

extension LMDBEventStore {
    /// What ``backup(to:compact:verify:)`` wrote.
    public struct Backup: Sendable, Hashable {
        /// The folder holding the copy; open it as a store to read or restore it.
        public var directory: URL
        /// The last event in the copy: the head when its snapshot was taken.
        public var head: LogHead
        /// Size of the copy's `data.mdb`.
        public var bytes: Int
        /// With `verify`, what ``verify(progress:)`` found in the copy.
        public var verification: VerificationReport?
    }

    /// Copies the whole store (log, indexes, views) as it stands at one moment into
    /// `target`, a folder that is new or empty, while appends go on.
    ///
    /// The copy is a store in its own right: open it with `--data`, run `verify` on it,
    /// or put its `data.mdb` in place of a lost one. It is written to a scratch name,
    /// synced, and only then renamed to `data.mdb`, so a backup cut short by a crash or
    /// a full disk is never mistaken for a store. With `compact`, free pages are left
    /// out, which makes the copy smaller and slower to write. With `verify`, the copy's
    /// chain and indexes are checked once it is complete.
    ///
    /// - Throws: ``EventLogError/Code/storage`` when `target` is a file or a folder that
    ///   holds anything, or the copy cannot be written; nothing is left behind then.
    public func backup(to target: URL, compact: Bool = false, verify: Bool = false) throws(EventLogError) -> Backup {
        let target = target.standardizedFileURL
        var isFolder: ObjCBool = false
        var madeFolders: [URL] = []
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw EventLogError(.storage, "cannot back up to \(target.path): it is a file; name a new or empty folder")
            }
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? []
            if let found = contents.sorted().first {
                throw EventLogError(
                    .storage,
                    "cannot back up to \(target.path): the folder is not empty (it holds \(found)\(contents.count > 1 ? " and \(contents.count - 1) more" : "")); "
                        + "name a new or empty folder, so no earlier backup is overwritten")
            }
        } else {
            madeFolders = try Self.makeFolders(target, otherwise: "name another folder")
        }
        let partial = target.appendingPathComponent("data.mdb.partial")
        let final = target.appendingPathComponent("data.mdb")
        func removeWhatWasWritten() {
            try? FileManager.default.removeItem(at: partial)
            if let outermost = madeFolders.first { try? FileManager.default.removeItem(at: outermost) }
        }

        let fd = open(partial.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            removeWhatWasWritten()
            throw EventLogError(.storage, "cannot write \(partial.path): \(reason)")
        }
        do {
            try env.copy(to: fd, compact: compact)
            guard fsync(fd) == 0 else { throw EventLogError(.storage, "cannot sync \(partial.path): \(String(cString: strerror(errno)))") }
            _ = Glibc.close(fd)
        } catch {
            _ = Glibc.close(fd)
            removeWhatWasWritten()
            var message = error.asEventLogError.message
            if let failure = error as? LMDBFailure, failure.code == ENOSPC {
                message = "the disk under \(target.path) is full; free space there or back up elsewhere"
            }
            throw EventLogError(.storage, "backing up to \(target.path) failed: \(message)")
        }
        guard rename(partial.path, final.path) == 0 else {
            let reason = String(cString: strerror(errno))
            removeWhatWasWritten()
            throw EventLogError(.storage, "cannot rename \(partial.path) to data.mdb: \(reason)")
        }
        // The new name, and any folder made for it, are entries in their parent folders.
        Self.syncEntries(in: target, made: madeFolders)

        // What the snapshot holds, read from the copy itself.
        var options = Options()
        options.create = false
        let copy = try LMDBEventStore(directory: target, options: options)
        defer { copy.close() }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: final.path)[.size] as? Int) ?? 0
        return Backup(directory: target, head: try copy.head(), bytes: bytes, verification: verify ? try copy.verify(progress: nil) : nil)
    }
}
