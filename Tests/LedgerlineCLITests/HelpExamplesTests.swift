import Foundation
import JSON
import Testing

/// Every example the documentation shows runs: each line of every command's `--help`
/// `Example:` block, and each `ledgerline` line of the README's tour and CSV sections,
/// as ``HelpExamplesTests/run(_:in:)`` says.
@Suite struct HelpExamplesTests {
    static let followSeconds = 3

    /// One test, so that the fixture is built once (it takes two dozen runs of the CLI);
    /// each help page's examples, and the README's, run in a copy of their own.
    @Test func everyHelpAndREADMEExampleRuns() async throws {
        let pages = try await HelpExamples.pages()
        // The top, its 18 commands, and the groups' subcommands at the least.
        #expect(pages.count > 30, "found only \(pages.map(\.name))")
        var stories = pages.map { page in
            HelpExamples.examples(inHelp: page.text).map { Example(source: "\(page.name) --help", text: $0) }
        }
        for page in pages where HelpExamples.examples(inHelp: page.text).isEmpty {
            Issue.record("\(page.name) --help has no example")
        }
        let readme = try String(
            contentsOf: ExampleFixture.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let tour = HelpExamples.examples(inREADME: readme, sections: ["A tour of the CLI", "Importing CSV exports"])
        #expect(tour.count > 20, "found only \(tour)")
        stories.append(tour.map { Example(source: "README", text: $0) })

        let scratch = Scratch()
        defer { scratch.cleanup() }
        let fixture = scratch.url.appendingPathComponent("fixture")
        try FileManager.default.createDirectory(at: fixture, withIntermediateDirectories: true)
        try await ExampleFixture.build(in: fixture)
        let failures = try await withThrowingTaskGroup(of: [String].self) { group in
            for (index, examples) in stories.enumerated() {
                let folder = scratch.url.appendingPathComponent("copy-\(index)")
                try FileManager.default.copyItem(at: fixture, to: folder)
                group.addTask { try await Self.run(examples, in: folder) }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        for failure in failures { Issue.record(Comment(rawValue: failure)) }
    }

    /// Every line of every help example fits an 80-column terminal. argument-parser wraps
    /// help to the terminal's width (80 columns when it is not a terminal), and an example
    /// wrapped mid-command is no longer a line to copy: longer ones are split with `\`.
    @Test func everyHelpExampleLineFitsEightyColumns() async throws {
        let pages = try await HelpExamples.pages()
        var lines = 0
        for page in pages {
            for example in HelpExamples.examples(inHelp: page.text) {
                // The block's two-space indent is not part of the example's text.
                for line in example.split(separator: "\n") {
                    lines += 1
                    if line.count + 2 > 80 { Issue.record("\(page.name) --help: \(line.count + 2) columns: \(line)") }
                }
            }
        }
        #expect(lines > 60, "found only \(lines) example lines")
    }

    /// Every `ledgerline` line the DocC articles show, synopses included, names
    /// commands and options the CLI has: each article's lines are checked against the
    /// help of the command they name (``HelpExamples/problem(in:pages:)``). A renamed
    /// option or a removed subcommand fails here with the article's file and line.
    @Test func everyCommandLineOfTheArticlesNamesRealCommandsAndOptions() async throws {
        let pages = try await HelpExamples.pages()
        let sources = ExampleFixture.repository.appendingPathComponent("Sources")
        let articles = try FileManager.default.subpathsOfDirectory(atPath: sources.path)
            .filter { $0.contains(".docc/") && $0.hasSuffix(".md") }.sorted()
        var checked = 0
        for article in articles {
            let text = try String(contentsOf: sources.appendingPathComponent(article), encoding: .utf8)
            for (line, command) in HelpExamples.commandLines(inArticle: text) {
                checked += 1
                if let problem = HelpExamples.problem(in: command, pages: pages) {
                    Issue.record("Sources/\(article):\(line): \(problem): \(command)")
                }
            }
        }
        #expect(checked >= 15, "found only \(checked) command lines in \(articles)")
    }

    /// Runs `examples` in order in `folder`; a message for each that failed.
    static func run(_ examples: [Example], in folder: URL) async throws -> [String] {
        var failures: [String] = []
        for example in examples {
            if let failure = try await run(example, in: folder) { failures.append(failure) }
        }
        return failures
    }

    /// Runs one example; what went wrong, if anything.
    ///
    /// - As typed: by `bash -o pipefail -c` (``CLI/runShell(_:directory:environment:timeout:)``)
    ///   with the built `ledgerline` on the PATH, so a pipe into or out of ledgerline, a
    ///   `> file`, a `-` for standard input, `&&` and `$(…)` give ledgerline exactly the
    ///   standard input and output the example implies. Standard input of the line itself
    ///   is empty.
    /// - In `folder`, a copy of ``ExampleFixture``: one per help page, whose examples run
    ///   in the order they are written (`export > backup.jsonl` then `import backup.jsonl`
    ///   is one story), and one for the README's lines, a tour of one session.
    /// - Against the fixture's store through `$LEDGERLINE_DATA`, which leaves the example's
    ///   text as it is; the examples that say `--data ./crm` find the same store there.
    ///   `$HOME` is the copy's `home/`.
    /// - A path from `/` (`/backups/crm-monday`) names a folder of the reader's; it is moved
    ///   under the copy's `root/` (`/backups/x` is run as `…/root/backups/x`), so that a run
    ///   writes nowhere else. `root/backups/` exists, as the reader's would.
    /// - `.build/…/ledgerline` in the README is run as `ledgerline`: the copy has no build.
    /// - The status must be 0, or the one the example's own comment gives (`# exits 1 …`).
    /// - An example that follows the log (`tail --follow`, `project follow`) never ends on
    ///   its own: it runs for ``followSeconds`` and is then interrupted, and must still be
    ///   running by then (or have ended with 0). A usage error or a missing store ends it
    ///   at once, with its own status.
    /// - A line whose status is 141 passes when it has a pipe: a program of the pipe was
    ///   ended by SIGPIPE, as ledgerline (like `cat` or `yes`) is when the program it
    ///   pipes into stops reading early (`| head -3`). With `pipefail` that is the line's
    ///   status; the reader's shell, without it, reports nothing.
    /// - `jq` is not on every machine (a bare Debian has none). Without it, an example that
    ///   pipes into `jq` is run up to that pipe, and what ledgerline printed must be JSON,
    ///   which is what `jq` would have read.
    static func run(_ example: Example, in folder: URL) async throws -> String? {
        var line = example.text.replacing(#/^\.build\/\S*\/ledgerline /#, with: "ledgerline ")
        let root = folder.appendingPathComponent("root").path
        line = line.replacing(/(^|\s)\/(\w)/) { "\($0.1)\(root)/\($0.2)" }
        var printsJSON = false
        if !jqIsInstalled, let pipe = line.firstRange(of: /\|\s*jq\b/) {
            line = String(line[..<pipe.lowerBound])
            printsJSON = true
        }
        let environment = [
            "LEDGERLINE_DATA": folder.appendingPathComponent("crm").path,
            "HOME": folder.appendingPathComponent("home").path,
        ]
        let result = try await CLI.runShell(
            line, directory: folder, environment: environment, timeout: example.follows ? followSeconds : nil)
        let stderr = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        let what =
            "\(example.source) example \"\(example)\": exit \(result.status), stderr: \(stderr.isEmpty ? "(empty)" : stderr)"
        let readerStoppedEarly = result.status == 141 && line.contains("|")
        if example.follows {
            return result.status == 124 || result.status == 0 || readerStoppedEarly
                ? nil : what + " (it should follow until interrupted)"
        }
        guard result.status == example.expectedStatus || readerStoppedEarly else {
            return what + (example.expectedStatus == 0 ? "" : " (its text says it exits \(example.expectedStatus))")
        }
        if printsJSON, (try? JSONParser.parse(result.stdout)) == nil {
            return
                "\(example.source) example \"\(example)\": what it pipes into jq is not JSON: \(result.stdout.prefix(200))"
        }
        return nil
    }

    /// Whether `jq` is on the PATH.
    static let jqIsInstalled = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        .split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/jq") }

    // MARK: - Finding the examples

    @Test func examplesAreTheIndentedLinesUnderExampleWithContinuationsJoined() {
        let help = """
            OVERVIEW: Do things.

            Examples:
              ledgerline thing --a 1
              ledgerline thing --b \\
                --c 2
              gzip -dc x.gz | ledgerline thing -

            USAGE: ledgerline thing

            SUBCOMMANDS:
              list                    List them.
              show (default)          Show one.

              See 'ledgerline help thing <subcommand>' for detailed help.
            """
        #expect(
            HelpExamples.examples(inHelp: help) == [
                "ledgerline thing --a 1", "ledgerline thing --b \\\n  --c 2", "gzip -dc x.gz | ledgerline thing -",
            ])
        #expect(HelpExamples.subcommands(in: help) == ["list", "show"])
        #expect(
            Example(source: "", text: "ledgerline thing --b \\\n  --c 2").description == "ledgerline thing --b --c 2")
        #expect(Example(source: "", text: "ledgerline read --id x   # exits 1 naming x").expectedStatus == 1)
        #expect(Example(source: "", text: "ledgerline tail -n 5 --follow").follows)
    }

    @Test func readmeExamplesAreTheLedgerlineLinesOfTheNamedSectionsBlocks() {
        let readme = """
            ## Quick start

            ```sh
            ledgerline --data ./x init
            ```

            ## A tour

            ```sh
            make demo
            ledgerline --data ./crm init      # create it
            .build/debug/ledgerline --data ./crm append --stream s-1 \\
                --type T --data '{}'
            ```

            ## Other
            """
        #expect(
            HelpExamples.examples(inREADME: readme, sections: ["A tour"]) == [
                "ledgerline --data ./crm init      # create it",
                ".build/debug/ledgerline --data ./crm append --stream s-1 \\\n    --type T --data '{}'",
            ])
    }

    @Test func articleLinesAreReadAsTheShellAndTheSynopsisNotationWouldReadThem() {
        let article = """
            Text with ledgerline in it.

            ```
            $ ledgerline read --stream s-1 \\
                --limit 3
            {"seq":1}
            ledgerline tasks list [--assignee A] [--status open|all]   # a synopsis
            ```
            """
        let lines = HelpExamples.commandLines(inArticle: article)
        #expect(lines.map(\.line) == [4, 7])
        #expect(lines.first?.text == "ledgerline read --stream s-1  --limit 3")
        #expect(
            HelpExamples.shellWords(#"ledgerline expr eval "a in ['b', 'c']" --var 'd={"e":1}' | jq . # note"#)
                == ["ledgerline", "expr", "eval", "a in ['b', 'c']", "--var", #"d={"e":1}"#])
        let pages = [
            HelpExamples.Page(command: [], text: "SUBCOMMANDS:\n  tasks                   Tasks.\n"),
            HelpExamples.Page(command: ["tasks"], text: "SUBCOMMANDS:\n  list                    List.\n"),
            HelpExamples.Page(command: ["tasks", "list"], text: "USAGE: ledgerline tasks list [--assignee <a>] [--status <s>]\n  --assignee <a>  Who.\n"),
        ]
        #expect(HelpExamples.problem(in: "ledgerline tasks list [--assignee A] [--status open|all]", pages: pages) == nil)
        #expect(HelpExamples.problem(in: "ledgerline --data ./crm tasks list --owner u", pages: pages) == "`ledgerline tasks list --help` lists no option --owner")
        #expect(HelpExamples.problem(in: "ledgerline tasks lst", pages: pages) == "`ledgerline tasks` has no subcommand \"lst\" (it has list)")
    }
}
