// Thin wrappers for what Swift's Glibc module does not import: variadic calls
// (syscall, prctl, ioctl), function-like macros and _GNU_SOURCE-only symbols.
// Every wrapper is one call that returns -1 and leaves errno as the kernel set it.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

// Namespace flags (sched.h hides them behind _GNU_SOURCE).
#define PROBE_CLONE_NEWNS     0x00020000
#define PROBE_CLONE_NEWUTS    0x04000000
#define PROBE_CLONE_NEWIPC    0x08000000
#define PROBE_CLONE_NEWUSER   0x10000000
#define PROBE_CLONE_NEWPID    0x20000000
#define PROBE_CLONE_NEWNET    0x40000000

// prctl options used by the launcher.
#define PROBE_PR_SET_PDEATHSIG   1
#define PROBE_PR_CAPBSET_DROP    24
#define PROBE_PR_SET_SECUREBITS  28
#define PROBE_PR_SET_NO_NEW_PRIVS 38

// Landlock (Debian's linux/landlock.h stops at ABI 2; the kernel here speaks 7).
#define PROBE_LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#define PROBE_LANDLOCK_ACCESS_FS_EXECUTE      (1ULL << 0)
#define PROBE_LANDLOCK_ACCESS_FS_WRITE_FILE   (1ULL << 1)
#define PROBE_LANDLOCK_ACCESS_FS_READ_FILE    (1ULL << 2)
#define PROBE_LANDLOCK_ACCESS_FS_READ_DIR     (1ULL << 3)
#define PROBE_LANDLOCK_ACCESS_FS_REMOVE_DIR   (1ULL << 4)
#define PROBE_LANDLOCK_ACCESS_FS_REMOVE_FILE  (1ULL << 5)
#define PROBE_LANDLOCK_ACCESS_FS_MAKE_CHAR    (1ULL << 6)
#define PROBE_LANDLOCK_ACCESS_FS_MAKE_DIR     (1ULL << 7)
#define PROBE_LANDLOCK_ACCESS_FS_MAKE_REG     (1ULL << 8)
#define PROBE_LANDLOCK_ACCESS_FS_MAKE_SOCK    (1ULL << 9)
#define PROBE_LANDLOCK_ACCESS_FS_MAKE_FIFO    (1ULL << 10)
#define PROBE_LANDLOCK_ACCESS_FS_MAKE_BLOCK   (1ULL << 11)
#define PROBE_LANDLOCK_ACCESS_FS_MAKE_SYM     (1ULL << 12)
#define PROBE_LANDLOCK_ACCESS_FS_REFER        (1ULL << 13)
#define PROBE_LANDLOCK_ACCESS_FS_TRUNCATE     (1ULL << 14)
#define PROBE_LANDLOCK_ACCESS_FS_IOCTL_DEV    (1ULL << 15)
#define PROBE_LANDLOCK_ACCESS_NET_BIND_TCP    (1ULL << 0)
#define PROBE_LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#define PROBE_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define PROBE_LANDLOCK_SCOPE_SIGNAL           (1ULL << 1)

// posix_spawn flag (spawn.h hides it behind _GNU_SOURCE).
#define PROBE_POSIX_SPAWN_SETSID 0x80

// close_range flag.
#define PROBE_CLOSE_RANGE_CLOEXEC (1U << 2)

// Resource limits, as plain ints (glibc's __rlimit_resource enum does not type-check in Swift).
#define PROBE_RLIMIT_CPU    0
#define PROBE_RLIMIT_FSIZE  1
#define PROBE_RLIMIT_CORE   4
#define PROBE_RLIMIT_NPROC  6
#define PROBE_RLIMIT_NOFILE 7
#define PROBE_RLIMIT_AS     9

/// One seccomp user notification, flattened so Swift does not depend on kernel header layout.
typedef struct probe_notification {
    uint64_t id;
    uint32_t pid;
    int32_t nr;
    uint32_t arch;
    uint64_t args[6];
} probe_notification;

/// fork(2) into new namespaces: 0 in the child, its pid in the parent, -1 with errno.
pid_t probe_clone_namespaces(int flags);
int probe_unshare(int flags);
int probe_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5);
int probe_setrlimit(int resource, uint64_t soft, uint64_t hard);
int probe_mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data);
int probe_umount2(const char *target, int flags);
int probe_pivot_root(const char *new_root, const char *put_old);
int probe_sethostname(const char *name, size_t length);
int probe_setgroups_empty(void);
int probe_close_range(unsigned int first, unsigned int last, unsigned int flags);
int probe_memfd_create(const char *name, unsigned int flags);
int probe_pidfd_open(pid_t pid, unsigned int flags);
/// A non-blocking, close-on-exec signalfd for these signals.
int probe_signalfd(const int *signals, int count);
/// Reads one signal from a signalfd; returns its number, or -1.
int probe_signalfd_take(int fd);

int probe_landlock_abi(void);
int probe_landlock_create_ruleset(uint64_t handled_fs, uint64_t handled_net, uint64_t scoped);
int probe_landlock_add_path_rule(int ruleset_fd, uint64_t allowed_access, int parent_fd);
int probe_landlock_restrict_self(int ruleset_fd);

/// Loads a classic BPF program (as exported by libseccomp) with a user-notification listener.
/// Returns the listener fd.
int probe_seccomp_load_with_listener(const void *instructions, size_t byte_count);
int probe_seccomp_notif_recv(int listener, probe_notification *out);
int probe_seccomp_notif_send_errno(int listener, uint64_t id, int error);

/// Sends one descriptor (SCM_RIGHTS) with a one-byte message.
ssize_t probe_send_fd(int socket, int fd);
/// Receives a descriptor sent with probe_send_fd, close-on-exec; -2 at end-of-file, -1 on error.
int probe_recv_fd(int socket);
/// Brings the loopback interface of the current network namespace up.
int probe_loopback_up(void);
/// Moves the calling thread into the namespace behind `fd` (setns(2)); `nstype` 0 accepts any.
int probe_setns(int fd, int nstype);

// mount(2) flags (sys/mount.h is not in Swift's Glibc module).
#define PROBE_MS_RDONLY      1UL
#define PROBE_MS_NOSUID      2UL
#define PROBE_MS_NODEV       4UL
#define PROBE_MS_NOEXEC      8UL
#define PROBE_MS_REMOUNT     32UL
#define PROBE_MS_NOATIME     1024UL
#define PROBE_MS_NODIRATIME  2048UL
#define PROBE_MS_BIND        4096UL
#define PROBE_MS_REC         16384UL
#define PROBE_MS_PRIVATE     (1UL << 18)
#define PROBE_MS_SLAVE       (1UL << 19)
#define PROBE_MS_RELATIME    (1UL << 21)
#define PROBE_MNT_DETACH     2

#define PROBE_O_PATH 010000000
#define PROBE_RUSAGE_CHILDREN (-1)
int probe_setresuid(uid_t uid);
int probe_setresgid(gid_t gid);
int probe_pipe2(int fds[2], int flags);
#define PROBE_MFD_CLOEXEC 1U
