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
    /// A folder that holds only the scratch file of an earlier backup that was
    /// interrupted (killed, or the machine went down) is taken as empty: the scratch
    /// file is written over. Each backup holds a lock on its scratch file while it
    /// writes, so one still running is never written over; its folder is refused.
    ///
    /// - Throws: ``EventLogError/Code/storage`` when `target` is a file, a folder that
    ///   holds anything else, the store's own folder or a folder below it, or the copy
    ///   cannot be written (its message says when the disk, the quota or the file size
    ///   limit ran out); nothing is left behind then.
    public func backup(to target: URL, compact: Bool = false, verify: Bool = false) throws(EventLogError) -> Backup {
        let target = target.standardizedFileURL
        if let refusal = Self.storeFolderRefusal(target: target, store: directory) { throw refusal }
        try refuseDamagedFreePages(backingUpTo: target)
        var isFolder: ObjCBool = false
        var madeFolders: [URL] = []
        /// Whether the folder holds the scratch file of an earlier backup, and nothing else.
        var leftover = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw EventLogError(.storage, "cannot back up to \(target.path): it is a file; name a new or empty folder")
            }
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? []
            leftover = contents == [Self.partialBackupName]
            if !leftover, let found = contents.sorted().first {
                let partialNote =
                    contents.contains(Self.partialBackupName)
                    ? " (\(Self.partialBackupName) is the unfinished copy of an interrupted backup, and may be deleted)" : ""
                throw EventLogError(
                    .storage,
                    "cannot back up to \(target.path): the folder is not empty (it holds \(found)\(contents.count > 1 ? " and \(contents.count - 1) more" : "")); "
                        + "name a new or empty folder, so no earlier backup is overwritten\(partialNote)")
            }
        } else {
            madeFolders = try Self.makeFolders(target, otherwise: "name another folder")
        }
        let partial = target.appendingPathComponent(Self.partialBackupName)
        let final = target.appendingPathComponent("data.mdb")
        func removeWhatWasWritten() {
            try? FileManager.default.removeItem(at: partial)
            if let outermost = madeFolders.first { try? FileManager.default.removeItem(at: outermost) }
        }

        // A leftover is opened as it is, not removed and made anew: a backup that is
        // still writing holds its lock on that very file (from before it writes until
        // after it renames it), so the lock below tells.
        let fd = open(partial.path, O_WRONLY | (leftover ? 0 : O_CREAT | O_EXCL) | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            if !leftover { removeWhatWasWritten() }
            switch code {
            case EACCES, EPERM:
                throw EventLogError(
                    .storage,
                    "permission denied on \(target.path): this user (\(Self.currentUser)) may not create \(Self.partialBackupName) in it "
                        + "(\(Self.ownership(target.path))); name a folder this user may write in, or change its permissions"
                )
            case EROFS:
                throw EventLogError(
                    .storage,
                    "cannot write \(partial.path): the file system is mounted read-only; name a folder on one mounted for writing"
                )
            default:
                throw EventLogError(.storage, "cannot write \(partial.path): \(String(cString: strerror(code)))")
            }
        }
        var opened = stat()
        var named = stat()
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            // Another backup into this folder is writing it now: leave its file alone.
            _ = Glibc.close(fd)
            throw EventLogError(
                .storage,
                "cannot back up to \(target.path): another `ledgerline backup` is writing into it now (it holds the lock on \(Self.partialBackupName)); "
                    + "wait for that one to finish, or name another folder")
        }
        // Locked, the file must still be the scratch file: another backup may have
        // finished and renamed it to data.mdb between the look at the folder and the lock.
        guard fstat(fd, &opened) == 0, stat(partial.path, &named) == 0, opened.st_ino == named.st_ino, opened.st_dev == named.st_dev,
            !FileManager.default.fileExists(atPath: final.path)
        else {
            _ = Glibc.close(fd)
            throw EventLogError(.storage, "cannot back up to \(target.path): another `ledgerline backup` wrote into it meanwhile; name a new or empty folder")
        }
        /// The `errno` of a write that failed, for advice on room and the disk.
        var failedCode: Int32?
        do {
            // What an interrupted backup wrote is of no use; the copy starts afresh.
            if leftover, ftruncate(fd, 0) != 0 {
                throw EventLogError(.storage, "cannot empty \(partial.path), left by an interrupted backup: \(String(cString: strerror(errno))); delete it and back up again")
            }
            do {
                try env.copy(to: fd, compact: compact)
            } catch let failure as LMDBFailure {
                failedCode = failure.code
                throw failure
            }
            guard fsync(fd) == 0 else {
                failedCode = errno
                throw EventLogError(.storage, "cannot sync \(partial.path): \(String(cString: strerror(errno)))")
            }
        } catch {
            var message = error.asEventLogError.message
            // Looked at before the copy is removed: the advice weighs its size against
            // the file size limit, and the free space left.
            if let code = failedCode, let advice = WriteFailure.advice(code: code, file: partial, name: "the copy") {
                message = "\(String(cString: strerror(code))); \(advice)"
            }
            _ = Glibc.close(fd)
            removeWhatWasWritten()
            throw EventLogError(.storage, "backing up to \(target.path) failed: \(message)")
        }
        // Renamed while still locked (see above), then let go of.
        guard rename(partial.path, final.path) == 0 else {
            let reason = String(cString: strerror(errno))
            removeWhatWasWritten()
            _ = Glibc.close(fd)
            throw EventLogError(.storage, "cannot rename \(partial.path) to data.mdb: \(reason)")
        }
        _ = Glibc.close(fd)
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

    /// Refuses to back up a store whose free-page list is damaged, before anything is
    /// written: a plain copy carries the list's pages as they are, so the copy's first
    /// write fails or reuses a page in use, and a compact copy reads the list to count
    /// the pages it leaves out. One walk of the list, which is small.
    private func refuseDamagedFreePages(backingUpTo target: URL) throws(EventLogError) {
        let problem: String?
        do {
            problem = try env.read { txn in try freePagesProblem(txn) }
        } catch {
            throw EventLogError(.storage, "backing up to \(target.path) failed: \(error.asEventLogError.message)")
        }
        guard let problem else { return }
        throw EventLogError(
            .corrupted,
            "cannot back up \(env.directory.path): \(problem), and a copy would carry the damage; nothing was written. "
                + "`ledgerline export` still reads the whole log: import its output into a new, empty store (`ledgerline --data NEW import FILE`) and back that one up")
    }

    /// Refuses a `target` that is the store's folder or a folder below it, before
    /// anything is written: a backup there is lost with the store (a deleted folder, a
    /// failed disk) and is swept up, and copied again, by whatever copies that folder.
    ///
    /// Compared as the file system resolves them, not as spelled: `target` (with `..`
    /// taken out, as the backup writes it) has its symbolic links followed, and since it
    /// may not exist yet, its nearest existing folder stands for it. Each folder from
    /// there up to `/` is compared with the store's by device and inode, so another path
    /// to the store's folder (a link, a bind mount) is recognised too. Cost: one
    /// `realpath` and a `stat` per level.
    static func storeFolderRefusal(target: URL, store: URL) -> EventLogError? {
        var storeStatus = stat()
        guard stat(store.path, &storeStatus) == 0 else { return nil }
        var existing = target
        var missing: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            missing.insert(existing.lastPathComponent, at: 0)
            existing.deleteLastPathComponent()
        }
        guard let resolved = realpath(existing.path, nil) else { return nil }
        let real = URL(fileURLWithPath: String(cString: resolved))
        free(resolved)
        // From the nearest existing folder up: is one of them the store's folder?
        var folder = real
        var levels = 0
        while true {
            var status = stat()
            let found = stat(folder.path, &status) == 0
            if found, status.st_dev == storeStatus.st_dev, status.st_ino == storeStatus.st_ino { break }
            guard folder.path != "/" else { return nil }
            folder.deleteLastPathComponent()
            levels += 1
        }
        let storePath = store.standardizedFileURL.path
        let realStore = folder.path
        let realTarget = missing.reduce(real) { $0.appendingPathComponent($1) }.path
        let followed = realTarget == target.path ? "" : " (\(realTarget) once symbolic links are followed)"
        let place =
            levels == 0 && missing.isEmpty
            ? "it is the store's own folder"
            : "it is inside the store's folder \(storePath)\(realStore == storePath ? "" : " (\(realStore))")"
        return EventLogError(
            .storage,
            "cannot back up to \(target.path)\(followed): \(place), where the copy would be lost with the store and copied along with it; "
                + "name a folder outside \(storePath)")
    }
}
