/// JavaScript's string operations where they differ from Swift's.
enum JavaScriptString {
    /// `a < b` in JavaScript: lexicographic over UTF-16 code units (Swift's `<` compares
    /// Unicode scalars after normalisation, which orders some strings differently).
    static func lessThan(_ a: String, _ b: String) -> Bool {
        a.utf16.lexicographicallyPrecedes(b.utf16)
    }

    /// `a === b` in JavaScript: the same code units (Swift's `==` also equates canonically
    /// equivalent strings).
    static func equal(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }
}
