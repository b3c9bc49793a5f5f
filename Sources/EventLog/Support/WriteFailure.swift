import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What to do about a write that failed for want of room, or on a failing disk: the
/// advice added to the system's message when the store's file, or one of an import's
/// scratch files, cannot be written.
///
/// A full disk does not always say `ENOSPC`. LMDB reports a write that stopped short
/// as `EIO`, which is what a disk that fills up in the middle of a commit looks like,
/// so the advice looks at the file system's free space and the process's file size
/// limit (`ulimit -f`) rather than at the code alone.
enum WriteFailure {
    /// Less free space than this (or this close to the file size limit) is taken to be
    /// why a write failed: more than one large commit or scratch block.
    static let nearlyFull = 64 << 20

    /// Whether a write that failed with `code` may have run out of room (or met a
    /// failing disk): the codes there is advice for.
    static func isAboutRoomOrDisk(_ code: Int32) -> Bool {
        code == EIO || code == ENOSPC || code == EDQUOT || code == EFBIG
    }

    /// The advice for a write to `file` that failed with `code` (an `errno` value),
    /// from the state of the system now; `nil` when `code` says nothing about room or
    /// the disk. `name` is what to call the file (its name when `nil`).
    static func advice(code: Int32, file: URL, name: String? = nil) -> String? {
        guard isAboutRoomOrDisk(code) else { return nil }
        let directory = file.deletingLastPathComponent()
        var fileSystem = statvfs()
        let free = statvfs(directory.path, &fileSystem) == 0 ? Int(fileSystem.f_bavail) &* Int(fileSystem.f_frsize) : nil
        var limit = rlimit()
        let sizeLimit = getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0 && limit.rlim_cur != rlim_t.max ? Int(clamping: limit.rlim_cur) : nil
        var status = stat()
        let size = stat(file.path, &status) == 0 ? Int(status.st_size) : nil
        return advice(code: code, file: file, name: name, freeBytes: free, fileSizeLimit: sizeLimit, fileSize: size)
    }

    /// The advice for a write to `file` that failed with `code`, given the free space
    /// of its file system, the process's file size limit and the file's size, where
    /// known.
    static func advice(code: Int32, file: URL, name: String? = nil, freeBytes: Int?, fileSizeLimit: Int?, fileSize: Int?) -> String? {
        guard isAboutRoomOrDisk(code) else { return nil }
        let directory = file.deletingLastPathComponent().path
        let name = name ?? file.lastPathComponent
        if let limit = fileSizeLimit, code == EFBIG || (code == EIO && (fileSize ?? 0) >= limit - nearlyFull) {
            return "\(name) reached the largest file this process may write (`ulimit -f`, \(MessageText.size(limit))): "
                + "raise that limit (or run where it does not apply) and try again"
        }
        if code == EDQUOT {
            return "the disk quota for \(directory) is used up\(freeBytes.map { " (\(MessageText.size($0)) free on its file system)" } ?? ""): free space or raise the quota, and try again"
        }
        if code == ENOSPC || (freeBytes.map { $0 < nearlyFull } ?? false) {
            return "the file system holding \(directory) is full\(freeBytes.map { " (\(MessageText.size($0)) free)" } ?? ""): free space there and try again"
        }
        switch code {
        case EFBIG: return "\(name) is as large as its file system allows: move the store to one that allows larger files"
        case EIO: return "the disk holding \(directory) reported an error, with \(freeBytes.map(MessageText.size) ?? "some space") free: the kernel's log (`dmesg`) says more"
        default: return nil
        }
    }

}
