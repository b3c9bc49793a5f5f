import Foundation
import Synchronization
import Testing

/// Runs the real `ledgerline` executable built next to the tests.
enum CLI {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        /// From the child's start to its exit, without the wait for a turn to run.
        var duration: Duration = .zero
    }

    /// The built `ledgerline` (`swift build` puts it beside the test bundle).
    static var executable: URL? {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("ledgerline")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    static func requireExecutable() throws -> URL {
        try #require(executable, "the ledgerline executable is not built; run `swift build` first (make test does)")
    }

    /// Runs `ledgerline arguments...` to completion, waiting on a thread of its own
    /// (see ``onOwnThread(_:)``).
    ///
    /// At most one run per core at a time: once waiting no longer holds a thread of the
    /// pool, nothing else bounds how many children the suites start at once, and dozens
    /// of them at a time slowed each one past the waits of tests that follow a live
    /// process.
    ///
    /// With `fileSizeLimit`, the child runs under that limit on the files it writes
    /// (`RLIMIT_FSIZE`, set by util-linux's `prlimit`, which Debian always has). With
    /// `directory`, the child runs in that folder instead of the tests' own.
    ///
    /// With `user`, the child runs as that user and group id, with no other groups
    /// (set by util-linux's `setpriv`; see ``canRunAsAnotherUser``).
    static func run(
        _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], fileSizeLimit: Int? = nil, directory: URL? = nil,
        user: UInt32? = nil
    ) async throws -> Outcome {
        await slots.acquire()
        defer { slots.release() }
        return try await onOwnThread {
            try runBlocking(arguments, stdin: stdin, environment: environment, fileSizeLimit: fileSizeLimit, directory: directory, user: user)
        }
    }

    /// Runs `ledgerline` with arguments given as raw bytes, which need not be UTF-8.
    ///
    /// `Process` takes its arguments as Strings and would pass them as UTF-8, so the
    /// child is started by `/bin/sh -c`, whose script rebuilds each argument with
    /// `printf` from the octal escape of every one of its bytes (a script of ASCII
    /// only) and `exec`s ledgerline with them: the child's `argv` holds exactly these
    /// bytes. An argument may not hold a NUL byte, nor end with a newline (`$(…)`
    /// drops trailing newlines). `rawEnvironment` sets variables the same way.
    static func run(rawArguments: [[UInt8]], rawEnvironment: [String: [UInt8]] = [:]) async throws -> Outcome {
        let values = rawArguments + Array(rawEnvironment.values)
        precondition(values.allSatisfy { !$0.contains(0) && $0.last != 0x0A }, "argv and the environment cannot carry these bytes")
        func word(_ bytes: [UInt8]) -> String {
            "\"$(printf '" + bytes.map { "\\" + String($0, radix: 8) }.joined() + "')\""
        }
        let exports = rawEnvironment.keys.sorted().map { "export \($0)=\(word(rawEnvironment[$0]!)); " }.joined()
        let script = exports + "exec \"$0\" " + rawArguments.map(word).joined(separator: " ")
        await slots.acquire()
        defer { slots.release() }
        return try await onOwnThread {
            try runBlocking(["-c", script, try requireExecutable().path], stdin: nil, environment: [:], fileSizeLimit: nil, directory: nil, program: "/bin/sh")
        }
    }

    /// Runs `line` as a reader's shell runs a command line they typed: with
    /// `bash -o pipefail -c`, in `directory`, the built `ledgerline` first on the PATH.
    /// Pipes, redirections, `&&` and `$(…)` work as they do for the reader; `pipefail`
    /// makes a `ledgerline` that fails inside a pipeline fail the line, rather than
    /// leaving the status to the last program of the pipe.
    ///
    /// With `timeout` seconds, coreutils' `timeout` interrupts the line once it has run
    /// that long (SIGINT to its whole process group, SIGKILL 5 seconds later if it is
    /// still there), and the status is then 124.
    static func runShell(_ line: String, directory: URL, environment: [String: String] = [:], timeout: Int? = nil) async throws -> Outcome {
        var environment = environment
        let folder = try requireExecutable().deletingLastPathComponent().path
        environment["PATH"] = folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        var command = ["/bin/bash", "-o", "pipefail", "-c", line]
        if let timeout { command = ["/usr/bin/timeout", "--kill-after=5", "--signal=INT", String(timeout)] + command }
        await slots.acquire()
        defer { slots.release() }
        return try await onOwnThread { [command, environment] in
            try runBlocking(Array(command.dropFirst()), stdin: nil, environment: environment, fileSizeLimit: nil, directory: directory, program: command[0])
        }
    }

    /// Whether ``run(_:stdin:environment:fileSizeLimit:directory:user:)`` can run the child as
    /// another user: only root may, and only with `setpriv` installed.
    static var canRunAsAnotherUser: Bool { geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") }

    private static let slots = Slots(ProcessInfo.processInfo.activeProcessorCount)

    private static func runBlocking(
        _ arguments: [String], stdin: String?, environment: [String: String], fileSizeLimit: Int?, directory: URL?, user: UInt32? = nil,
        program: String? = nil
    ) throws -> Outcome {
        let process = Process()
        if let directory { process.currentDirectoryURL = directory }
        if let program {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
        } else if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", try requireExecutable().path] + arguments
        } else if let fileSizeLimit {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
            process.arguments = ["--fsize=\(fileSizeLimit)", try requireExecutable().path] + arguments
        } else {
            process.executableURL = try requireExecutable()
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "LEDGERLINE_DATA")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        let clock = ContinuousClock()
        let started = clock.now
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
            duration: clock.now - started)
    }
}

/// Runs `work`, which blocks (waits for a child process, sleeps), on a thread of its
/// own and returns its result.
///
/// Tests run as tasks on the shared pool, which has one thread per core: two here.
/// A test that blocked one of them while its child ran took that thread from every
/// other suite, and on a slow machine one of those ran past its time limit.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// A counting semaphore whose waiters suspend instead of blocking a thread.
final class Slots: Sendable {
    private struct State {
        var free: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(_ count: Int) { state = Mutex(State(free: max(1, count))) }

    func acquire() async {
        await withCheckedContinuation { continuation in
            let granted = state.withLock { state -> Bool in
                guard state.free > 0 else {
                    state.waiting.append(continuation)
                    return false
                }
                state.free -= 1
                return true
            }
            if granted { continuation.resume() }
        }
    }

    /// Hands the slot to the first waiter, if any, else frees it.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}

/// A scratch folder removed when the test ends.
extension CLI {
    /// Runs `ledgerline --data SCRATCH arguments...` where no store exists and expects
    /// the usage error `line` alone: exit 64, nothing on stdout, and no store made.
    static func expectUsageError(_ arguments: [String], _ line: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let scratch = Scratch()
        defer { scratch.cleanup() }
        let result = try await run(["--data", scratch.data] + arguments)
        #expect(result.status == 64, sourceLocation: sourceLocation)
        #expect(result.stderr == "ledgerline: \(line)\n", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: scratch.data), "a store was made", sourceLocation: sourceLocation)
    }
}

struct Scratch {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ledgerline-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var data: String { url.appendingPathComponent("store").path }

    func file(_ name: String, _ contents: String) throws -> String {
        let path = url.appendingPathComponent(name).path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func cleanup() { try? FileManager.default.removeItem(at: url) }
}
