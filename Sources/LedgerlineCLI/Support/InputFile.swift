import Foundation

/// A file named on the command line, checked before any store is opened or created,
/// so a mistake in it leaves nothing behind.
enum InputFile {
    /// Throws unless `path` is a file this process can read (exit 66). `role` names it in the
    /// message ("the mapping"); `expected` says what to give instead, e.g. "a JSON
    /// Lines file, or - for standard input".
    ///
    /// A folder passes `isReadableFile`, and reading it later fails with Foundation's
    /// "The operation could not be completed. (NSCocoaErrorDomain error 256.)".
    static func requireReadable(_ path: String, as role: String? = nil, expected: String) throws(InputError) {
        let name = role.map { "\($0) \(path)" } ?? path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw InputError.unreadable("cannot read \(name): no such file; give \(expected)")
        }
        if isFolder.boolValue { throw InputError.unreadable("\(name) is a folder, not a file; give \(expected)") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw InputError.unreadable(
                "cannot read \(name): this user may not read it; give \(expected), or change its permissions")
        }
    }
}
