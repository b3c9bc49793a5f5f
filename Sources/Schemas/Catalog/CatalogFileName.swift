/// What a file in a catalog folder is, by its name.
///
/// - `DealStageChanged.v2.json`: the schema of one event type at one version.
/// - `DealStageChanged.v1-to-v2.json`: an upcaster between two versions.
/// - any other `*.json` (`common.json`): shared definitions that schemas `$ref`.
/// - anything else (`README.md`): not part of the catalog.
enum CatalogFileName: Equatable, Sendable {
    case schema(type: String, version: Int)
    case upcaster(type: String, from: Int, to: Int)
    case shared

    init?(_ name: String) {
        guard name.hasSuffix(".json") else { return nil }
        let stem = name.dropLast(5)
        let parts = stem.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isTypeName(parts[0]), parts[1].hasPrefix("v") else {
            self = .shared
            return
        }
        let type = String(parts[0])
        let versionText = parts[1].dropFirst()
        if let version = Self.version(versionText) {
            self = .schema(type: type, version: version)
            return
        }
        let range = versionText.split(separator: "-", omittingEmptySubsequences: false)
        if range.count == 3, range[1] == "to", let from = Self.version(range[0]), range[2].hasPrefix("v"),
            let to = Self.version(range[2].dropFirst())
        {
            self = .upcaster(type: type, from: from, to: to)
            return
        }
        self = .shared
    }

    /// Event type names are UpperCamelCase ASCII identifiers.
    static func isTypeName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first.properties.isUppercase, first.isASCII else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    private static func version(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 6, text.allSatisfy(\.isASCII), let n = Int(text), n >= 1, !text.hasPrefix("0") else { return nil }
        return n
    }
}
