extension Array where Element == String {
    /// The paths in order, each kept at its first place only.
    ///
    /// A linear search, and not generic, on purpose: the lists are a launch's few paths, and
    /// in these static binaries both a String-keyed `Set` and an unspecialized generic
    /// `contains` make the Swift runtime walk every protocol-conformance record, which costs
    /// up to a millisecond per launch (scripts/launch-conformance-scans).
    public func uniqued() -> [String] {
        var kept: [String] = []
        kept.reserveCapacity(count)
        for path in self where !kept.contains(path) {
            kept.append(path)
        }
        return kept
    }
}
