import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension LMDBEventStore {
    /// Why making a folder in `parent` (the nearest folder that exists) failed, in plain
    /// words and with the system's own reason, then `advice`.
    ///
    /// Foundation's message for a failed `createDirectory` is "The operation could not
    /// be completed. The file doesn't exist." for `/proc/x`, which names neither the
    /// folder nor the cause; the `errno` under it does.
    static func folderFailureReason(_ error: any Error, in parent: URL, otherwise advice: String) -> String {
        guard let code = systemCode(of: error) else {
            return "the folder cannot be made in \(parent.path) (\(error.localizedDescription)); \(advice)"
        }
        let system = String(cString: strerror(code))
        switch code {
        case EROFS: return "\(parent.path) is on a read-only file system (\(system)); \(advice)"
        case ENOSPC, EDQUOT:
            return
                "the file system holding \(parent.path) has no room for a new folder (\(system)); free space there, or \(advice)"
        default: return "the system does not let a folder be made in \(parent.path) (\(system)); \(advice)"
        }
    }

    /// The `errno` under a Foundation file error, if it carries one.
    private static func systemCode(of error: any Error) -> Int32? {
        if let error = error as? POSIXError { return error.code.rawValue }
        // On Linux the underlying error is a `POSIXError`, which `as? NSError` misses.
        guard let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error else { return nil }
        let bridged = underlying as NSError
        return bridged.domain == NSPOSIXErrorDomain ? Int32(bridged.code) : nil
    }
}
