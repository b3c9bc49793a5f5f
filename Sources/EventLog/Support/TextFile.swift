#if canImport(Glibc)
import Glibc
#endif

/// A small text file read whole: a configuration or a mapping.
///
/// Read with plain `read` calls to the end, so that what is not a regular file reads
/// too: a pipe, process substitution (`--mapping <(envsubst < m.yaml)`), `/dev/null`.
/// Foundation's readers stat the file first and fail on those with "you don't have
/// permission", even for root; on a folder they fail with "NSCocoaErrorDomain error 256".
public enum TextFile {
    /// Why a file could not be read, in words for a message.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case noSuchFile
        case isFolder
        case notPermitted
        case notUTF8
        /// Longer than the limit it was read with.
        case tooLarge(limit: Int)
        /// What the system said, for any other failure.
        case system(String)

        public var description: String {
            switch self {
            case .noSuchFile: "no such file"
            case .isFolder: "it is a folder, not a file"
            case .notPermitted: "this user may not read it"
            case .notUTF8: "it is not UTF-8 text"
            case .tooLarge(let limit): "it is larger than \(MessageText.size(limit))"
            case .system(let message): message
            }
        }
    }

    /// The text of the file at `path`, at most `limit` bytes (16 MiB).
    public static func read(_ path: String, limit: Int = 16 << 20) throws(Failure) -> String {
        guard let text = String(validating: try bytes(path, limit: limit), as: UTF8.self) else { throw .notUTF8 }
        return text
    }

    /// The bytes of the file at `path`, at most `limit` of them. Files under `/proc`
    /// report a size of zero: they read whole this way, not by their size.
    public static func bytes(_ path: String, limit: Int = 16 << 20) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(errno) }
        defer { _ = close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > limit { throw .tooLarge(limit: limit) }
        }
        return bytes
    }

    private static func failure(_ code: Int32) -> Failure {
        switch code {
        case ENOENT: .noSuchFile
        case EISDIR: .isFolder
        case EACCES, EPERM: .notPermitted
        default: .system(String(cString: strerror(code)))
        }
    }
}
