/// Probe's version, recorded in every report; a new version regrades what an older one graded.
public enum ProbeVersion {
    public static let current = "0.4.0"
}
