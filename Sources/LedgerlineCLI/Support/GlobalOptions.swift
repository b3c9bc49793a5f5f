import ArgumentParser
import EventLog
import Foundation

/// Options every command that touches the store shares.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store's folder. Defaults to $LEDGERLINE_DATA when set and not empty, else ./ledgerline-data.",
            valueName: "dir"))
    var data: String?

    /// An empty `--data` would be the current folder: a store's files written among
    /// whatever is there.
    static let emptyData = ValidationError(
        "--data is empty; give the store's folder, or leave --data out for $LEDGERLINE_DATA or ./ledgerline-data")

    func validate() throws {
        if data?.isEmpty == true { throw Self.emptyData }
        if data == nil { try UsageErrors.requireUTF8StoreFolderVariable() }
    }

    /// The folder the store lives in.
    var dataDirectory: URL { Self.dataDirectory(data) }

    /// Opens the store; only `init` (and commands that create data) pass `create: true`.
    func openStore(create: Bool = false, startingOverAnEmptyFile: Bool = false) throws -> LMDBEventStore {
        try Self.openStore(at: dataDirectory, create: create, startingOverAnEmptyFile: startingOverAnEmptyFile)
    }

    /// The store in ``dataDirectory``, or `nil` when there is none (for commands that
    /// create nothing, such as a dry run).
    func openExistingStore() throws -> LMDBEventStore? {
        // A file there is a mistake to report, not a store to plan without.
        try Self.requireFolder(dataDirectory)
        do {
            return try openStore(create: false)
        } catch let error as EventLogError where error.code == .storeNotFound {
            // An empty data.mdb is no store to plan against as if empty: the import it
            // previews refuses it.
            if FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("data.mdb").path) { throw error }
            return nil
        }
    }

    /// The store's folder as the user gave it (`--data`, before or after the command, or
    /// $LEDGERLINE_DATA); `nil` for the default. Advice that gives a command to run
    /// names it, so that the command reaches the same store.
    var givenFolder: String? { Self.givenFolder(data) }

    /// `ledgerline --data FOLDER WORDS…`, for advice that gives a command to run against
    /// this store (`--data` left out for the default folder); the words are given as
    /// the shell should read them.
    func command(_ words: [String]) -> String {
        Self.command(words, folder: givenFolder)
    }

    static func command(_ words: [String], folder: String? = nil) -> String {
        (["ledgerline"] + (folder.map { ["--data", MessageText.shellWord($0)] } ?? []) + words).joined(separator: " ")
    }

    static func givenFolder(_ given: String?) -> String? {
        given ?? ProcessInfo.processInfo.environment["LEDGERLINE_DATA"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `given`, else $LEDGERLINE_DATA, else ./ledgerline-data. An empty
    /// $LEDGERLINE_DATA counts as unset (`LEDGERLINE_DATA= ledgerline stats` is not a
    /// store in the current folder).
    static func dataDirectory(_ given: String?) -> URL {
        URL(fileURLWithPath: givenFolder(given) ?? "ledgerline-data")
    }

    static func openStore(at directory: URL, create: Bool, foldersMade: [URL] = [], startingOverAnEmptyFile: Bool = false) throws -> LMDBEventStore {
        try requireFolder(directory)
        var options = LMDBEventStore.Options()
        options.create = create
        options.startsOverAnEmptyFile = startingOverAnEmptyFile
        options.foldersMadeForIt = foldersMade
        options.validator = Catalog.validator
        // From here on, a crash on damaged pages ends with advice, not a crash report.
        DamagedPagesReport.install(store: directory)
        return try LMDBEventStore(directory: directory, options: options)
    }

    /// Runs `body` on the store in `directory`, creating the store when there is none,
    /// and closes it.
    ///
    /// When this call created the store and `body` fails with the store still empty,
    /// what the call created is removed again: `data.mdb`, `lock.mdb` unless it was
    /// there before, and the folders made for them if nothing else was put in them. A
    /// failed first import then leaves no empty store behind for the next command to
    /// take for a real one. A store something was appended to is kept.
    static func withStore<T>(creatingIn directory: URL, _ body: (LMDBEventStore) async throws -> T) async throws -> T {
        try await withStore(creatingOnDemandIn: directory) { store in try await body(store.open()) }
    }

    /// Runs `body` with the store in `directory` to open when it asks for it, creating
    /// the store if there is none, and closes it; as ``withStore(creatingIn:_:)``, what
    /// a failed `body` made for an empty store is removed again.
    ///
    /// The folder (and those above it) is made before `body` runs, for the scratch
    /// files an import keeps beside the store while it checks its input; a new store is
    /// made only when `body` opens it, once the input has passed. (A store that is
    /// there already is opened at once, so that one this build cannot open, or this
    /// user may not write to, is refused before a long check, not after.) Until then, Ctrl-C
    /// removes the folders again along with the scratch files (see
    /// `ScratchLease.removeOnInterrupt(ifEmpty:)`): an import interrupted while it
    /// checks, like one that finds a bad line, leaves nothing behind.
    static func withStore<T>(creatingOnDemandIn directory: URL, _ body: (StoreOnDemand) async throws -> T) async throws -> T {
        let files = FileManager.default
        let dataFile = directory.appendingPathComponent("data.mdb")
        let lockFile = directory.appendingPathComponent("lock.mdb")
        try requireFolder(directory)
        let hadStore = files.fileExists(atPath: dataFile.path)
        let hadLock = files.fileExists(atPath: lockFile.path)
        let made = try LMDBEventStore.makeFolders(directory, otherwise: "pass another --data")
        ScratchLease.removeOnInterrupt(ifEmpty: made)
        defer { ScratchLease.keepOnInterrupt(made) }
        let store = StoreOnDemand(directory: directory, foldersMade: made)
        do {
            if hadStore { _ = try store.open() }
            let result = try await body(store)
            store.opened?.close()
            return result
        } catch {
            let opened = store.opened
            let isEmpty = opened.map { (try? $0.head().position) == .start } ?? true
            opened?.close()
            if opened != nil, !hadStore, isEmpty {
                try? files.removeItem(at: dataFile)
                if !hadLock { try? files.removeItem(at: lockFile) }
            }
            // rmdir removes a folder only while it is empty; innermost first.
            for folder in made.reversed() { rmdir(folder.path) }
            throw error
        }
    }

    /// The store in a folder, opened (and created, if the folder holds none) the first
    /// time ``open()`` is called.
    final class StoreOnDemand {
        let directory: URL
        /// The folders made for the store before it was created, outermost first.
        let foldersMade: [URL]
        private(set) var opened: LMDBEventStore?

        init(directory: URL, foldersMade: [URL]) {
            self.directory = directory
            self.foldersMade = foldersMade
        }

        func open() throws -> LMDBEventStore {
            if let opened { return opened }
            let store = try GlobalOptions.openStore(at: directory, create: true, foldersMade: foldersMade)
            opened = store
            return store
        }
    }

    /// Refuses a `directory` that is a file, or that has a file where one of the folders
    /// above it should be: not "no event store …; run `ledgerline init`", since init
    /// would fail there too. Every command says it alike, reading or creating, with
    /// exit 69 (no store, and none can be made there).
    static func requireFolder(_ directory: URL) throws(EventLogError) {
        var existing = directory.standardizedFileURL
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" { existing.deleteLastPathComponent() }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: existing.path, isDirectory: &isFolder), !isFolder.boolValue else { return }
        let advice = "give --data (or $LEDGERLINE_DATA) the folder the store is in, or a new one"
        guard existing.path == directory.standardizedFileURL.path else {
            throw EventLogError(.storeNotFound, "\(existing.path) is a file, so \(directory.path) cannot be a store folder; \(advice)")
        }
        throw EventLogError(.storeNotFound, "\(directory.path) is a file, not a store folder; \(advice)")
    }
}
