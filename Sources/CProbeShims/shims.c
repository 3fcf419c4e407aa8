#define _GNU_SOURCE
#include "CProbeShims.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <grp.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

// clone(2) with fork's calling convention (no new stack: the child continues on a copy of
// ours). glibc's fork() wrapper cannot take namespace flags.
pid_t probe_clone_namespaces(int flags) { return (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, 0, 0, 0, 0); }
int probe_unshare(int flags) { return unshare(flags); }
int probe_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5) { return prctl(option, a2, a3, a4, a5); }
int probe_setrlimit(int resource, uint64_t soft, uint64_t hard) { struct rlimit r = { soft, hard }; return setrlimit(resource, &r); }
int probe_mount(const char *s, const char *t, const char *f, unsigned long fl, const void *d) { return mount(s, t, f, fl, d); }
int probe_umount2(const char *t, int flags) { return umount2(t, flags); }
int probe_pivot_root(const char *n, const char *o) { return (int)syscall(SYS_pivot_root, n, o); }
int probe_sethostname(const char *name, size_t length) { return sethostname(name, length); }
int probe_setgroups_empty(void) { return setgroups(0, NULL); }
int probe_close_range(unsigned int first, unsigned int last, unsigned int flags) { return (int)syscall(SYS_close_range, first, last, flags); }
int probe_memfd_create(const char *name, unsigned int flags) { return memfd_create(name, flags); }
int probe_pidfd_open(pid_t pid, unsigned int flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }

static void fill_set(sigset_t *set, const int *signals, int count) {
    sigemptyset(set);
    for (int i = 0; i < count; i++) sigaddset(set, signals[i]);
}
int probe_signalfd(const int *signals, int count) { sigset_t s; fill_set(&s, signals, count); return signalfd(-1, &s, SFD_CLOEXEC | SFD_NONBLOCK); }
int probe_signalfd_take(int fd) { struct signalfd_siginfo i; return read(fd, &i, sizeof i) == (ssize_t)sizeof i ? (int)i.ssi_signo : -1; }

struct probe_ruleset_attr { uint64_t fs; uint64_t net; uint64_t scoped; };
struct probe_path_beneath_attr { uint64_t allowed_access; int32_t parent_fd; } __attribute__((packed));

int probe_landlock_abi(void) { return (int)syscall(SYS_landlock_create_ruleset, NULL, 0, PROBE_LANDLOCK_CREATE_RULESET_VERSION); }
int probe_landlock_create_ruleset(uint64_t fs, uint64_t net, uint64_t scoped) {
    // Trailing fields an older kernel does not know must be zero, which they are when unused.
    struct probe_ruleset_attr a = { fs, net, scoped };
    return (int)syscall(SYS_landlock_create_ruleset, &a, sizeof a, 0);
}
int probe_landlock_add_path_rule(int rfd, uint64_t allowed, int parent_fd) {
    struct probe_path_beneath_attr a = { allowed, parent_fd };
    return (int)syscall(SYS_landlock_add_rule, rfd, 1 /* LANDLOCK_RULE_PATH_BENEATH */, &a, 0);
}
int probe_landlock_restrict_self(int rfd) { return (int)syscall(SYS_landlock_restrict_self, rfd, 0); }

int probe_seccomp_load_with_listener(const void *insns, size_t bytes) {
    struct sock_fprog prog = { (unsigned short)(bytes / sizeof(struct sock_filter)), (struct sock_filter *)insns };
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}
int probe_seccomp_notif_recv(int listener, probe_notification *out) {
    struct seccomp_notif n;
    memset(&n, 0, sizeof n); // the kernel rejects a receive buffer that is not zeroed
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &n) != 0) return -1;
    out->id = n.id; out->pid = n.pid; out->nr = n.data.nr; out->arch = n.data.arch;
    for (int i = 0; i < 6; i++) out->args[i] = n.data.args[i];
    return 0;
}
int probe_seccomp_notif_send_errno(int listener, uint64_t id, int error) {
    struct seccomp_notif_resp r = { .id = id, .val = 0, .error = -error, .flags = 0 };
    return ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &r);
}

ssize_t probe_send_fd(int socket, int fd) {
    char byte = 0;
    struct iovec iov = { &byte, 1 };
    union { char buffer[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } control;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buffer, .msg_controllen = sizeof control.buffer };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(socket, &msg, MSG_NOSIGNAL);
}
int probe_recv_fd(int socket) {
    char byte;
    struct iovec iov = { &byte, 1 };
    union { char buffer[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } control;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buffer, .msg_controllen = sizeof control.buffer };
    ssize_t n = recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
    if (n <= 0) return n == 0 ? -2 : -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int))) { errno = EPROTO; return -1; }
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}
int probe_setns(int fd, int nstype) { return setns(fd, nstype); }

int probe_loopback_up(void) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
    if (rc == 0) { ifr.ifr_flags |= IFF_UP | IFF_RUNNING; rc = ioctl(fd, SIOCSIFFLAGS, &ifr); }
    int saved = errno; close(fd); errno = saved;
    return rc;
}
int probe_setresuid(uid_t uid) { return setresuid(uid, uid, uid); }
int probe_setresgid(gid_t gid) { return setresgid(gid, gid, gid); }
int probe_pipe2(int fds[2], int flags) { return pipe2(fds, flags); }
