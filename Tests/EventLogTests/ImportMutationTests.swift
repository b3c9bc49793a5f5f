import Foundation
import JSON
import Testing

@testable import EventLog

/// Imports of files with one line changed at random, the way a file gets damaged or
/// hand-edited: cut short, a byte replaced, bytes inserted or dropped, a field given a
/// wrong value, one added, an id or an expected version changed.
///
/// Whatever the change, the import either appends the whole file or appends nothing
/// and blames only lines from the changed one on (the lines before it are the
/// unchanged, valid start of the file). The lines are ``Fixture/recurringImportLines``:
/// ids, expected versions that depend on the lines before them, and repeats of earlier
/// lines, in batches of 1 to 64, so the check pass, the plan and the append pass
/// all have something to refuse; and an export of them, restored into an empty store,
/// with its `seq`, `version`, `hash` and `recordedAt` claims changed as well.
@Suite("Import of randomly changed files")
struct ImportMutationTests {
    static let tokens: [[UInt8]] = [
        [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0x00], Array("\\u".utf8), Array("\\ud800".utf8), [0x22], Array("{".utf8), Array("[".utf8),
        Array("1e999".utf8), Array("-0".utf8), [0x09], [0x0D], Array(",".utf8), Array(":".utf8), Array("}".utf8), Array("]".utf8), Array(" ".utf8),
    ]

    /// Fields put first in the line: wrong values, and right ones the rest of the
    /// file may not agree with.
    static let addedFields: [String] = [
        #""occurredAt": "2026-02-30T10:00:00Z""#, #""occurredAt": "2026-01-05T10:00:00+01:00""#, #""expectedVersion": "latest""#,
        #""expectedVersion": "no-stream""#, #""expectedVersion": 0"#, #""metadata": {"k": 1}"#, #""metadata": {"source": "crm"}"#,
        #""seq": 5"#, #""version": 0"#, #""recordedAt": "2999-01-01T00:00:00Z""#, #""recordedAt": "2020-01-01T00:00:00Z""#,
        #""causationId": "nope""#, #""schemaVersion": 0"#, #""schemaVersion": 2"#, #""stream": "twice""#, #""hash": "abc""#,
        #""actor": 42"#, #""actor": "rule:welcome@3""#, #""colour": "red""#, #""correlationId": null"#,
    ]

