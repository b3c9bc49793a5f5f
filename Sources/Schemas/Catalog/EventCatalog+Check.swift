import JSON

extension EventCatalog {
    /// Checks the catalog beyond what loading it already proved (every schema compiles,
    /// every reference resolves, every upcaster parses):
    ///
    /// - each schema has `$id`, `title`, `description` and at least one example;
    /// - each example validates against its own schema;
    /// - each older version can be upcast to the latest, and each upcaster's output for
    ///   the older version's examples validates against the newer schema.
    ///
    /// - Returns: every problem found, one line each; empty when the catalog is sound.
    public func check() -> [CatalogProblem] {
        var problems: [CatalogProblem] = []
        for info in types {
            let entry = entries[info.name]!
            for version in entry.versions {
                let file = entry.files[version]!
                let schema = entry.schemas[version]!
                let document = schema.document
                for keyword in ["$id", "title", "description"] where document[keyword]?.stringValue?.isEmpty != false {
                    problems.append(CatalogProblem(file: file, message: "/\(keyword): missing; every catalog schema needs $id, title and description"))
                }
                let examples = document["examples"]?.arrayValue ?? []
                if examples.isEmpty {
                    problems.append(CatalogProblem(file: file, message: "/examples: missing; add at least one realistic payload"))
                }
                for (i, example) in examples.enumerated() {
                    for violation in schema.violations(of: example) {
                        problems.append(CatalogProblem(file: file, message: "/examples/\(i): \(violation.description)"))
                    }
                }
                if version < info.latestVersion, entry.upcasters[version] == nil {
                    problems.append(CatalogProblem(file: file, message: "v\(version) cannot be upcast to v\(info.latestVersion): add \(info.name).v\(version)-to-v\(version + 1).json"))
                }
            }
            for (from, upcaster) in entry.upcasters.sorted(by: { $0.key < $1.key }) {
                problems += checkUpcaster(upcaster, entry: entry, from: from)
            }
        }
        return problems
    }

    private func checkUpcaster(_ upcaster: Upcaster, entry: TypeEntry, from: Int) -> [CatalogProblem] {
        guard from < entry.schemas.count, let source = entry.schemas[from] else {
            return [CatalogProblem(file: upcaster.file, message: "reads v\(from), but there is no \(upcaster.type).v\(from).json")]
        }
        guard upcaster.toVersion < entry.schemas.count, let target = entry.schemas[upcaster.toVersion] else {
            return [CatalogProblem(file: upcaster.file, message: "produces v\(upcaster.toVersion), but there is no \(upcaster.type).v\(upcaster.toVersion).json")]
        }
        var problems: [CatalogProblem] = []
        let sourceFile = entry.files[from]!
        for (i, example) in (source.document["examples"]?.arrayValue ?? []).enumerated() {
            let label = "example \(i) of \(sourceFile) upcast to v\(upcaster.toVersion)"
            do {
                let output = try upcaster.apply(to: example)
                for violation in target.violations(of: output) {
                    problems.append(CatalogProblem(file: upcaster.file, message: "\(label): \(violation.description)"))
                }
            } catch {
                problems.append(CatalogProblem(file: upcaster.file, message: "\(label): \(error.message)"))
            }
        }
        return problems
    }
}
