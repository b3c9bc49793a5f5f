import ArgumentParser
import EventLog
import Foundation
import JSON

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the whole store, as it stands at one moment, into a new folder.",
        discussion: """
            The copy holds the log, its indexes and the views, from one snapshot taken \
            while appends go on. It is a store of its own: read it with --data, verify \
            it, or restore by stopping the writers and putting its data.mdb in place of \
            the old one. FOLDER must be new or empty, and outside the store's folder (a copy \
            there is lost with the store); the copy is renamed to data.mdb only \
            once it is complete and on disk. --compact leaves free pages out (smaller, \
            slower). Unlike `export`, the copy is binary and needs no import to restore. \
            A store whose LMDB free-page list is damaged is refused before anything is \
            written, since a copy would carry the damage; the message says what to do.

            Example:
              ledgerline --data ./crm backup /backups/crm-2026-11-27 --verify
              ledgerline --data /backups/crm-2026-11-27 stats
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A new or empty folder for the copy.") var folder: String
    @Flag(help: "Leave free pages out of the copy.") var compact = false
    @Flag(help: "Recompute the copy's hash chain and check its indexes afterwards.") var verify = false
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        // An empty FOLDER would be the current folder, refused only for what it holds.
        if folder.isEmpty { throw ValidationError("FOLDER is empty; name a new or empty folder for the copy") }
    }

    func run() async throws {
        try await CommandErrors.run {
            let store = try global.openStore()
            defer { store.close() }
            let backup = try store.backup(to: URL(fileURLWithPath: folder), compact: compact, verify: verify)
            let verified = backup.verification
            if let problem = verified?.problem ?? verified?.indexProblem {
                throw EventLogError(
                    .corrupted,
                    "the backup in \(backup.directory.path) does not verify: \(problem); the store it was copied from is damaged too — run `ledgerline verify` on it")
            }
            Output.completedChange =
                "the backup in \(backup.directory.path) is complete (\(backup.head.position.rawValue.counted("event")), head sealed by \(backup.head.hash))"
            if json {
                let value: JSONValue = [
                    "path": .string(backup.directory.path),
                    "head": .number(JSONNumber(backup.head.position.rawValue)),
                    "headHash": .string(backup.head.hash.description),
                    "bytes": .number(JSONNumber(backup.bytes)),
                    "compact": .bool(compact),
                    "verified": verified.map { .number(JSONNumber($0.verifiedEvents)) } ?? .null,
                ]
                Output.line(value.description)
            } else {
                Output.line(
                    "backed up \(backup.head.position.rawValue.counted("event")) to \(backup.directory.path) "
                        + "(\(MessageText.size(backup.bytes))); its head is sealed by \(backup.head.hash)")
                if let verified { Output.line("verified: \(verified.verifiedEvents.counted("event")), chain and indexes intact") }
            }
            Output.flush()
        }
    }
}
