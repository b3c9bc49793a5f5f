import EventLog
import Foundation
import Testing

@Suite struct VersionTests {
    /// `--version` says which release this is and which log format it writes and opens,
    /// so that a user can tell whether a store made elsewhere is one it reads.
    @Test func versionNamesTheReleaseAndTheLogFormat() async throws {
        let result = try await CLI.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.wholeMatch(of: /ledgerline \d+\.\d+\.\d+(-\w+)? \(log format (\d+)\)\n/)?.2 == "\(LMDBEventStore.formatVersion)"[...], "\(result.stdout)")
        let changelog = try String(contentsOf: ExampleFixture.repository.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        #expect(changelog.contains("## Unreleased") == result.stdout.contains("-dev"), "a -dev version while the changelog's top section is unreleased")
    }
}
