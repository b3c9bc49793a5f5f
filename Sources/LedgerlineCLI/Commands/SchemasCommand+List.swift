import ArgumentParser
import JSON
import Schemas

extension SchemasCommand {
    /// `ledgerline schemas list`: every event type with its latest version.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the event types with their latest version and description.",
            discussion: """
                Examples:
                  ledgerline schemas list
                  ledgerline schemas list --json | jq '.[] | select(.latestVersion > 1)'
                """
        )

        @OptionGroup var catalog: CatalogOptions

        @Flag(help: "Print a JSON array of {type, latestVersion, versions, title, description} instead of a table.")
        var json = false

        func run() async throws {
            try await CommandErrors.run {
                let types = try catalog.load().types
                if json {
                    let rows: [JSONValue] = types.map { info in
                        [
                            "type": .string(info.name),
                            "latestVersion": .number(JSONNumber(info.latestVersion)),
                            "versions": .array(info.versions.map { .number(JSONNumber($0)) }),
                            "title": .string(info.title),
                            "description": .string(info.description),
                        ]
                    }
                    print(JSONWriter.prettyString(.array(rows)))
                    return
                }
                let width = max(4, types.map(\.name.count).max() ?? 4)
                print("TYPE".padding(width) + "  LATEST  DESCRIPTION")
                for info in types {
                    print(info.name.padding(width) + "  " + "v\(info.latestVersion)".padding(6) + "  " + Self.summary(info.description))
                }
            }
        }

        /// The description's first sentence, cut to fit a terminal line.
        static func summary(_ description: String) -> String {
            var sentence = description
            if let end = description.firstRange(of: ". ") { sentence = String(description[..<end.lowerBound]) + "." }
            return sentence.count <= 90 ? sentence : String(sentence.prefix(87)) + "..."
        }
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
