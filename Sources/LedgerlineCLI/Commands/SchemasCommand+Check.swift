import ArgumentParser
import Schemas

extension SchemasCommand {
    /// `ledgerline schemas check`: the catalog's own consistency.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the catalog: every schema compiles, every example validates, every upcaster's output fits the newer schema.",
            discussion: """
                Prints one line per problem (file, JSON pointer, what is wrong) and exits with \
                status 1 when there is any.

                Examples:
                  ledgerline schemas check
                  ledgerline schemas check --schemas ./schemas
                """
        )

        @OptionGroup var catalog: CatalogOptions

        func run() async throws {
            try await CommandErrors.run {
                let loaded = try catalog.load()
                let problems = loaded.check()
                for problem in problems { print(problem.description) }
                guard problems.isEmpty else {
                    throw SchemasCommand.fail("\(problems.count) problem\(problems.count == 1 ? "" : "s") in the catalog")
                }
                let versions = loaded.types.reduce(0) { $0 + $1.versions.count }
                print("catalog OK: \(loaded.types.count) event types, \(versions) schemas, \(loaded.files.count) files")
            }
        }
    }
}
