import EventLog
import Foundation
import Testing

@Suite struct MessageTextTests {
    /// What advice quotes with ``MessageText/shellWord(_:)`` reaches a command as the very
    /// same text, whatever the shell would otherwise expand, split or end there: bash
    /// itself reads the quoted words back.
    @Test func aShellWordIsReadBackByBashAsTheTextItQuotes() throws {
        let texts = [
            "plain/path-1.jsonl", "my events.jsonl.gz", "Bob's store", "it''s", "$HOME", "`date`", "$(date)", #"a"b"#,
            #"back\slash"#, "tab\there", "new\nline", "üñí cöde", "*", "a;b|c&d>e<f", "!bang", "~user", "#hash", "{a,b}",
            "-dash", "",
        ]
        let script = "printf '%s\\0' " + texts.map(MessageText.shellWord).joined(separator: " ")
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = ["-c", script]
        let output = Pipe()
        bash.standardOutput = output
        try bash.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        bash.waitUntilExit()
        #expect(bash.terminationStatus == 0)
        let words = data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        #expect(words == texts)
        // A name of only safe characters is left as it is; anything else is quoted.
        #expect(MessageText.shellWord("tools/mappings/cdnow.yaml") == "tools/mappings/cdnow.yaml")
        #expect(MessageText.shellWord("Bob's store") == #"'Bob'\''s store'"#)
    }
}
