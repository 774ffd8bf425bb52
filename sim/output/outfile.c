/* outfile.c — whole-or-nothing outputs that leave links, devices and FIFOs as they are, and
 * no temporary file behind when a signal ends the process. */
#include "sim/output/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

struct SimOutfile {
  char *path;   /* as given, for messages */
  char *target; /* where it lands: links followed */
  char *tmp;    /* the temporary file, or NULL (stdout, write-through) */
  gboolean existed;
  FILE *f;
  int slot; /* in `pending`, or -1 */
};

/* ---- temporary files removed on a signal ------------------------------------------------ */

/* The handler reads this table and nothing else: a slot is filled (under the blocked signals)
 * after its string is whole, and emptied before the string is freed. */
#define MAX_PENDING 16
static char *volatile pending[MAX_PENDING];
static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void on_signal(int sig) {
  int saved = errno;
  for (int i = 0; i < MAX_PENDING; i++)
    if (pending[i]) unlink(pending[i]); /* async-signal-safe, as are signal() and raise() */
  signal(sig, SIG_DFL);
  raise(sig); /* die of it as if no handler were here: the exit status says which signal */
  errno = saved;
}

static void install_handlers(void) {
  static gsize once = 0;
  if (!g_once_init_enter(&once)) return;
  for (guint i = 0; i < G_N_ELEMENTS(cleanup_signals); i++) {
    struct sigaction old, sa = {0};
    if (sigaction(cleanup_signals[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL) continue; /* nohup, & */
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(cleanup_signals[i], &sa, NULL);
  }
  g_once_init_leave(&once, 1);
}

/* Runs with the cleanup signals blocked in this thread, so a slot never changes under the
 * handler here; other threads only read. */
static void block(sigset_t *old) {
  sigset_t set;
  sigemptyset(&set);
  for (guint i = 0; i < G_N_ELEMENTS(cleanup_signals); i++) sigaddset(&set, cleanup_signals[i]);
  pthread_sigmask(SIG_BLOCK, &set, old);
}

static void unblock(const sigset_t *old) { pthread_sigmask(SIG_SETMASK, old, NULL); }

G_LOCK_DEFINE_STATIC(pending);

static int pending_add(char *path) {
  G_LOCK(pending);
  int slot = -1;
  for (int i = 0; i < MAX_PENDING && slot < 0; i++)
    if (!pending[i]) pending[i] = path, slot = i;
  G_UNLOCK(pending);
  return slot; /* -1: more open outputs than slots; the file is still removed on abort */
}

static void pending_remove(int slot) {
  if (slot < 0) return;
  G_LOCK(pending);
  pending[slot] = NULL;
  G_UNLOCK(pending);
}

/* ---- outputs ----------------------------------------------------------------------------- */

static gboolean io_error(GError **error, const char *path, int err) {
  g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "%s: %s", path, g_strerror(err));
  return FALSE;
}

static void outfile_free(SimOutfile *out) {
  g_free(out->path);
  g_free(out->target);
  g_free(out->tmp);
  g_free(out);
}

/* The file a chain of symbolic links ends at (it may not exist yet). */
static char *follow_links(const char *path, GError **error) {
  g_autofree char *target = g_strdup(path);
  struct stat st;
  for (guint hops = 0; lstat(target, &st) == 0 && S_ISLNK(st.st_mode); hops++) {
    if (hops == 40) return io_error(error, path, ELOOP), NULL; /* as the kernel's MAXSYMLINKS */
    g_autofree char *link = g_file_read_link(target, error);
    if (!link) return NULL;
    g_autofree char *dir = g_path_get_dirname(target);
    char *next = g_path_is_absolute(link) ? g_strdup(link) : g_build_filename(dir, link, NULL);
    g_free(target);
    target = next;
  }
  return g_steal_pointer(&target);
}

SimOutfile *sim_outfile_open(const char *path, GError **error) {
  SimOutfile *out = g_new0(SimOutfile, 1);
  out->path = g_strdup(path);
  out->slot = -1;
  if (g_str_equal(path, "-")) {
    out->f = stdout;
    return out;
  }
  if (!(out->target = follow_links(path, error))) return outfile_free(out), NULL;
  struct stat st;
  if (lstat(out->target, &st) == 0) {
    out->existed = TRUE;
    if (S_ISDIR(st.st_mode)) return io_error(error, path, EISDIR), outfile_free(out), NULL;
    if (!S_ISREG(st.st_mode)) { /* a device or FIFO: its own open, no temporary file beside it */
      int fd = open(out->target, O_WRONLY | O_TRUNC | O_CLOEXEC);
      if (fd < 0 || !(out->f = fdopen(fd, "w"))) {
        int e = errno;
        if (fd >= 0) close(fd);
        return io_error(error, path, e), outfile_free(out), NULL;
      }
      return out;
    }
  }
  install_handlers();
  sigset_t old;
  block(&old);
  out->tmp = g_strdup_printf("%s.XXXXXX", out->target);
  int fd = g_mkstemp_full(out->tmp, O_RDWR | O_CLOEXEC, 0666); /* umask applies, as to any new file */
  int e = errno;
  if (fd >= 0) out->slot = pending_add(out->tmp);
  unblock(&old);
  if (fd < 0 || !(out->f = fdopen(fd, "w"))) {
    e = fd < 0 ? e : errno;
    if (fd >= 0) {
      close(fd);
      sim_outfile_abort(out);
    } else {
      outfile_free(out);
    }
    io_error(error, path, e);
    return NULL;
  }
  return out;
}

gboolean sim_outfile_write(SimOutfile *out, const char *data, gsize len, GError **error) {
  errno = 0;
  if (len && fwrite(data, 1, len, out->f) != len)
    return io_error(error, out->f == stdout ? "standard output" : out->path, errno ? errno : EIO);
  return TRUE;
}

void sim_outfile_abort(SimOutfile *out) {
  if (!out) return;
  if (out->f && out->f != stdout) fclose(out->f);
  if (out->tmp) {
    sigset_t old;
    block(&old);
    g_unlink(out->tmp);
    pending_remove(out->slot);
    unblock(&old);
  }
  outfile_free(out);
}

gboolean sim_outfile_commit(SimOutfile *out, GError **error) {
  const char *name = out->f == stdout ? "standard output" : out->path;
  errno = 0;
  if (fflush(out->f) != 0) {
    io_error(error, name, errno ? errno : EIO);
    sim_outfile_abort(out);
    return FALSE;
  }
  if (out->f == stdout) return outfile_free(out), TRUE;
  /* over an existing file, its data reaches the disk before the rename does (as GLib's
   * g_file_set_contents), so a crash cannot leave an empty file where the old one was */
  int e = out->tmp && out->existed && fsync(fileno(out->f)) != 0 ? errno : 0;
  FILE *f = out->f;
  out->f = NULL;
  if (fclose(f) != 0 && !e) e = errno ? errno : EIO;
  if (!e && out->tmp) {
    sigset_t old;
    block(&old);
    if (rename(out->tmp, out->target) != 0) e = errno;
    else {
      pending_remove(out->slot);
      g_clear_pointer(&out->tmp, g_free);
    }
    unblock(&old);
  }
  if (e) {
    io_error(error, out->path, e);
    sim_outfile_abort(out);
    return FALSE;
  }
  outfile_free(out);
  return TRUE;
}

gboolean sim_output_write(const char *path, const char *data, gsize len, GError **error) {
  SimOutfile *out = sim_outfile_open(path, error);
  if (!out) return FALSE;
  if (!sim_outfile_write(out, data, len, error)) {
    sim_outfile_abort(out);
    return FALSE;
  }
  return sim_outfile_commit(out, error);
}
