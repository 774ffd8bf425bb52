/* init.c — the guest's /init for the boots here: says it ran, prints the kernel's trace buffer
 * (tracefs mounted on /t, when the kernel has one) to the console, and reboots, which with
 * reboot=t and QEMU's -no-reboot ends the run. Build (a static binary on the root disk):
 *   gcc -static -O2 -o root/init init.c && mkdir -p root/t && mkfs.ext4 -q -d root root.ext4 8M */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <unistd.h>

int main(void) {
  static char buf[65536];
  ssize_t n;
  if (write(1, "INIT-REACHED\n", 13) < 0) return 1;
  if (mount("nodev", "/t", "tracefs", 0, 0) == 0) {
    int fd = open("/t/trace", O_RDONLY);
    while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
      if (write(1, buf, (size_t)n) < 0) break;
  }
  sync();
  reboot(RB_AUTOBOOT);
  return 0;
}
