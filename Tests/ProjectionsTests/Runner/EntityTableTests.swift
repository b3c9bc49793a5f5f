import Testing

@testable import Projections

/// The working-set table every share of a view looks its entities up in: entries must
/// be found whatever their hashes share (the same slot, the same full hash), across
/// growth and after emptying.
@Suite struct EntityTableTests {
    final class Entity: EntityTableValue {
        let key: String
        init(_ key: String) { self.key = key }
    }

    @Test func findsEveryEntryAcrossGrowth() {
        var table = EntityTable<Entity>()
        var inserted: [Entity] = []
        // Long ids as well as short ones: short strings are stored inline, long ones
        // on the heap, and both are compared by value.
        for i in 0..<5_000 {
            let key = i.isMultiple(of: 3) ? "customer-with-a-long-identifier-\(i)" : "C\(i)"
            let entity = Entity(key)
            table.insert(entity, hash: EntityKey.hash(key))
            inserted.append(entity)
        }
        #expect(table.count == 5_000)
        for entity in inserted {
            #expect(table.value(for: entity.key, hash: EntityKey.hash(entity.key)) === entity)
        }
        #expect(table.value(for: "C5000", hash: EntityKey.hash("C5000")) == nil)
    }

    @Test func entriesWhoseHashesCollideAreToldApartByKey() {
        var table = EntityTable<Entity>()
        // Every entry on the same full hash: the table probes past each, and only the
        // key decides which entry is found.
        let a = Entity("alpha")
        let b = Entity("beta")
        let c = Entity("gamma")
        for entity in [a, b, c] { table.insert(entity, hash: 42) }
        #expect(table.value(for: "alpha", hash: 42) === a)
        #expect(table.value(for: "beta", hash: 42) === b)
        #expect(table.value(for: "gamma", hash: 42) === c)
        #expect(table.value(for: "delta", hash: 42) == nil)
        // Slots that wrap around the end of the table are still probed in order.
        var wrapping = EntityTable<Entity>(capacity: 4)
        let last = Entity("last")
        let first = Entity("first")
        wrapping.insert(last, hash: 7)
        wrapping.insert(first, hash: 7)
        #expect(wrapping.value(for: "first", hash: 7) === first)
        #expect(wrapping.value(for: "last", hash: 7) === last)
    }

    @Test func anEmptiedTableHoldsNothingAndReleasesItsEntries() {
        var table = EntityTable<Entity>()
        weak var released: Entity?
        do {
            let entity = Entity("C1")
            released = entity
            table.insert(entity, hash: EntityKey.hash("C1"))
        }
        #expect(released != nil, "the table keeps its entries alive")
        table.removeAll()
        #expect(released == nil)
        #expect(table.count == 0)
        #expect(table.value(for: "C1", hash: EntityKey.hash("C1")) == nil)
        let again = Entity("C1")
        table.insert(again, hash: EntityKey.hash("C1"))
        #expect(table.value(for: "C1", hash: EntityKey.hash("C1")) === again)
    }

    @Test func prefetchingChangesNothing() {
        var table = EntityTable<Entity>()
        let entity = Entity("C7")
        table.insert(entity, hash: EntityKey.hash("C7"))
        _ = table.prefetch(hash: EntityKey.hash("C7"))
        _ = table.prefetch(hash: EntityKey.hash("absent"))
        #expect(table.count == 1)
        #expect(table.value(for: "C7", hash: EntityKey.hash("C7")) === entity)
    }

    @Test func sharesSplitEntitiesEvenly() {
        // The share is taken from the hash's high bits, the slot from its low bits:
        // both must spread sequential ids.
        var perShare = [0, 0]
        var lowBits = Set<UInt64>()
        for i in 0..<10_000 {
            let hash = EntityKey.hash("C\(i)")
            perShare[EntityProjection<CustomerProjection>.share(of: hash)] += 1
            lowBits.insert(hash & 0xFFF)
        }
        #expect(perShare.allSatisfy { abs($0 - 5_000) < 300 })
        #expect(lowBits.count > 3_500, "the low bits cluster")
    }
}
