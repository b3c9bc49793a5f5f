import CLMDB
import Foundation
import Testing

@testable import EventLog

#if canImport(Glibc)
import Glibc
#endif

/// What a failed write says to do, from the code, the free space, the file size limit
/// and the file's size. The CLI's `WriteFailureTests` run the file size limit for real.
@Suite struct WriteFailureAdviceTests {
    let file = URL(fileURLWithPath: "/srv/crm/store/data.mdb")

    @Test func aFullFileSystemSaysWhichAndHowMuchIsFree() {
        let advice = WriteFailure.advice(code: ENOSPC, file: file, freeBytes: 4_096, fileSizeLimit: nil, fileSize: 1 << 30)
        #expect(advice == "the file system holding /srv/crm/store is full (4 KB free): free space there and try again")
    }

    /// LMDB reports a write that stopped short as EIO: with little room left, that is
    /// the likely cause; with plenty, the disk itself failed.
    @Test func anIOErrorIsAFullDiskOnlyWhenLittleIsFree() {
        let full = WriteFailure.advice(code: EIO, file: file, freeBytes: 3_000_000, fileSizeLimit: nil, fileSize: 1 << 30)
        #expect(full == "the file system holding /srv/crm/store is full (3.0 MB free): free space there and try again")
        let failing = WriteFailure.advice(code: EIO, file: file, freeBytes: 80_000_000_000, fileSizeLimit: nil, fileSize: 1 << 30)
        #expect(failing == "the disk holding /srv/crm/store reported an error, with 80.0 GB free: the kernel's log (`dmesg`) says more")
    }

    @Test func theFileSizeLimitIsNamedWhenTheFileReachedIt() {
        let limit = 500_000_000
        let refused = WriteFailure.advice(code: EFBIG, file: file, freeBytes: 80_000_000_000, fileSizeLimit: limit, fileSize: 499_000_000)
        #expect(refused == "data.mdb reached the largest file this process may write (`ulimit -f`, 500.0 MB): raise that limit (or run where it does not apply) and try again")
        // A short write at the limit, reported as EIO.
        let short = WriteFailure.advice(code: EIO, file: file, name: "the scratch file", freeBytes: 80_000_000_000, fileSizeLimit: limit, fileSize: limit)
        #expect(short?.hasPrefix("the scratch file reached the largest file this process may write") == true)
        // Far below the limit, an EIO is the disk's.
        let far = WriteFailure.advice(code: EIO, file: file, freeBytes: 80_000_000_000, fileSizeLimit: limit, fileSize: 1_000_000)
        #expect(far?.hasPrefix("the disk holding /srv/crm/store reported an error") == true)
    }

    @Test func aQuotaAndAFileSystemsOwnLimitAreTheirOwnCases() {
        #expect(
            WriteFailure.advice(code: EDQUOT, file: file, freeBytes: 80_000_000_000, fileSizeLimit: nil, fileSize: nil)
                == "the disk quota for /srv/crm/store is used up (80.0 GB free on its file system): free space or raise the quota, and try again")
        #expect(
            WriteFailure.advice(code: EFBIG, file: file, freeBytes: 80_000_000_000, fileSizeLimit: nil, fileSize: nil)
                == "data.mdb is as large as its file system allows: move the store to one that allows larger files")
    }

    @Test func otherCodesGetNoAdvice() {
        for code in [EACCES, EBADF, EINVAL, EPERM] {
            #expect(WriteFailure.advice(code: code, file: file, freeBytes: 0, fileSizeLimit: 1, fileSize: 1) == nil)
        }
    }

    /// The advice from the live system: a folder with room and no limit on this process.
    @Test func theLiveSystemIsAskedForFreeSpaceAndTheLimit() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledgerline-advice-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit)
        try #require(limit.rlim_cur == rlim_t.max, "the tests run without a file size limit")
        let advice = try #require(WriteFailure.advice(code: ENOSPC, file: directory.appendingPathComponent("data.mdb")))
        #expect(advice.hasPrefix("the file system holding \(directory.path) is full ("), "\(advice)")
    }

    @Test(arguments: [(0, "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (4_096, "4 KB"), (37_055_316, "37.1 MB"), (2_400_000_000, "2.4 GB")])
    func sizesReadAsPeopleReadThem(count: Int, text: String) {
        #expect(MessageText.size(count) == text)
    }

    /// After a commit fails at its meta page, LMDB answers every later transaction of
    /// the process with MDB_PANIC: the message says to restart and verify.
    @Test func aPanickedEnvironmentSaysToRestartAndVerify() {
        let error = LMDBFailure(code: MDB_PANIC, operation: "starting a write").eventLogError
        #expect(error.message.hasPrefix("LMDB failed while starting a write: MDB_PANIC"), "\(error.message)")
        #expect(error.message.hasSuffix("LMDB lets this process write no more — restart it, then run `ledgerline verify`"), "\(error.message)")
    }
}
