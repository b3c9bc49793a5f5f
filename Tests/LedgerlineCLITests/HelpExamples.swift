import Foundation
import Testing

/// One example command line of the documentation, as a reader would copy it.
struct Example: Sendable, CustomStringConvertible {
    /// Where it is written: `read --help`, `ledgerline --help`, `README`.
    var source: String
    /// The line as written; a line continued with `\` keeps its backslash and newline,
    /// which the shell reads as one line.
    var text: String

    /// The status the example's own words give it (`# exits 1 when …`), else 0.
    var expectedStatus: Int32 {
        guard let comment = text.firstRange(of: " #").map({ text[$0.upperBound...] }),
            let match = comment.firstMatch(of: /exits (\d+)/)
        else { return 0 }
        return Int32(match.1) ?? 0
    }

    /// Whether it runs until interrupted: `tail --follow`, `project follow`.
    var follows: Bool { text.contains(" --follow") || text.contains("project follow") }

    /// The line on one line, for messages.
    var description: String {
        text.replacing(/\\\n\s*/, with: "")
    }
}

/// The examples the CLI's `--help` texts and the README show.
enum HelpExamples {
    /// One command's help: its path below `ledgerline` (empty for `ledgerline` itself)
    /// and its text.
    struct Page: Sendable {
        var command: [String]
        var text: String
        /// `read`, `schemas validate`; `ledgerline` for the top.
        var name: String { command.isEmpty ? "ledgerline" : command.joined(separator: " ") }
    }

