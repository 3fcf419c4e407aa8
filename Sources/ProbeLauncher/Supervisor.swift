import CProbeShims
import Glibc
import SandboxSpec

/// The launcher's own process, after the fork: it stays in the host's namespaces and
///  - takes the target's seccomp listener and answers every syscall no rule allows,
///    recording what was tried (syscall number and arguments);
///  - kills the sandbox when the orchestrator goes away (the lifeline reaches end-of-file);
///  - exits when init, and so the whole pid namespace, is gone.
struct Supervisor {
    let spec: LaunchSpec
    let reporter: Reporter
    let child: pid_t
    let handoff: Int32
    private var listener: Int32 = -1
    private var seen = Set<[UInt64]>()
    private static let maxRecords = 256

    init(spec: LaunchSpec, reporter: Reporter, child: pid_t, handoff: Int32) {
        self.spec = spec
        self.reporter = reporter
        self.child = child
        self.handoff = handoff
    }

    mutating func run() -> Never {
        let childFD = probe_pidfd_open(child, 0)
        if childFD < 0 { reporter.fail(LaunchError.errno("launcher", "pidfd_open")) }
        var lifeline = LaunchSpec.lifelineFD
        var handoffFD = handoff
        while true {
            var fds = [
                pollfd(fd: childFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: lifeline, events: Int16(POLLIN), revents: 0),
                pollfd(fd: handoffFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
            ]
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                reporter.fail(LaunchError.errno("launcher", "poll"))
            }
            // Notifications first: a blocked target waits for our answer.
            if fds[3].revents & Int16(POLLIN) != 0 { answerNotification() }
            if fds[3].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { close(listener); listener = -1 }
            if fds[2].revents != 0 {
                if !takeListener() { close(handoffFD); handoffFD = -1 }
            }
            if fds[1].revents != 0 {
                // The orchestrator is gone. Init's death empties the pid namespace.
                kill(child, SIGKILL)
                lifeline = -1
            }
            if fds[0].revents != 0 {
                var status: Int32 = 0
                while waitpid(child, &status, 0) < 0 && errno == EINTR {}
                while listener >= 0 && hasPendingNotification() { answerNotification() }
                _exit(0)
            }
        }
    }

    /// Receives the listener from the target. Returns false once the handoff socket is
    /// closed (the target has exec'd or died).
    private mutating func takeListener() -> Bool {
        let fd = probe_recv_fd(handoff)
        if fd == -2 { return false }
        if fd < 0 {
            if errno == EINTR || errno == EAGAIN { return true }
            // Without the listener nobody could answer the target's blocked syscalls.
            let error = LaunchError.errno("seccomp", "receive the listener")
            kill(child, SIGKILL)
            reporter.fail(error)
        }
        if listener >= 0 { close(listener) }
        listener = fd
        return true
    }

    private func hasPendingNotification() -> Bool {
        var fd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        return poll(&fd, 1, 0) == 1 && fd.revents & Int16(POLLIN) != 0
    }

    private mutating func answerNotification() {
        var notification = probe_notification()
        guard probe_seccomp_notif_recv(listener, &notification) == 0 else { return }
        let args = withUnsafeBytes(of: notification.args) { Array($0.bindMemory(to: UInt64.self)) }
        // One record per syscall and first argument (the domain, the flags, the request):
        // pointers in later arguments would make every call look new.
        if seen.count < Self.maxRecords, seen.insert([UInt64(UInt32(bitPattern: notification.nr)), args[0]]).inserted {
            reporter.send(.blocked(arch: notification.arch, number: notification.nr, args: args))
        }
        switch spec.seccompDefault {
        case .errno(let code):
            _ = probe_seccomp_notif_send_errno(listener, notification.id, code)
        case .killProcess:
            kill(pid_t(notification.pid), SIGKILL)
            _ = probe_seccomp_notif_send_errno(listener, notification.id, EPERM)
        }
    }
}
