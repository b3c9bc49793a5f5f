import Foundation
import Testing

@testable import EventLog

/// LMDB hands the message of an assertion it fails to ``LMDBAssertion`` before it
/// aborts, so that a crash report can quote it. (A real failed assertion ends the
/// process: the CLI's damaged-pages tests cause one and read the report.)
@Suite("LMDB's assertion messages")
struct LMDBAssertionTests {
    @Test("every environment the store opens registers the callback")
    func openingAStoreRegistersTheCallback() async throws {
        // Debian's liblmdb is built with its assertions; one built without them refuses
        // the callback, and never aborts on an assertion.
        try await withLMDBStore { store in
            #expect(store.env.reportsAssertions)
        }
    }

    @Test("the callback keeps the message as LMDB gives it, cut at the buffer's size")
    func theCallbackKeepsTheMessage() {
        let long =
            "mdb.c:1: Assertion '" + String(repeating: "x", count: 2 * LMDBAssertion.capacity) + "' failed in f()"
        long.withCString { LMDBAssertion.callback(nil, $0) }
        var kept: [UInt8] = []
        LMDBAssertion.withMessage { kept = Array($0) }
        #expect(LMDBAssertion.failed)
        #expect(kept == Array(long.utf8.prefix(LMDBAssertion.capacity)))
        let message = "mdb.c:5837: Assertion 'IS_BRANCH(mc->mc_pg[mc->mc_top])' failed in mdb_cursor_sibling()"
        message.withCString { LMDBAssertion.callback(nil, $0) }
        LMDBAssertion.withMessage { kept = Array($0) }
        #expect(String(decoding: kept, as: UTF8.self) == message)
    }
}
