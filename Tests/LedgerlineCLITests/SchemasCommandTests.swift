import Foundation
import Testing

/// `ledgerline schemas` with a catalog folder of one's own (`--schemas DIR`).
@Suite struct SchemasCommandTests {
    /// A catalog that does not load is bad input like any other: one line on stderr
    /// naming the file and the JSON pointer, through the commands' one error path, and
    /// exit 65, for `validate` and for every other `schemas` command that loads it.
    @Test func aBrokenSchemaInTheCatalogIsOneLineNamingTheFileAndPointer() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let catalog = scratch.url.appendingPathComponent("catalog")
        try FileManager.default.createDirectory(at: catalog, withIntermediateDirectories: true)
        let events = try scratch.file("events.jsonl", #"{"stream":"deal-1","type":"Deal","data":{}}"# + "\n")
        let schema = catalog.appendingPathComponent("Deal.v1.json")
        try #"{"type":"object","properties":{"amount":{"type":5}}}"#.write(
            to: schema, atomically: true, encoding: .utf8)
        for arguments in [["validate", events], ["check"], ["list"], ["show", "Deal"]] {
            let result = try await CLI.run(["schemas"] + arguments + ["--schemas", catalog.path])
            #expect(result.status == 65, "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            #expect(result.stderr.hasPrefix("ledgerline: file://"), "\(arguments): \(result.stderr)")
            #expect(
                result.stderr.hasSuffix(
                    "/catalog/Deal.v1.json#/properties/amount/type: must be a type name or an array of them\n"),
                "\(arguments): \(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(arguments): \(result.stderr)")
        }

        try #"{"type":"object","#.write(to: schema, atomically: true, encoding: .utf8)
        let unparsable = try await CLI.run(["schemas", "validate", events, "--schemas", catalog.path])
        #expect(unparsable.status == 65)
        #expect(
            unparsable.stderr.hasPrefix("ledgerline: Deal.v1.json: not valid JSON: column 18: "), "\(unparsable.stderr)"
        )
        #expect(unparsable.stderr.filter { $0 == "\n" }.count == 1, "\(unparsable.stderr)")
    }

    /// A schema file that is there but is not UTF-8 was read and is wrong (65, saying
    /// so), unlike a folder that is missing (66, in `CommandLineMistakesTests`).
    @Test func aSchemaFileThatIsNotUTF8IsBadInput() async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let catalog = scratch.url.appendingPathComponent("catalog")
        try FileManager.default.createDirectory(at: catalog, withIntermediateDirectories: true)
        let schema = catalog.appendingPathComponent("Deal.v1.json")
        try Data(#"{"title":"Caf\#u{E9}"}"#.data(using: .isoLatin1)!).write(to: schema)
        let result = try await CLI.run(["schemas", "list", "--schemas", catalog.path])
        #expect(result.status == 65)
        #expect(result.stderr == "ledgerline: cannot read \(schema.standardizedFileURL.path): it is not UTF-8 text; save it as UTF-8\n", "\(result.stderr)")
    }

    /// A type the catalog lacks is "not found" (exit 1), and a catalog with problems is
    /// exit 1 after its problem lines; both say so in the form every command error has.
    @Test func anUnknownTypeAndAFailedCheckAreOneLineInTheCommandsForm() async throws {
        let unknown = try await CLI.run(["schemas", "show", "Dael"])
        #expect(unknown.status == 1)
        #expect(unknown.stdout.isEmpty)
        #expect(unknown.stderr.hasPrefix("ledgerline: "), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("Dael"), "\(unknown.stderr)")
        #expect(unknown.stderr.filter { $0 == "\n" }.count == 1, "\(unknown.stderr)")

        let scratch = Scratch()
        defer { scratch.cleanup() }
        let catalog = scratch.url.appendingPathComponent("catalog")
        try FileManager.default.createDirectory(at: catalog, withIntermediateDirectories: true)
        // Compiles, but its example does not validate: a problem `check` reports.
        try #"""
            {"$id":"https://example.com/Deal.v1.json","title":"Deal v1","description":"A deal.","type":"object",
             "properties":{"amount":{"type":"number"}},"examples":[{"amount":"ten"}]}
            """#.write(
            to: catalog.appendingPathComponent("Deal.v1.json"), atomically: true, encoding: .utf8)
        let check = try await CLI.run(["schemas", "check", "--schemas", catalog.path])
        #expect(check.status == 1)
        #expect(check.stdout.contains("Deal.v1.json"), "\(check.stdout)")
        #expect(check.stderr == "ledgerline: 1 problem in the catalog\n", "\(check.stderr)")
    }
}
