import EventLog
import JSON

/// The catalog of event types: one compiled JSON Schema per type and version, the
/// shared definitions they refer to, and the upcasters between versions.
///
/// The append path asks ``validate(type:version:data:)`` for every event; readers
/// that want the newest shape ask ``upcast(type:from:data:)``. Load the catalog once
/// (``embedded`` for the one built into the binary, ``init(directory:options:)`` for
/// a folder of one's own) and share it: it is immutable and `Sendable`.
///
/// `format` is asserted in catalog schemas by default (an `email` field must hold an
/// address), unlike plain JSON Schema where it is an annotation.
public struct EventCatalog: Sendable {
    /// The base URI of the built-in catalog's `$id`s.
    public static let baseURI = "https://ledgerline.dev/schemas/"

    /// Options the catalog compiles with unless told otherwise: formats asserted.
    public static let defaultOptions = ValidationOptions(formatAssertion: true)

    /// One event type's schemas and upcasters. A class, so a lookup on the append
    /// path copies one reference rather than four collections; written only while the
    /// catalog is built.
    final class TypeEntry: @unchecked Sendable {
        /// Indexed by version; `nil` where a version has no schema.
        var schemas: [Schema?] = []
        var files: [Int: String] = [:]
        var upcasters: [Int: Upcaster] = [:]
        var versions: [Int] = []
    }

    let entries: [String: TypeEntry]
    /// Every type's schema roots by version, flattened: `rootSpans[type]` says where a
    /// type's run of `roots` starts and how long it is. The validation path looks
    /// here rather than in `entries`, because neither lookup retains anything: every
    /// appending and importing thread validates against this one catalog at once, and
    /// each retain of a shared object is an atomic write they would contend for.
    let rootSpans: [String: (start: Int, count: Int)]
    let roots: [NodeLink?]
    /// The graph every schema of the catalog was compiled into.
    let graph: SchemaGraph
    /// Every event type, sorted by name.
    public let types: [EventTypeInfo]
    /// The text of every catalog file by name (schemas, shared definitions, upcasters).
    public let files: [String: String]

    /// Builds a catalog from file names and texts, as found in a `schemas/` folder.
    ///
    /// - Parameters:
    ///   - files: `(name, text)` pairs; names decide the role (see the folder's README).
    ///   - baseURI: the URI the files are loaded under, for documents without `$id`
    ///     and relative references.
    /// - Throws: ``SchemaError``: `unreadableCatalog` for a file that is not JSON,
    ///   `invalidSchema`/`unresolvedReference` for a schema that does not compile,
    ///   `invalidUpcaster` for a malformed upcaster; the message names the file.
    public init(files: [(name: String, text: String)], baseURI: String = EventCatalog.baseURI, options: ValidationOptions = EventCatalog.defaultOptions) throws(SchemaError) {
        var documents: [(uri: String, document: JSONValue)] = []
        var schemaFiles: [(type: String, version: Int, name: String, index: Int)] = []
        var upcasters: [Upcaster] = []
        var texts: [String: String] = [:]
        for (name, text) in files.sorted(by: { $0.name < $1.name }) {
            guard let role = CatalogFileName(name) else { continue }
            texts[name] = text
            let document: JSONValue
            do {
                document = try JSONParser.parse(text)
            } catch {
                throw SchemaError(.unreadableCatalog, "\(name): not valid JSON: \(error)", cause: error)
            }
            switch role {
            case .schema(let type, let version):
                schemaFiles.append((type, version, name, documents.count))
                documents.append((baseURI + name, document))
            case .shared:
                documents.append((baseURI + name, document))
            case .upcaster(let type, let from, let to):
                let upcaster = try Upcaster(parsing: document, file: name)
                guard upcaster.type == type, upcaster.fromVersion == from, upcaster.toVersion == to else {
                    throw SchemaError(.invalidUpcaster, "\(name): says type \(upcaster.type) v\(upcaster.fromVersion) to v\(upcaster.toVersion) but the file name says \(type) v\(from) to v\(to); make them agree")
                }
                upcasters.append(upcaster)
            }
        }
        let set = try SchemaSet(documents: documents, options: options)

        var entries: [String: TypeEntry] = [:]
        for file in schemaFiles {
            let entry = entries[file.type] ?? TypeEntry()
            if entry.schemas.count <= file.version {
                entry.schemas.append(contentsOf: repeatElement(nil, count: file.version + 1 - entry.schemas.count))
            }
            entry.schemas[file.version] = set.schemas[file.index]
            entry.files[file.version] = file.name
            entry.versions.append(file.version)
            entries[file.type] = entry
        }
        for upcaster in upcasters {
            guard entries[upcaster.type] != nil else {
                throw SchemaError(.invalidUpcaster, "\(upcaster.file): there is no schema for event type \(upcaster.type); add \(upcaster.type).v\(upcaster.fromVersion).json")
            }
            entries[upcaster.type]!.upcasters[upcaster.fromVersion] = upcaster
        }
        var types: [EventTypeInfo] = []
        for (name, entry) in entries {
            entry.versions.sort()
            let latest = entry.schemas[entry.versions.last!]!.document
            types.append(EventTypeInfo(
                name: name, versions: entry.versions, title: latest["title"]?.stringValue ?? name,
                description: latest["description"]?.stringValue ?? ""))
        }
        self.entries = entries
        var rootSpans: [String: (start: Int, count: Int)] = [:]
        var roots: [NodeLink?] = []
        for (name, entry) in entries {
            rootSpans[name] = (roots.count, entry.schemas.count)
            roots.append(contentsOf: entry.schemas.map { $0?.root })
        }
        self.rootSpans = rootSpans
        self.roots = roots
        graph = set.graph
        self.types = types.sorted { $0.name < $1.name }
        self.files = texts
    }

