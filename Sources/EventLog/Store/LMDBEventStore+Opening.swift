import CLMDB
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What the store says when it cannot be opened: which file, what is wrong with it, and
/// what to do. LMDB's own codes name no file ("Permission denied") or say only that a
/// file is not LMDB's, which leaves a reader guessing whether `--data` is wrong, the
/// file is damaged, or a permission is missing.
extension LMDBEventStore {
    /// The name of the scratch file ``backup(to:compact:verify:)`` writes before it
    /// renames it to `data.mdb`.
    static let partialBackupName = "data.mdb.partial"

    /// Why `directory` holds no store, for a command that may not create one: a folder
    /// on the way this user may not enter, the partial copy of an interrupted backup, or
    /// nothing at all.
    static func noStore(in directory: URL) -> EventLogError {
        let partial = directory.appendingPathComponent(partialBackupName)
        if FileManager.default.fileExists(atPath: partial.path) {
            return EventLogError(
                .storeNotFound,
                "there is no event store in \(directory.path), only \(partialBackupName), the unfinished copy of a `ledgerline backup` that was interrupted "
                    + "(the store it copied is unaffected): run the backup into this folder again, which starts the copy over, or delete the file")
        }
        return EventLogError(.storeNotFound, "there is no event store in \(directory.path); run `ledgerline init` or pass --data")
    }

    /// A folder on the way to `dataFile` this user may not enter, as an error; `nil`
    /// when the file can be looked up (whether or not it exists).
    ///
    /// Without this check, a folder the user may not enter looks empty, and the store
    /// in it is reported missing.
    static func unreachable(_ dataFile: URL) -> EventLogError? {
        var status = stat()
        guard stat(dataFile.path, &status) != 0, errno == EACCES else { return nil }
        let directory = dataFile.deletingLastPathComponent()
        let folder = closedFolder(above: dataFile) ?? directory
        return EventLogError(
            .storage,
            "permission denied on \(folder.path): this user (\(currentUser)) may not enter it (\(ownership(folder.path))), so the store in \(directory.path) cannot be read; "
                + "run as a user who may, or give this one search permission on it (`chmod` or `chown`)")
    }

    /// The outermost folder above `file` that this user may not enter, if any.
    private static func closedFolder(above file: URL) -> URL? {
        var folder = URL(fileURLWithPath: "/")
        for component in file.standardizedFileURL.deletingLastPathComponent().pathComponents.dropFirst() {
            folder.appendPathComponent(component)
            if !mayAccess(folder.path, X_OK) { return folder }
        }
        return nil
    }

    /// The error for an LMDB environment that would not open in `directory`: for a
    /// missing permission, which file and which access; for a file that is not LMDB's,
    /// what that means. Anything else as LMDB says it.
    static func openFailure(_ error: Error, directory: URL) -> EventLogError {
        guard let failure = error as? LMDBFailure else { return error.asEventLogError }
        switch failure.code {
        case EACCES, EPERM: return permissionDenied(directory) ?? failure.eventLogError
        // A meta page damaged past its mark can ask LMDB to map more than there is.
        case MDB_INVALID, MDB_VERSION_MISMATCH, ENOMEM, EINVAL: return notLMDB(directory.appendingPathComponent("data.mdb"), failure)
        default: return failure.eventLogError
        }
    }

    /// Which of the store's folder, `lock.mdb` and `data.mdb` this user lacks access
    /// to, as an error.
    ///
    /// The store opens both files for reading and writing, for every command: LMDB
    /// keeps its table of readers in `lock.mdb`, so even a read writes there, and the
    /// environment is opened for writing once for all commands.
    private static func permissionDenied(_ directory: URL) -> EventLogError? {
        let needs = "every command, even one that only reads, opens lock.mdb and data.mdb for reading and writing (LMDB keeps its table of readers in lock.mdb)"
        let remedy = "run as the store's owner, or give this user read and write permission on both files (`chmod` or `chown`)"
        if let folder = closedFolder(above: directory.appendingPathComponent("data.mdb")) {
            return EventLogError(
                .storage,
                "permission denied on \(folder.path): this user (\(currentUser)) may not enter it (\(ownership(folder.path))); "
                    + "run as a user who may, or give this one search permission on it (`chmod` or `chown`)")
        }
        for name in ["lock.mdb", "data.mdb"] {
            let path = directory.appendingPathComponent(name).path
            let missing: String
            if FileManager.default.fileExists(atPath: path) {
                switch (mayAccess(path, R_OK), mayAccess(path, W_OK)) {
                case (true, true): continue
                case (false, false): missing = "read or write"
                case (false, true): missing = "read"
                case (true, false): missing = "write"
                }
                return EventLogError(
                    .storage, "permission denied on \(path): this user (\(currentUser)) may not \(missing) it (\(ownership(path))); \(needs): \(remedy)")
            } else if !mayAccess(directory.path, W_OK) {
                return EventLogError(
                    .storage,
                    "permission denied on \(directory.path): this user (\(currentUser)) may not create \(name) in it (\(ownership(directory.path))); \(needs): "
                        + "run as the store's owner, or give this user write permission on the folder (`chmod` or `chown`)")
            }
        }
        return nil
    }

