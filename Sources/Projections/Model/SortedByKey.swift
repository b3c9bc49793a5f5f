extension Array {
    /// In an array sorted by `keyOf`, the index of the first element whose key is not
    /// below `key`: where an element with that key is, or would be inserted. Binary
    /// search: O(log n) key reads.
    func insertionIndex(of key: String, by keyOf: (Element) -> String) -> Int {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if keyOf(self[mid]) < key { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
