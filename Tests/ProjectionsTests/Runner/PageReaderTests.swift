import EventLog
import Testing

@testable import Projections

/// The page reader hands out pages of decoded events and takes each page's array back
/// when the last fold lets go of it, to refill it rather than allocate another.
@Suite struct PageReaderTests {
    func reader(_ store: InMemoryEventStore, pageSize: Int, threaded: Bool) async throws -> PageReader {
        let handled = [Bool](repeating: true, count: EventKind.allCases.count)
        let goal = try store.head().position
        return PageReader(
            store: store, decoder: EventDecoder(), handled: handled, from: .start, goal: goal, pageSize: pageSize,
            threaded: threaded)
    }

    @Test func aDroppedPageIsRefilledAndEveryEventIsReadOnceInOrder() async throws {
        var random = RandomLog(seed: 5)
        let store = try await random.log(count: 1_000, customers: 20, merges: false).memoryStore()
        let pages = try await reader(store, pageSize: 300, threaded: false)

        var positions: [UInt64] = []
        do {
            let first = try #require(try pages.next())
            positions += first.events.events.map(\.position.rawValue)
            #expect(first.count == 300)
            #expect(pages.refilled == 0)
        }
        // Dropping the page let go of its events: the array went back to the reader,
        // and the next page is read into it.
        let held = try #require(try pages.next())
        #expect(pages.refilled == 1)
        positions += held.events.events.map(\.position.rawValue)

        // A page still held is not refilled: the third page needs an array of its own.
        let third = try #require(try pages.next())
        #expect(pages.refilled == 1)
        positions += third.events.events.map(\.position.rawValue)
        #expect(held.count == 300 && third.count == 300)
        while let page = try pages.next() { positions += page.events.events.map(\.position.rawValue) }
        #expect(positions == Array(1...1_000))
    }

    @Test func payloadStoragesOfDroppedPagesAreRefilledButHeldOnesAreNot() async throws {
        var random = RandomLog(seed: 7)
        let store = try await random.log(count: 1_200, customers: 30, merges: false).memoryStore()
        let stored = try store.read(from: .start.next, direction: .forward, limit: 1_200)
        let pages = try await reader(store, pageSize: 200, threaded: false)

        // An event kept past its page keeps its payload: that storage is not refilled.
        let kept = try #require(try pages.next()).events.events[5]
        var read = 0
        while let page = try pages.next() {
            for event in page.events.events {
                // Every payload, refilled storage or new, reads as the stored data.
                #expect(event.payload.object == stored[Int(event.position.rawValue) - 1].data)
                read += 1
            }
        }
        #expect(read == 1_000)
        #expect(pages.takenStorages > 0, "no payload storage was refilled")
        #expect(kept.payload.object == stored[5].data)
        #expect(kept.position.rawValue == 6)
    }

    @Test func aThreadedReaderDeliversTheSamePages() async throws {
        var random = RandomLog(seed: 6)
        let store = try await random.log(count: 5_000, customers: 50, merges: false).memoryStore()
        let pages = try await reader(store, pageSize: 256, threaded: true)
        var positions: [UInt64] = []
        var ids: [EventID] = []
        while let page = try pages.next() {
            positions += page.events.events.map(\.position.rawValue)
            ids += page.events.events.map(\.id)
        }
        #expect(positions == Array(1...5_000))
        let expected = try store.read(from: .start.next, direction: .forward, limit: 5_000).map(\.id)
        #expect(ids == expected)
    }
}
