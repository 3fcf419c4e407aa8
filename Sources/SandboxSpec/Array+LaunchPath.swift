/// Helpers on the launch path's short lists of strings, written out by hand on purpose: in
/// these static binaries a String-keyed `Set`, an unspecialized generic `contains`, or
/// `joined(separator:)` makes the Swift runtime walk every protocol-conformance record, which
/// costs up to a millisecond per launch (scripts/launch-conformance-scans).
extension Array where Element == String {
    /// The paths in order, each kept at its first place only (a linear search: the lists
    /// are a launch's few paths).
    public func uniqued() -> [String] {
        var kept: [String] = []
        kept.reserveCapacity(count)
        for path in self where !kept.contains(path) {
            kept.append(path)
        }
        return kept
    }

    /// The elements with `separator` between them.
    public func joined(by separator: String) -> String {
        var text = ""
        for index in indices {
            if index > startIndex { text += separator }
            text += self[index]
        }
        return text
    }
}
