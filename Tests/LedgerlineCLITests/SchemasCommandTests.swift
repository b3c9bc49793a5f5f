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
}
