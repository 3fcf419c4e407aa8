import CProbeShims
import Glibc
import SandboxSpec

extension Launcher {
    /// Moves this process into the run's cgroups by writing `0` ("the caller") into each
    /// join file. This relies on the launcher being single-threaded: on v1 the file is
    /// `tasks`, which moves only the calling thread. The orchestrator created the cgroups and
    /// decided whether they are required; a failure to join is always fatal, because
    /// accounting for half the tree would be worse than none.
    func joinCgroups() throws {
        for file in spec.cgroupJoinFiles {
            try FileIO.write(file, "0", stage: "cgroup")
        }
    }

    /// One unshare(2) for all six namespaces. The user namespace is created first by the
    /// kernel, so it owns the others and our capabilities inside it are enough to configure
    /// them, with no host privilege left in the target.
    ///
    /// Returns false when the namespaces are unavailable and degraded runs are allowed.
    func unshareNamespaces() throws -> Bool {
        let namespaces: [(Layer, Int32)] = [
            (.userNamespace, PROBE_CLONE_NEWUSER), (.mountNamespace, PROBE_CLONE_NEWNS),
            (.pidNamespace, PROBE_CLONE_NEWPID), (.netNamespace, PROBE_CLONE_NEWNET),
            (.ipcNamespace, PROBE_CLONE_NEWIPC), (.utsNamespace, PROBE_CLONE_NEWUTS),
        ]
        let flags = namespaces.reduce(0) { $0 | $1.1 }
        if probe_unshare(flags) == 0 {
            for (layer, _) in namespaces { reporter.layer(layer, applied: true) }
            return true
        }
        let error = LaunchError.errno("namespaces", "unshare(user, mount, pid, net, ipc, uts)")
        guard spec.allowDegraded else { throw error }
        for (layer, _) in namespaces { reporter.layer(layer, applied: false, error.message) }
        return false
    }

    /// Writes the unsharer's uid and gid maps from outside its user namespace.
    func writeIDMaps(child: pid_t, sync: SyncPipes) throws {
        guard let answer = FileIO.readByte(sync.parentReads) else {
            // The unsharer died; it reported why on the report descriptor.
            var status: Int32 = 0
            waitpid(child, &status, 0)
            _exit(ExitCode.setupFailed)
        }
        if answer == SyncPipes.unshared {
            if spec.denySetgroups {
                try FileIO.write("/proc/\(child)/setgroups", "deny", stage: "user_ns")
            }
            try FileIO.write("/proc/\(child)/uid_map", spec.uidMap, stage: "user_ns")
            try FileIO.write("/proc/\(child)/gid_map", spec.gidMap, stage: "user_ns")
        }
        FileIO.writeByte(sync.parentWrites, SyncPipes.mapped)
        close(sync.parentWrites)
        close(sync.parentReads)
    }

    /// A new network namespace starts with no interface up; `loopback` brings up `lo`.
    func setUpNetwork() throws {
        guard spec.network == .loopback else { return }
        try check("net_ns", "bring up lo", probe_loopback_up())
    }

    func setUpHostname() throws {
        try check("uts_ns", "sethostname", probe_sethostname(spec.hostname, spec.hostname.utf8.count))
    }
}