    /// Every command's `--help`, found from the top: each page's SUBCOMMANDS section
    /// names the pages below it, so a new command is covered without a list here.
    /// Hidden commands (`debug`) are not listed there, and are left out.
    ///
    /// The help is asked for at a width no line reaches (`COLUMNS`): argument-parser wraps
    /// it to the terminal otherwise, and a wrapped example is no longer the line to copy.
    static func pages() async throws -> [Page] {
        var pages: [Page] = []
        var queue: [[String]] = [[]]
        while !queue.isEmpty {
            let command = queue.removeFirst()
            let help = try await CLI.run(command + ["--help"], environment: ["COLUMNS": "1000"])
            #expect(
                help.status == 0,
                "\((["ledgerline"] + command).joined(separator: " ")) --help: exit \(help.status), \(help.stderr)")
            pages.append(Page(command: command, text: help.stdout))
            queue += subcommands(in: help.stdout).map { command + [$0] }
        }
        return pages
    }

    /// The names in a help text's SUBCOMMANDS section.
    static func subcommands(in help: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { return [] }
        return lines[(start + 1)...].prefix { !$0.isEmpty }.compactMap { line in
            line.wholeMatch(of: #/  ([a-z][a-z0-9-]*)(?: \(default\))?(?:\s{2,}.*)?/#).map { String($0.1) }
        }
    }

    /// The lines of a help text's `Example:` or `Examples:` block: indented, up to the
    /// first blank line, a line ending in `\` joined with the next.
    static func examples(inHelp help: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var found: [String] = []
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            guard lines[index] == "Example:" || lines[index] == "Examples:" else { continue }
            var block: [String] = []
            while index + 1 < lines.count, lines[index + 1].hasPrefix("  ") {
                index += 1
                block.append(String(lines[index].dropFirst(2)))
            }
            found += joiningContinuations(block)
        }
        return found
    }

    /// The command lines of the README's sections named `sections`: in their fenced code
    /// blocks, the lines that run `ledgerline` (by name, or as `.build/…/ledgerline`),
    /// first or after a pipe.
    /// `make …` lines and others are left out. A section named here but missing from the
    /// README is an issue.
    static func examples(inREADME readme: String, sections: [String]) -> [String] {
        var found: [String] = []
        for section in sections {
            let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard let heading = lines.firstIndex(of: "## \(section)") else {
                Issue.record("the README has no section \"\(section)\"")
                continue
            }
            let body = lines[(heading + 1)...].prefix { !$0.hasPrefix("## ") }
            var inBlock = false
            var block: [String] = []
            for line in body {
                if line.hasPrefix("```") {
                    if inBlock { found += joiningContinuations(block) }
                    inBlock.toggle()
                    block = []
                } else if inBlock {
                    block.append(line)
                }
            }
        }
        return found.filter { $0.hasPrefix("ledgerline ") || $0.contains(#/^\.build\/\S*\/ledgerline /#) || $0.contains("| ledgerline ") }
    }

    /// The `ledgerline` lines of a DocC article's fenced code blocks, with the number of
    /// the line each starts on: synopses (`ledgerline project rebuild [NAME]`) as well as
    /// examples, a leading `$ ` prompt dropped, continuations joined. Lines of a block
    /// that follow a `$ ` line without one are its output, and are left out.
    static func commandLines(inArticle text: String) -> [(line: Int, text: String)] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var found: [(line: Int, text: String)] = []
        var inBlock = false
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            if lines[index].hasPrefix("```") {
                inBlock.toggle()
                continue
            }
            var line = lines[index].trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("$ ") { line.removeFirst(2) }
            guard inBlock, line.hasPrefix("ledgerline ") else { continue }
            let start = index + 1
            while line.hasSuffix("\\"), index + 1 < lines.count {
                index += 1
                line = String(line.dropLast()) + " " + lines[index].trimmingCharacters(in: .whitespaces)
            }
            found.append((start, line))
        }
        return found
    }

    /// The words of a shell command line, as the shell splits them: quotes group (and are
    /// dropped), and the line ends at a comment (` #`) or the first `|`, `>`, `<`, `;`
    /// or `&&` outside quotes, which belong to the shell rather than to the command.
    static func shellWords(_ line: String) -> [String] {
        var words: [String] = []
        var word: String?
        var quote: Character?
        var previous: Character = " "
        for character in line {
            defer { previous = character }
            if let open = quote {
                if character == open { quote = nil } else { word = (word ?? "") + String(character) }
                continue
            }
            switch character {
            case "'", "\"": quote = character; word = word ?? ""
            case "#" where previous.isWhitespace, "|", ">", "<", ";", "&": return words + (word.map { [$0] } ?? [])
            case _ where character.isWhitespace:
                if let done = word { words.append(done) }
                word = nil
            default: word = (word ?? "") + String(character)
            }
        }
        return words + (word.map { [$0] } ?? [])
    }

    /// What is wrong with `line` (a `ledgerline` command line of the documentation) for
    /// the CLI whose help `pages` holds, or `nil` when nothing is: a subcommand no page
    /// lists, or an option (`--name`, `-n`) the command's help does not give. Synopsis
    /// notation is read as such: `[--as-of SEQ|TIME]` names `--as-of`, and `--by stage|owner`
    /// offers values, not commands.
    static func problem(in line: String, pages: [Page]) -> String? {
        var words = shellWords(line).dropFirst()  // "ledgerline"
        if words.first == "--data" { words = words.dropFirst(2) }
        var command: [String] = []
        while let next = words.first, pages.contains(where: { $0.command == command + [next] }) {
            command.append(next)
            words = words.dropFirst()
        }
        guard let page = pages.first(where: { $0.command == command }) else { return "no help page for `\(command.joined(separator: " "))`" }
        let subcommands = subcommands(in: page.text)
        if let next = words.first, !subcommands.isEmpty, !next.hasPrefix("-"), !page.text.contains(" (default)") {
            return "`ledgerline \(page.name)` has no subcommand \"\(next)\" (it has \(subcommands.joined(separator: ", ")))"
        }
        for word in words {
            let bare = word.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            guard bare.hasPrefix("-"), bare.count > 1, bare != "-" else { continue }
            let option = String(bare.prefix { $0 != "=" && $0 != "|" && $0 != "]" })
            // In the help, an option is listed as `  --name <value>`, `  -n, --name` or
            // `  --[no-]name`, and named in the usage line.
            let listed = page.text.contains(" \(option) ") || page.text.contains(" \(option),") || page.text.contains(" \(option)\n")
                || page.text.contains("[\(option) ") || page.text.contains("[\(option)]")
            if !listed { return "`ledgerline \(page.name) --help` lists no option \(option)" }
        }
        return nil
    }

    /// Lines with a line ending in `\` joined to the next (backslash and newline kept).
    static func joiningContinuations(_ lines: [String]) -> [String] {
        var joined: [String] = []
        var pending: String?
        for line in lines {
            let whole = pending.map { $0 + "\n" + line } ?? line
            if line.hasSuffix("\\") {
                pending = whole
            } else {
                joined.append(whole)
                pending = nil
            }
        }
        if let pending { joined.append(pending) }
        return joined
    }
}
