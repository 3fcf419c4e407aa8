// The `probe` executable. The commands live in the ProbeCLI library, where tests can reach them.
import ProbeCLI

Probe.main()
