import Testing

@testable import Schemas

@Suite struct EmbeddedCatalogTests {
    /// Fails while `Sources/Schemas/EmbeddedCatalog.swift` differs from `schemas/`.
    @Test func theEmbeddedCatalogMatchesTheSchemasFolder() throws {
        let onDisk = Dictionary(uniqueKeysWithValues: try Repository.schemaFiles().map { ($0.name, $0.text) })
        let embedded = Dictionary(uniqueKeysWithValues: EmbeddedCatalog.files.map { ($0.name, $0.text) })
        let stale = Set(onDisk.keys).union(embedded.keys).filter { onDisk[$0] != embedded[$0] }.sorted()
        #expect(
            stale.isEmpty,
            "Sources/Schemas/EmbeddedCatalog.swift is stale (\(stale.joined(separator: ", ")) changed); run tools/embed-schemas.sh and commit the result")
    }
}