    /// Whether this process may access `path` in `mode`, by its effective ids.
    private static func mayAccess(_ path: String, _ mode: Int32) -> Bool {
        faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0
    }

    /// "nobody, uid 65534": who this process runs as.
    static var currentUser: String {
        let uid = geteuid()
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return "\(String(cString: name)), uid \(uid)"
    }

    /// "owner root, mode 0700": whose `path` is and who may do what with it.
    static func ownership(_ path: String) -> String {
        var status = stat()
        guard stat(path, &status) == 0 else { return "its owner and mode cannot be read" }
        let owner = getpwuid(status.st_uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "uid \(status.st_uid)"
        return "owner \(owner), mode \(String(status.st_mode & 0o7777, radix: 8).leftPadded(to: 4))"
    }

    /// What is wrong with the first two pages of a `data.mdb` LMDB would not open
    /// (with `failure`), as an error: the file is not LMDB's, too short, or one of its
    /// meta pages is damaged. Only LMDB's error when the pages show nothing wrong and
    /// LMDB did not call the file "not an LMDB file".
    ///
    /// An LMDB file starts with two meta pages; each commit writes one of them in
    /// turn, and LMDB opens the file at the one whose commit is newer. LMDB refuses the
    /// file when either page is missing or does not carry the meta page's mark; it
    /// falls back to the other page only when a damaged one still carries its mark and
    /// records the older commit. So a meta page zeroed or overwritten makes the whole
    /// file unreadable, although the other one and the data may be intact.
    private static func notLMDB(_ dataFile: URL, _ failure: LMDBFailure) -> EventLogError {
        let advice = "check that --data names the store's folder; if it does, \(LMDBFailure.restoreAdvice)"
        let said = "(LMDB: \(failure.lmdbMessage))"
        guard let handle = FileHandle(forReadingAtPath: dataFile.path) else { return failure.eventLogError }
        defer { try? handle.close() }
        let systemPage = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = Array((try? handle.read(upToCount: 2 * 65_536)) ?? Data())
        let size = (try? FileManager.default.attributesOfItem(atPath: dataFile.path)[.size] as? Int) ?? start.count

        func u16(_ offset: Int) -> Int { Int(start[offset]) | Int(start[offset + 1]) << 8 }
        func u32(_ offset: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(start[offset + $1]) << (8 * $1) } }
        func u64(_ offset: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(start[offset + $1]) << (8 * $1) } }
        // lmdb.h's layout: a 16-byte page header (flags at 10), then `MDB_meta`: the
        // magic number, the version, the map's address and size, and the free-page
        // database's record, whose first field holds the page size.
        func isMeta(at offset: Int) -> Bool {
            offset + 152 <= start.count && u16(offset + 10) & 0x08 != 0 && u32(offset + 16) == 0xBEEF_C0DE
        }
        let pageSize = isMeta(at: 0) && [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536].contains(Int(u32(40))) ? Int(u32(40)) : systemPage
        let metas = [0, pageSize].map(isMeta(at:))
        let ordinal = ["first", "second"]
        func bytes(_ page: Int) -> String { "bytes \((page * pageSize).formatted())–\(((page + 1) * pageSize - 1).formatted())" }
        var problem: String?
        if size < 2 * pageSize, metas[0] || size < pageSize {
            problem =
                "is \(size.formatted()) bytes, shorter than the two \(pageSize.formatted())-byte meta pages every LMDB file begins with "
                + "(a copy that stopped early, or not a store's file)"
        } else if !metas[0] && !metas[1] {
            problem = "does not begin with LMDB's two meta pages: it is not a store's data file, or its first pages were overwritten"
        } else if let page = metas.firstIndex(of: false) {
            problem = "has a damaged \(ordinal[page]) meta page (\(bytes(page))): LMDB refuses a file when either of its two meta pages lacks its mark"
        } else {
            // Marked as meta pages, but with fields no healthy one has: a file format
            // other than its twin's, or a map size or a last page no file could have
            // (LMDB tries to map that much, and fails).
            for page in [0, 1] {
                let offset = page * pageSize
                let version = u32(offset + 20)
                let (mapSize, lastPage) = (u64(offset + 32), u64(offset + 136))
                let found: String
                // LMDB 0.9 writes file format 1; only a damaged page differs from its twin.
                if version != 1, u32(pageSize - offset + 20) == 1 {
                    found = "it records file format \(version.formatted()), the other meta page 1"
                } else if mapSize % UInt64(pageSize) != 0 || mapSize > 1 << 48 {
                    found = "it records a map size of \(mapSize.formatted()) bytes"
                } else if lastPage > 1 << 36 {
                    found = "it records \(lastPage.formatted()) as the last page in use"
                } else {
                    continue
                }
                problem = "has a damaged \(ordinal[page]) meta page (\(bytes(page))): \(found)"
                break
            }
        }
        guard let problem else { return failure.eventLogError }
        return EventLogError(.corrupted, "cannot open the store: \(dataFile.path) \(problem) \(said); \(advice)")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
