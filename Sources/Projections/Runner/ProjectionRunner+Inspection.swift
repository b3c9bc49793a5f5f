import EventLog

extension ProjectionRunner {
    /// Each view's checkpoint, version and size against the log's head, and how far a
    /// rebuild of it under way (or interrupted) has got.
    ///
    /// Cost: one snapshot; counting entities walks each view's rows table.
    public func status() throws -> [ProjectionStatus] {
        let head = try store.head().position
        let described = drivers.map { ($0.name, $0.version) }
        return try store.snapshot { reader in
            try described.map { name, version in
                let checkpoint = try Checkpoint.load(name, from: reader)
                let rebuild = try Checkpoint.load(ViewTables.rebuildKey(name), from: reader)
                var entities = 0
                let rows = ViewTables.rows(name, generation: checkpoint?.generation ?? 0)
                try reader.scan(rows, from: nil, reverse: false) { _, _ in
                    entities += 1
                    return true
                }
                return ProjectionStatus(
                    name: name, version: version, storedVersion: checkpoint?.version,
                    checkpoint: checkpoint?.position ?? .start, head: head, entities: entities,
                    rebuild: rebuild?.position)
            }
        }
    }

    /// The SHA-256 of view `name`'s canonical state (see ``ViewDigest``).
    ///
    /// Cost: one snapshot and one pass over every entry of the view's tables.
    public func digest(_ name: String) throws -> ViewDigest {
        guard drivers.contains(where: { $0.name == name }) else {
            throw ProjectionError(
                .notFound,
                "there is no view named \(name); the views are \(drivers.map(\.name).joined(separator: ", "))")
        }
        return try store.snapshot { reader in
            let generation = try ViewTables.generation(name, in: reader)
            var hasher = SHA256()
            var entries = 0
            // Each table is named as in generation 0, so a view hashes the same in either set.
            let named = ViewTables.all(name, generation: 0)
            for (table, named) in zip(ViewTables.all(name, generation: generation), named) {
                hasher.updateFramed(Array(named.name.utf8))
                try reader.scan(table, from: nil, reverse: false) { key, value in
                    hasher.updateFramed(key)
                    hasher.updateFramed(value)
                    entries += 1
                    return true
                }
            }
            let checkpoint = try Checkpoint.load(name, from: reader)?.position ?? .start
            return ViewDigest(
                name: name, checkpoint: checkpoint, entries: entries, sha256: SHA256.hexString(hasher.finalize()))
        }
    }
}

extension ProjectionRunner {
    /// Pages of view `name` folded on several threads by this runner (for tests).
    func pagesFoldedInParallel(_ name: String) -> Int? {
        drivers.first { $0.name == name }?.pagesFoldedInParallel
    }
}