    // MARK: - Lookups

    /// The newest version of `type`.
    ///
    /// - Throws: ``SchemaError`` (`unknownType`) naming the known types, with a
    ///   "did you mean" when `type` is close to one.
    public func latestVersion(of type: String) throws(SchemaError) -> Int {
        // A type's run of roots ends at its newest version; looking there retains
        // nothing (see `rootSpans`), and the append path asks this for every event
        // that does not name its version.
        if let span = rootSpans[type] { return span.count - 1 }
        return try entry(type).versions.last!
    }

    /// The compiled schema of `type` at `version`; keep it to validate many events of
    /// one type without the catalog lookups.
    ///
    /// - Throws: ``SchemaError`` (`unknownType` or `unknownVersion`) naming what is known.
    public func schema(type: String, version: Int) throws(SchemaError) -> Schema {
        let entry = try entry(type)
        guard version >= 0, version < entry.schemas.count, let schema = entry.schemas[version] else {
            let known = entry.versions.map(String.init).joined(separator: ", ")
            throw SchemaError(.unknownVersion, "event type \(type) has no schema version \(version); known versions: \(known) (latest \(entry.versions.last!))")
        }
        return schema
    }

    /// The catalog file that defines `type` at `version` (`DealWon.v1.json`).
    public func fileName(type: String, version: Int) throws(SchemaError) -> String {
        _ = try schema(type: type, version: version)
        return entries[type]!.files[version]!
    }

    /// The upcaster that reads `type` at `version`, if any.
    public func upcaster(type: String, from version: Int) -> Upcaster? {
        entries[type]?.upcasters[version]
    }

    /// Validates an event payload. Messages locate problems under `/data`, the
    /// payload's place in the event envelope: `/data/amount: expected string matching
    /// ^[0-9]+(\.[0-9]+)?$`. Callers put their own context (line, stream, type) in front.
    ///
    /// Cost: two dictionary lookups plus the schema's fast path when valid (about a
    /// microsecond for a typical 300-byte payload); the collecting pass only on failure.
    ///
    /// - Throws: ``SchemaError`` with code `unknownType`, `unknownVersion` or
    ///   `invalidPayload` (every violation in ``SchemaError/violations``).
    public func validate(type: String, version: Int, data: JSONValue) throws(SchemaError) {
        if let root = root(type: type, version: version), Schema.isValid(data, graph: graph, root: root) { return }
        // Unknown type or version, or invalid: the slow path explains.
        try schema(type: type, version: version).validate(data, at: Self.dataPointer)
    }

    /// Whether `data` is a valid payload of `type` at `version`; `false` for unknown
    /// types and versions too.
    public func isValid(type: String, version: Int, data: JSONValue) -> Bool {
        guard let root = root(type: type, version: version) else { return false }
        return Schema.isValid(data, graph: graph, root: root)
    }

    /// The root of the schema of `type` at `version`, found without retaining anything.
    private func root(type: String, version: Int) -> NodeLink? {
        guard let span = rootSpans[type], version >= 0, version < span.count else { return nil }
        return roots[span.start + version]
    }

    static let dataPointer = JSONPointer(tokens: ["data"])

    func entry(_ type: String) throws(SchemaError) -> TypeEntry {
        if let entry = entries[type] { return entry }
        let names = types.map(\.name)
        let hint = Suggestion.closest(to: type, in: names).map { "; did you mean \"\($0)\"?" } ?? ""
        throw SchemaError(.unknownType, "unknown event type \"\(type)\"\(hint) (known types: \(names.joined(separator: ", ")))")
    }
}
