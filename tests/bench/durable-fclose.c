/*
 * Bench only (bench-store.ts): preloaded into DCMTK storescp, makes every file it writes durable
 * before storescp answers the C-STORE, the guarantee the gateway gives (docs/architecture.md §5): on fclose of a
 * regular file open for writing, fflush, fdatasync, then fsync of its directory so that the new name
 * survives a power cut too. storescp saves each object and closes it before it sends the
 * C-STORE-RSP, so the response waits for the disk exactly as the gateway's does.
 *
 *   cc -shared -fPIC -O2 -o durable-fclose.so durable-fclose.c -ldl
 *   LD_PRELOAD=$PWD/durable-fclose.so storescp ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static int sync_directory_of(int fd) {
  char link[64], path[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return -1;
  path[n] = '\0';
  int dir = open(dirname(path), O_RDONLY | O_DIRECTORY);
  if (dir < 0) return -1;
  int result = fsync(dir);
  close(dir);
  return result;
}

int fclose(FILE *stream) {
  static int (*real_fclose)(FILE *);
  if (!real_fclose) real_fclose = (int (*)(FILE *))dlsym(RTLD_NEXT, "fclose");
  int fd = fileno(stream);
  int flags = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
  struct stat st;
  if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return real_fclose(stream);
  }
  /* A failure is storescp's to see: fclose then reports EOF, as it does for a failed write. */
  int failed = fflush(stream) != 0 || fdatasync(fd) != 0 || sync_directory_of(fd) != 0;
  int closed = real_fclose(stream);
  return failed ? EOF : closed;
}
