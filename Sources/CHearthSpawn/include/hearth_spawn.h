#ifndef HEARTH_SPAWN_H
#define HEARTH_SPAWN_H
#include <sys/types.h>

/// Starts `path` with `argv`/`envp` in its own process group, working directory `cwd`,
/// stdin from /dev/null and both stdout and stderr on `output_fd`.
/// Returns 0 and stores the pid, or an errno value.
int hearth_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                 int output_fd, pid_t *pid_out);

/// Blocks until `pid` exits; returns its exit code, or 128 + signal number when killed by a signal.
/// Returns -1 on error.
int hearth_wait(pid_t pid);

/// A pollable descriptor that becomes readable when `pid` exits (pidfd_open), or -1 when the kernel lacks it.
int hearth_pidfd_open(pid_t pid);

/// Non-blocking wait: returns 1 and stores the exit code (128 + signal when signalled) when `pid` has
/// exited, 0 when it still runs, -1 on error.
int hearth_try_wait(pid_t pid, int *code_out);

/// pipe2(fds, O_CLOEXEC). Returns 0 or -1 with errno set.
int hearth_pipe_cloexec(int fds[2]);

/// Returns memory the allocator holds but no longer uses to the system (glibc malloc_trim);
/// 1 when some was released.
int hearth_release_free_memory(void);

#endif
