import Foundation
import Testing

/// The pages of a `data.mdb`, read and edited as bytes: just enough of LMDB's layout
/// (lmdb.h's `MDB_meta`, `MDB_page` and `MDB_node`) to find a given kind of page and
/// damage it, for the tests of what damaged stores say.
struct LMDBFile {
    static let noPage = Int(bitPattern: UInt(UInt64.max))

    let url: URL
    var bytes: [UInt8]
    let pageSize = Int(getpagesize())

    init(_ url: URL) throws {
        self.url = url
        bytes = Array(try Data(contentsOf: url))
    }

    func write() throws { try Data(bytes).write(to: url) }

    var pageCount: Int { bytes.count / pageSize }

    func u16(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }

    func u64(_ offset: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) } }

    mutating func setU64(_ offset: Int, _ value: UInt64) {
        for i in 0..<8 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    /// The meta page of the newer commit (its transaction id is at 144).
    var meta: Int { u64(144) >= u64(pageSize + 144) ? 0 : pageSize }

    /// The root page of LMDB's free-page list (database 0), or ``noPage``.
    var freeRoot: Int { Int(bitPattern: UInt(u64(meta + 80))) }

    /// The root page of the list of named databases (database 1).
    var mainRoot: Int { Int(u64(meta + 128)) }

    /// The page's flags: 1 branch, 2 leaf, 0x20 a leaf of fixed-size duplicates.
    func flags(_ page: Int) -> Int { u16(page * pageSize + 10) }

    func nodeCount(_ page: Int) -> Int { (u16(page * pageSize + 12) - 16) / 2 }

    /// Where node `index` of `page` starts in the file.
    func node(_ page: Int, _ index: Int) -> Int { page * pageSize + u16(page * pageSize + 16 + 2 * index) }

    func keySize(_ page: Int, _ index: Int) -> Int { u16(node(page, index) + 6) }

    /// The page a branch node points to.
    func child(_ page: Int, _ index: Int) -> Int {
        let start = node(page, index)
        return u16(start) | u16(start + 2) << 16 | u16(start + 4) << 32
    }

    func isBranch(_ page: Int, keySize: Int) -> Bool { flags(page) == 1 && nodeCount(page) > 1 && self.keySize(page, 1) == keySize }

    func isLeaf(_ page: Int, keySize: Int) -> Bool { flags(page) == 2 && nodeCount(page) > 0 && self.keySize(page, 0) == keySize }

    /// A branch page of the log (8-byte keys) over plain leaves of the log, not over
    /// the fixed-size leaves of the type index's positions (8-byte keys too).
    func isLogBranch(_ page: Int) -> Bool {
        guard isBranch(page, keySize: 8) else { return false }
        let below = child(page, 0)
        return isLeaf(below, keySize: 8) || isLogBranch(below)
    }

    /// The page of the `index`th subtree under the log's root, and the first position in it.
    func logSubtree(_ index: Int) throws -> (page: Int, firstPosition: UInt64) {
        let branches = (0..<pageCount).filter(isLogBranch)
        let children = Set(branches.flatMap { page in (0..<nodeCount(page)).map { child(page, $0) } })
        let root = try #require(branches.first { !children.contains($0) }, "no root branch page in the log's tree")
        try #require(nodeCount(root) > index, "the log's root has \(nodeCount(root)) subtrees")
        return (child(root, index), u64(node(root, index) + 8))
    }

    /// The first leaf of the id index (16-byte keys).
    func firstIdLeaf() throws -> Int { try #require((0..<pageCount).first { isLeaf($0, keySize: 16) }) }

    /// The id index's root branch page.
    func idBranch() throws -> Int { try #require((0..<pageCount).first { isBranch($0, keySize: 16) }) }

    mutating func zero(page: Int) {
        for i in (page * pageSize)..<((page + 1) * pageSize) { bytes[i] = 0 }
    }

    /// Points every child of a branch page past the end of the file.
    mutating func pointChildrenOutside(page: Int) {
        for index in 0..<nodeCount(page) {
            let start = node(page, index)
            for i in 0..<4 { bytes[start + i] = 0xFF }
        }
    }

    mutating func setNodeFlags(page: Int, node index: Int, flags: Int) {
        let start = node(page, index) + 4
        bytes[start] = UInt8(flags & 0xFF)
        bytes[start + 1] = UInt8(flags >> 8)
    }
}