    /// One line changed at random, as bytes (it may no longer be UTF-8); never a
    /// newline, so line numbers stay put.
    /// With `exportClaims`, the claims of export lines are changed too.
    static func mutate(_ line: String, _ random: inout SeededGenerator, lines: [String], exportClaims: Bool = false) -> [UInt8] {
        var bytes = Array(line.utf8)
        let k = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<(exportClaims ? 11 : 9), using: &random) {
        case 0: bytes.removeSubrange(k...)
        case 1: bytes[k] = UInt8.random(in: 0...255, using: &random)
        case 2: bytes.insert(contentsOf: tokens.randomElement(using: &random)!, at: k)
        case 3: bytes.removeSubrange(k..<min(bytes.count, k + Int.random(in: 1...20, using: &random)))
        case 4: bytes.insert(contentsOf: Array((addedFields.randomElement(using: &random)! + ", ").utf8), at: 1)
        case 5:
            // Another line's id: a repeat with other content.
            let id = #""id": ?"[^"]*""#
            if let other = lines.randomElement(using: &random), let theirs = other.range(of: id, options: .regularExpression),
                let mine = line.range(of: id, options: .regularExpression)
            {
                bytes = Array(line.replacingCharacters(in: mine, with: other[theirs]).utf8)
            }
        case 6:
            if let range = line.range(of: #""expectedVersion": ?[0-9]+"#, options: .regularExpression) {
                bytes = Array(line.replacingCharacters(in: range, with: "\"expectedVersion\": \(Int.random(in: -1...3, using: &random))").utf8)
            } else {
                bytes = Array(line.replacingOccurrences(of: "\"data\":", with: "\"expectedVersion\": 1, \"data\":").utf8)
            }
        case 7:
            let depth = Int.random(in: 200...300, using: &random)
            let nested = "\"data\":{\"d\": \(String(repeating: "[", count: depth))\(String(repeating: "]", count: depth)), "
            bytes = Array(line.replacingOccurrences(of: #""data": ?\{"#, with: nested, options: .regularExpression).utf8)
        case 8:
            let value = ["\"\"", "null", "\"Contact Updated\"", "\"ContactCreated\"", "[]", "\"customer-1\""].randomElement(using: &random)!
            bytes = Array(
                (Bool.random(using: &random)
                    ? line.replacingOccurrences(of: #""type": ?"ContactUpdated""#, with: "\"type\": \(value)", options: .regularExpression)
                    : line.replacingOccurrences(of: #""stream": ?"customer-"#, with: "\"stream\": \(value), \"x\": \"", options: .regularExpression)).utf8)
        case 9, 10:
            // What an export line claims: its position, its version, its hash, when it was recorded.
            let claims = [#""seq":[0-9]+"#, #""version":[0-9]+"#, #""hash":"[0-9a-f]"#, #""recordedAt":"[0-9]{4}"#]
            if let range = line.range(of: claims.randomElement(using: &random)!, options: .regularExpression) {
                let claim = line[range]
                let changed: String
                if claim.hasPrefix("\"hash") {
                    changed = String(claim.dropLast()) + (claim.last == "0" ? "1" : "0")
                } else if claim.hasPrefix("\"recordedAt") {
                    changed = String(claim.dropLast(4)) + String(Int(claim.suffix(4))! + Int.random(in: -1...1, using: &random))
                } else {
                    let number = Int(claim.split(separator: ":")[1])!
                    changed = "\(claim.split(separator: ":")[0]):\(max(0, number + [-1, 1, 1_000].randomElement(using: &random)!))"
                }
                bytes = Array(line.replacingCharacters(in: range, with: changed).utf8)
            }
        default: break
        }
        return bytes.map { $0 == 0x0A ? 0x20 : $0 }
    }

    /// Imports through `importing` into a fresh store and checks what holds either way.
    /// Refused: nothing appended, the head where it was, only lines in `blamable`
    /// blamed. Imported: the head at the count appended, the chain and indexes intact,
    /// and `imported`'s own checks. No scratch file is left. Returns whether it was
    /// refused.
    static func expectWholeOrNothing<Summary>(
        _ context: String, blamable: ClosedRange<Int>, scratch: ScratchDirectory,
        importing: (LMDBEventStore) async throws -> Summary, appended: (Summary) -> Int, imported: (Summary, LogHead) -> Void
    ) async throws -> Bool {
        var refused = false
        try await withLMDBStore { store in
            let outcome: Result<Summary, ImportFailure>
            do {
                outcome = .success(try await importing(store))
            } catch let failure as ImportFailure {
                outcome = .failure(failure)
            }
            let head = try store.head()
            switch outcome {
            case .success(let summary):
                #expect(head.position == LogPosition(UInt64(appended(summary))), "\(context)")
                let report = try store.verify(progress: nil)
                #expect(report.isIntact, "\(context)")
                imported(summary, head)
            case .failure(let failure):
                refused = true
                #expect(failure.appended == 0, "\(context): \(failure)")
                #expect(head.position == .start, "\(context): \(failure)")
                #expect(!failure.problems.isEmpty, "\(context)")
                for problem in failure.problems {
                    #expect(blamable.contains(problem.line), "\(context): \(problem.line): \(problem.reason)")
                }
            }
            let left = try scratch.leftovers()
            #expect(left.isEmpty, "\(context)")
        }
        return refused
    }

    @Test(arguments: 0..<8)
    func aChangedLineAppendsEverythingOrNothing(round: Int) async throws {
        var random = SeededGenerator(seed: UInt64(round) &* 1_000_003 &+ 17)
        let all = Array(Fixture.recurringImportLines.prefix(300))
        var refused = 0
        for trial in 0..<25 {
            let count = Int.random(in: 20...300, using: &random)
            let lines = Array(all.prefix(count))
            let changed = Int.random(in: 0..<count, using: &random)
            var contents = lines.map { Array($0.utf8) }
            contents[changed] = Self.mutate(lines[changed], &random, lines: lines)
            let batchSize = [1, 7, 64].randomElement(using: &random)!
            let (scratch, options) = try ScratchDirectory.forImports("mutation", batchSize: batchSize)
            defer { scratch.cleanup() }
            let file = scratch.file("events.jsonl")
            try Data(Array(contents.joined(separator: [0x0A]))).write(to: file)
            let context = "round \(round), trial \(trial): line \(changed + 1) of \(count), batches of \(batchSize): \(String(decoding: contents[changed].prefix(300), as: UTF8.self))"
            let blank = contents[changed].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } ? 1 : 0
            let wasRefused = try await Self.expectWholeOrNothing(
                context, blamable: (changed + 1)...count, scratch: scratch,
                importing: { store in try await EventImporter(store: store, validator: nil, options: options).importFile(at: file, displayName: "events.jsonl") },
                appended: \.appended,
                imported: { summary, _ in #expect(summary.appended + summary.duplicates == count - blank, "\(context)") })
            if wasRefused { refused += 1 }
        }
        // Not a vacuous run: most changes are refused, and some are still valid lines.
        #expect(refused > 5 && refused < 25, "\(refused) of 25 refused")
    }

    /// The same for an export restored into an empty store, with the export's own
    /// claims changed too: restored whole, a log has the source's head hash; refused,
    /// nothing of it.
    @Test(arguments: 0..<4)
    func aChangedExportLineRestoresEverythingOrNothing(round: Int) async throws {
        var exported: [String] = []
        var sourceHead = LogHead(position: .start, hash: .genesis)
        try await withLMDBStore { source in
            let (scratch, options) = try ScratchDirectory.forImports("source", files: ["events.jsonl": Array(Fixture.recurringImportLines.prefix(300))])
            defer { scratch.cleanup() }
            _ = try await EventImporter(store: source, validator: nil, options: options).importFile(at: scratch.file("events.jsonl"), displayName: "events.jsonl")
            for event in try source.read(from: .start, direction: .forward, limit: 1_000) {
                var writer = JSONWriter()
                event.writeJSONLine(to: &writer)
                exported.append(String(decoding: writer.bytes, as: UTF8.self))
            }
            sourceHead = try source.head()
        }
        var random = SeededGenerator(seed: UInt64(round) &* 7_919 &+ 3)
        var refused = 0
        for trial in 0..<25 {
            let changed = Int.random(in: 0..<exported.count, using: &random)
            var contents = exported.map { Array($0.utf8) }
            contents[changed] = Self.mutate(exported[changed], &random, lines: exported, exportClaims: true)
            let batchSize = [1, 7, 64].randomElement(using: &random)!
            let (scratch, options) = try ScratchDirectory.forImports("restore", batchSize: batchSize)
            defer { scratch.cleanup() }
            let file = scratch.file("export.jsonl")
            try Data(Array(contents.joined(separator: [0x0A]))).write(to: file)
            let context = "round \(round), trial \(trial): line \(changed + 1), batches of \(batchSize): \(String(decoding: contents[changed].prefix(400), as: UTF8.self))"
            let wasRefused = try await Self.expectWholeOrNothing(
                context, blamable: (changed + 1)...exported.count, scratch: scratch,
                importing: { store in try await EventImporter(store: store, validator: nil, options: options).importFile(at: file, displayName: "export.jsonl") },
                appended: \.appended,
                imported: { summary, head in
                    #expect(summary.appended == exported.count, "\(context)")
                    #expect(head == sourceHead, "\(context)")
                })
            if wasRefused { refused += 1 }
        }
        #expect(refused > 5, "\(refused) of 25 refused")
    }
}
