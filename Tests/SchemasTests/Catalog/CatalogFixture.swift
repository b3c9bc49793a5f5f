import Foundation

/// Paths of the repository the tests run in.
enum Repository {
    /// The package root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The repository's `schemas/` folder.
    static let schemas = root.appendingPathComponent("schemas")

    /// Every file of `schemas/` with its text.
    static func schemaFiles() throws -> [(name: String, text: String)] {
        try FileManager.default.contentsOfDirectory(atPath: schemas.path).sorted().filter { $0.hasSuffix(".json") }.map {
            ($0, try String(contentsOf: schemas.appendingPathComponent($0), encoding: .utf8))
        }
    }
}
