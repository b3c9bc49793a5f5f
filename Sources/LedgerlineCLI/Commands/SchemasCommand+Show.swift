import ArgumentParser
import Schemas

extension SchemasCommand {
    /// `ledgerline schemas show TYPE [--version N]`: one schema document.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the JSON Schema of an event type (the latest version unless --version is given).",
            discussion: """
                Examples:
                  ledgerline schemas show OrderPlaced
                  ledgerline schemas show DealStageChanged --version 1
                """
        )

        @OptionGroup var catalog: CatalogOptions

        @Argument(help: "The event type, e.g. DealStageChanged.")
        var type: String

        @Option(help: "The schema version (default: the latest).")
        var version: Int?

        func validate() throws {
            if let version, version < 1 { throw ValidationError("--version must be 1 or more (a type's first schema version is 1): \(version)") }
        }

        func run() async throws {
            try await CommandErrors.run {
                let loaded = try catalog.load()
                do throws(SchemaError) {
                    var version = try loaded.latestVersion(of: type)
                    if let requested = self.version { version = requested }
                    let file = try loaded.fileName(type: type, version: version)
                    print(loaded.files[file] ?? "", terminator: "")
                } catch {
                    // A type or version the catalog lacks: not found (exit 1), as `read --id`.
                    throw InputError.notFound(error.message)
                }
            }
        }
    }
}
