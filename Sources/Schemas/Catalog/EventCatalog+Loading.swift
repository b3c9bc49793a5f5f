import EventLog
import Foundation
import JSON

extension EventCatalog {
    /// The catalog built into the binary from the repository's `schemas/` folder (see
    /// `tools/embed-schemas.sh`), loaded on first use.
    ///
    /// A broken embedded catalog is a build defect caught by the test suite, so this
    /// traps rather than making every caller handle an error that cannot happen in a
    /// tested build.
    public static let embedded: EventCatalog = {
        do {
            return try loadEmbedded()
        } catch {
            preconditionFailure("the embedded event catalog does not load: \(error); fix schemas/ and run tools/embed-schemas.sh")
        }
    }()

    /// Loads the embedded catalog, reporting a problem instead of trapping.
    public static func loadEmbedded(options: ValidationOptions = EventCatalog.defaultOptions) throws(SchemaError) -> EventCatalog {
        try EventCatalog(files: EmbeddedCatalog.files, options: options)
    }

    /// Loads every catalog file (`*.json`) of a folder: a user's own event types, or a
    /// checkout's `schemas/`.
    ///
    /// Files without `$id` are identified by their file URL, so relative `$ref`s
    /// between them (`common.json#/$defs/money`) resolve to sibling files.
    ///
    /// - Throws: ``SchemaError``: `missingCatalog` when the folder or one of its files is
    ///   not there or may not be read; `unreadableCatalog` for a file that is not UTF-8
    ///   and a folder with no `*.json` schemas; or the codes of
    ///   ``init(files:baseURI:options:)``.
    public init(directory: String, options: ValidationOptions = EventCatalog.defaultOptions) throws(SchemaError) {
        let url = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw SchemaError(.missingCatalog, "the schemas folder \(url.path) does not exist; pass a folder of *.json schemas")
        }
        guard isDirectory.boolValue else {
            throw SchemaError(.missingCatalog, "\(url.path) is not a folder; pass a folder of *.json schemas")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        } catch {
            throw SchemaError(.missingCatalog, "cannot read the schemas folder \(url.path): \(error.localizedDescription); pass a folder of *.json schemas", cause: SendableDescription(error))
        }
        var files: [(name: String, text: String)] = []
        for name in names.sorted() where CatalogFileName(name) != nil {
            let file = url.appendingPathComponent(name)
            do throws(TextFile.Failure) {
                files.append((name, try TextFile.read(file.path)))
            } catch {
                switch error {
                case .notUTF8: throw SchemaError(.unreadableCatalog, "cannot read \(file.path): \(error); save it as UTF-8", cause: error)
                case .tooLarge: throw SchemaError(.unreadableCatalog, "cannot read \(file.path): \(error)", cause: error)
                default: throw SchemaError(.missingCatalog, "cannot read \(file.path): \(error)", cause: error)
                }
            }
        }
        guard !files.isEmpty else {
            throw SchemaError(.unreadableCatalog, "\(url.path) holds no *.json schemas; name them <Type>.v<N>.json")
        }
        var base = url.absoluteString
        if !base.hasSuffix("/") { base += "/" }
        try self.init(files: files, baseURI: base, options: options)
    }
}

/// A non-`Sendable` error kept as its description, for ``SchemaError/cause``.
struct SendableDescription: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ error: any Error) { description = String(describing: error) }
}
