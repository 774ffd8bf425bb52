/* arm64.h — what the arm64 AP path (arm64.c) uses of the bare-metal firmware and console model
 * (psci_firmware.c). Internal to models/arch.
 *
 * Contract: every function is an AP stage or a cost of one; each is a no-op (0, or AP_NEXT at
 * once) when the profile leaves its keys at their defaults, so VM and translator profiles run
 * exactly as before. Docs: docs/arm64-baremetal.md. */
#pragma once

#include "models/kernel/machine.h"

/* CPU_ON accepted until the core leaves reset: arm64.power_on, plus arm64.cluster_power_on when
 * no other CPU of its cluster power domain is on yet (the SCP powers the cluster first). */
ApStep arm64_fw_power_on(CpuhpMachine *m, guint cpu);
/* The power-domain locks the warm boots take (m->fw_locks): one, the system node's, or with
 * arm64.fw_lock_level "cluster" one per cluster (each core its own with cores_per_cluster 0). */
void arm64_fw_setup(CpuhpMachine *m);
/* TF-A's warm boot (bl31_warm_entrypoint -> psci_warmboot_entrypoint): arm64.warm_boot held on
 * the AP's top power-domain lock, so APs that share it and start together leave EL3 one by one. */
ApStep arm64_fw_warm_boot(CpuhpMachine *m, guint cpu);

/* The APs' own console lines (pr_info, each printed synchronously by the AP itself through a
 * legacy serial console): logged, and the time the line takes at arm64.console_baud returned
 * (0 and nothing logged without a console). */
typedef enum {
  ARM64_LINE_ICACHE,  /* cpuinfo_store_cpu(): "Detected PIPT I-cache on CPU%d" */
  ARM64_LINE_RDIST,   /* gic_starting_cpu() -> gic_populate_rdist() */
  ARM64_LINE_LPI,     /* its_cpu_init_lpis(), with an ITS only */
  ARM64_LINE_BOOTED,  /* secondary_start_kernel(): "CPU%u: Booted secondary processor" */
} Arm64ConsoleLine;
int64_t arm64_console_line(CpuhpMachine *m, guint cpu, Arm64ConsoleLine line);
