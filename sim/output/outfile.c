/* outfile.c — whole-or-nothing outputs that leave links, devices and FIFOs as they are. */
#include "sim/output/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static gboolean io_error(GError **error, const char *path, int err) {
  g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "%s: %s", path, g_strerror(err));
  return FALSE;
}

static gboolean write_stdout(const char *data, gsize len, GError **error) {
  errno = 0;
  if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
    return io_error(error, "standard output", errno ? errno : EIO);
  return TRUE;
}

/* A device or FIFO: its own open and write, no temporary file beside it. */
static gboolean write_through(const char *path, const char *data, gsize len, GError **error) {
  int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return io_error(error, path, errno);
  for (gsize done = 0; done < len;) {
    ssize_t n = write(fd, data + done, len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = n < 0 ? errno : EIO;
      close(fd);
      return io_error(error, path, e);
    }
    done += (gsize)n;
  }
  if (close(fd) != 0) return io_error(error, path, errno);
  return TRUE;
}

gboolean sim_output_write(const char *path, const char *data, gsize len, GError **error) {
  if (g_str_equal(path, "-")) return write_stdout(data, len, error);
  g_autofree char *target = g_strdup(path);
  struct stat st;
  for (guint hops = 0; lstat(target, &st) == 0 && S_ISLNK(st.st_mode); hops++) {
    if (hops == 40) return io_error(error, path, ELOOP); /* as the kernel's MAXSYMLINKS */
    g_autofree char *link = g_file_read_link(target, error);
    if (!link) return FALSE;
    g_autofree char *dir = g_path_get_dirname(target);
    char *next = g_path_is_absolute(link) ? g_strdup(link) : g_build_filename(dir, link, NULL);
    g_free(target);
    target = next;
  }
  if (lstat(target, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return io_error(error, path, EISDIR);
    if (!S_ISREG(st.st_mode)) return write_through(target, data, len, error);
  }
  return g_file_set_contents(target, data, (gssize)len, error);
}
