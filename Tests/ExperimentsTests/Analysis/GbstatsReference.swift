import Foundation
import JSON

/// Runs `tools/gbstats_reference.py` under a Python that has GrowthBook's `gbstats`.
///
/// The interpreter is the system `python3` when it imports gbstats; otherwise a virtual
/// environment in the temporary directory, created once with `pip install gbstats` (a
/// venv, so gbstats' pins on numpy and pandas never touch the system Python). When
/// neither works — no Python, PyPI unreachable — ``unavailableReason`` says why and the
/// comparison tests are skipped.
enum GbstatsReference {
    static let script = GrowthBookCases.packageRoot.appendingPathComponent("tools/gbstats_reference.py")
    static let venv = FileManager.default.temporaryDirectory.appendingPathComponent("ledgerline-gbstats-venv")

    /// The interpreter to use, or why there is none; found (and installed) once per test run.
    static let interpreter: Result<String, ReferenceUnavailable> = locate()

    static var available: Bool { (try? interpreter.get()) != nil }

    static var unavailableReason: String {
        if case .failure(let reason) = interpreter { return reason.description }
        return ""
    }

    struct ReferenceUnavailable: Error, CustomStringConvertible {
        var description: String
    }

    private static func locate() -> Result<String, ReferenceUnavailable> {
        if run(["python3", "-c", "import gbstats, scipy"]).status == 0 { return .success("python3") }
        let python = venv.appendingPathComponent("bin/python").path
        if run([python, "-c", "import gbstats, scipy"]).status == 0 { return .success(python) }
        let create = run(["python3", "-m", "venv", venv.path])
        guard create.status == 0 else {
            return .failure(
                .init(
                    description: "gbstats comparison skipped: cannot create a Python venv at \(venv.path) "
                        + "(is python3 with the venv module installed?): \(create.output.suffix(300))"))
        }
        let install = run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "gbstats"])
        guard install.status == 0, run([python, "-c", "import gbstats, scipy"]).status == 0 else {
            return .failure(
                .init(
                    description: "gbstats comparison skipped: `pip install gbstats` failed "
                        + "(PyPI unreachable?): \(install.output.suffix(300))"))
        }
        return .success(python)
    }

    /// Sends `request` to the reference script and returns its answer.
    static func query(_ request: JSONValue) throws -> JSONValue {
        let python = try interpreter.get()
        let result = run([python, script.path], input: Array(JSONWriter.canonicalString(request).utf8))
        guard result.status == 0 else {
            throw ReferenceUnavailable(description: "reference script failed: \(result.output)")
        }
        return try JSONParser.parse(result.stdout)
    }

    /// Runs `arguments` (through `env`, so bare names use PATH) and collects its output.
    @discardableResult
    static func run(_ arguments: [String], input: [UInt8] = []) -> (status: Int32, stdout: [UInt8], output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do { try process.run() } catch { return (-1, [], "\(error)") }
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errors = LockedData()
        let errorReader = Thread { errors.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
        errorReader.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errors.isSet { Thread.sleep(forTimeInterval: 0.01) }
        return (process.terminationStatus, Array(out), String(decoding: errors.value, as: UTF8.self))
    }

    private final class LockedData: @unchecked Sendable {
        private let lock = NSLock()
        private var data: Data?
        func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return data != nil }
        var value: Data { lock.lock(); defer { lock.unlock() }; return data ?? Data() }
    }
}
