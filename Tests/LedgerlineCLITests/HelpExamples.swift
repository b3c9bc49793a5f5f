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
    /// blocks, the lines that run `ledgerline` (by name, or as `.build/…/ledgerline`).
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
        return found.filter { $0.hasPrefix("ledgerline ") || $0.contains(#/^\.build\/\S*\/ledgerline /#) }
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
