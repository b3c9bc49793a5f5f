#if canImport(Glibc)
import Glibc
#endif

/// Whole-buffer reads and writes on a file descriptor, retrying what a signal
/// interrupts: the import's scratch files (the spool, the ids of ``RepeatedIDs``) are
/// read and written through these.
enum FileIO {
    /// What the system said when a read or write failed.
    struct Failure: Error, CustomStringConvertible {
        /// The `errno` value, or 0 when the system gave none.
        var code: Int32 = 0
        var message: String
        var description: String { message }

        static func fromErrno() -> Failure {
            let code = errno
            return Failure(code: code, message: String(cString: strerror(code)))
        }
    }

    /// Fills `buffer` from `fd`, at `offset`, or at the descriptor's position when `nil`.
    /// Returns the bytes read: fewer than the buffer holds only at the end of the file.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int? = nil) throws(Failure) -> Int {
        var done = 0
        while done < buffer.count {
            let start = buffer.baseAddress! + done
            let n = offset.map { Glibc.pread(fd, start, buffer.count - done, off_t($0 + done)) } ?? Glibc.read(fd, start, buffer.count - done)
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw .fromErrno()
            }
            done += n
        }
        return done
    }

    /// Writes all of `bytes` to `fd` at `offset`, or at the descriptor's position when `nil`.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int? = nil) throws(Failure) {
        var done = 0
        while done < bytes.count {
            let start = bytes.baseAddress! + done
            let n = offset.map { Glibc.pwrite(fd, start, bytes.count - done, off_t($0 + done)) } ?? Glibc.write(fd, start, bytes.count - done)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw n < 0 ? .fromErrno() : Failure(message: "nothing could be written") }
            done += n
        }
    }
}
