/* cpuhp.c — lookup over the state tables: the arches' shipped ones (arch.h), then those
 * loaded from YAML. */
#include "models/kernel/cpuhp.h"

#include <string.h>

#include "models/kernel/arch.h"

const CpuhpTable *cpuhp_table_lookup(const char *arch, const char *version) {
  const CpuhpArch *a = cpuhp_arch_lookup(arch);
  for (guint i = 0; a && i < a->n_tables; i++)
    if (g_strcmp0(a->tables[i]->version, version) == 0) return a->tables[i];
  return arch && version ? cpuhp_table_registered(arch, version) : NULL; /* loaded from YAML */
}

const CpuhpTable *cpuhp_table_for_config(const CpuhpTable *t, gboolean hotplug_parallel) {
  return t && hotplug_parallel && t->split_startup ? t->split_startup : t;
}

const char *cpuhp_table_known(void) {
  static char *known;
  if (g_once_init_enter(&known)) {
    GString *s = g_string_new(NULL);
    for (guint i = 0; cpuhp_arch_nth(i); i++)
      for (guint k = 0; k < cpuhp_arch_nth(i)->n_tables; k++)
        g_string_append_printf(s, "%s%s/%s", s->len ? ", " : "", cpuhp_arch_nth(i)->name,
                               cpuhp_arch_nth(i)->tables[k]->version);
    g_once_init_leave(&known, g_string_free(s, FALSE));
  }
  return known;
}

const CpuhpStep *cpuhp_table_find(const CpuhpTable *t, const char *name) {
  for (guint i = 0; i < t->n_steps; i++)
    if (strcmp(t->steps[i].name, name) == 0) return &t->steps[i];
  return NULL;
}

const CpuhpStep *cpuhp_table_at(const CpuhpTable *t, guint step) {
  for (guint i = 0; i < t->n_steps; i++)
    if (t->steps[i].step == step) return &t->steps[i];
  return NULL;
}

const char *cpuhp_section_name(CpuhpSection s) {
  static const char *const names[] = {"PREPARE", "STARTING", "ONLINE"};
  return names[s];
}

const char *cpuhp_runner_name(CpuhpRunner r) {
  static const char *const names[] = {"BP", "AP (IRQs off)", "AP cpuhp/N", "-"};
  return names[r];
}

/* ---- requirements ------------------------------------------------------------------------ */

const char CPUHP_RESOURCE_THREAD[] = "the AP's cpuhp/N thread";
#define WORKER_POOLS "the AP's worker pools and their first kworkers"
#define RCU_DATA "RCU's per-CPU data of the AP (rcu_data)"
#define HRTIMER_BASES "the AP's hrtimer bases"
#define TMIGR_GROUP "the AP's timer-migration group"

/* The kernel's, by registered name (6.12; the same in every arch's table). A state that is not
 * here has only its section's rules. */
static const CpuhpRequirement requirements[] = {
    {"threads:prepare", CPUHP_NEEDS_BP, TRUE, CPUHP_RESOURCE_THREAD, NULL,
     "kernel/smpboot.c smpboot_create_threads(): kthread_create_on_cpu() for every smp_hotplug_thread, "
     "cpuhp/%u among them (kernel/cpu.c cpuhp_threads, stored in cpuhp_state.thread)"},
    {"perf:prepare", CPUHP_NEEDS_ANY, TRUE, NULL, NULL,
     "kernel/events/core.c perf_event_init_cpu(): kzalloc_node(GFP_KERNEL) in perf_swevent_init_cpu(), "
     "mutex_lock(&pmus_lock)"},
    {"workqueue:prepare", CPUHP_NEEDS_BP, TRUE, WORKER_POOLS, NULL,
     "kernel/workqueue.c workqueue_prepare_cpu(): create_worker() for each of the AP's pools "
     "(kzalloc GFP_KERNEL, kthread_create_on_node()) from the control CPU, before the AP runs"},
    {"hrtimers:prepare", CPUHP_NEEDS_BP, FALSE, HRTIMER_BASES, NULL,
     "kernel/time/hrtimer.c hrtimers_prepare_cpu(): initialises per_cpu(hrtimer_bases, cpu) from the "
     "control CPU before the AP uses it"},
    {"smpcfd:prepare", CPUHP_NEEDS_ANY, TRUE, NULL, NULL,
     "kernel/smp.c smpcfd_prepare_cpu(): zalloc_cpumask_var_node(GFP_KERNEL), alloc_percpu()"},
    {"relay:prepare", CPUHP_NEEDS_ANY, TRUE, NULL, NULL,
     "kernel/relay.c relay_prepare_cpu(): mutex_lock(&relay_channels_mutex), relay_create_buf()"},
    {"RCU/tree:prepare", CPUHP_NEEDS_BP, FALSE, RCU_DATA, NULL,
     "kernel/rcu/tree.c rcutree_prepare_cpu(): initialises the AP's rcu_data from the control CPU; the "
     "AP reports itself (rcutree_report_cpu_starting()) from notify_cpu_starting(), before STARTING"},
    {"trace/RB:prepare", CPUHP_NEEDS_ANY, TRUE, NULL, NULL,
     "kernel/trace/ring_buffer.c trace_rb_cpu_prepare(): rb_allocate_cpu_buffer(), kzalloc_node(GFP_KERNEL)"},
    {"tmigr:prepare", CPUHP_NEEDS_BP, TRUE, TMIGR_GROUP, NULL,
     "kernel/time/timer_migration.c tmigr_cpu_prepare(): tmigr_add_cpu() builds the group hierarchy under "
     "mutex_lock(&tmigr_mutex); \"the target CPU must never do the prepare work\" "
     "(WARN_ON_ONCE(cpu == raw_smp_processor_id()))"},
    {"x86/cachectrl:starting", CPUHP_NEEDS_AP_ATOMIC, FALSE, NULL, NULL,
     "arch/x86/kernel/cpu/cacheinfo.c cache_ap_online(): stop_machine_from_inactive_cpu() sets up this "
     "CPU's MTRRs/PAT before it is online"},
    {"sched:starting", CPUHP_NEEDS_AP_ATOMIC, FALSE, NULL, NULL,
     "kernel/sched/core.c sched_cpu_starting(): sched_core_cpu_starting(), sched_rq_cpu_starting() and "
     "sched_tick_start() on the AP's own runqueue, IRQs off, before set_cpu_online() "
     "(include/linux/cpuhotplug.h: CPUHP_AP_SCHED_STARTING is an AP state of the STARTING section)"},
    {"irqchip/arm/gicv3:starting", CPUHP_NEEDS_AP_ATOMIC, FALSE, NULL, NULL,
     "drivers/irqchip/irq-gic-v3.c gic_starting_cpu(): gic_cpu_init() programs this CPU's redistributor "
     "and CPU interface"},
    {"clockevents/arm/arch_timer:starting", CPUHP_NEEDS_AP_ATOMIC, FALSE, NULL, NULL,
     "drivers/clocksource/arm_arch_timer.c arch_timer_starting_cpu(): this_cpu_ptr(arch_timer_evt), "
     "enable_percpu_irq()"},
    {"hrtimers:dying", CPUHP_NEEDS_AP_ATOMIC, FALSE, NULL, HRTIMER_BASES,
     "kernel/time/hrtimer.c hrtimers_cpu_starting(): this_cpu_ptr(&hrtimer_bases), marks the AP's bases "
     "online"},
    {"perf:online", CPUHP_NEEDS_ANY, TRUE, NULL, NULL,
     "kernel/events/core.c perf_event_init_cpu(): kzalloc_node(GFP_KERNEL), mutex_lock(&pmus_lock)"},
    {"tmigr:online", CPUHP_NEEDS_AP_THREAD, FALSE, NULL, TMIGR_GROUP,
     "kernel/time/timer_migration.c tmigr_cpu_online(): this_cpu_ptr(&tmigr_cpu), WARN_ON_ONCE(!tmc->tmgroup): "
     "the group tmigr_cpu_prepare() set up"},
    {"workqueue:online", CPUHP_NEEDS_ANY, TRUE, NULL, WORKER_POOLS,
     "kernel/workqueue.c workqueue_online_cpu(): mutex_lock(&wq_pool_mutex), rebind_workers() on each of "
     "the AP's pools"},
    {"RCU/tree:online", CPUHP_NEEDS_ANY, FALSE, NULL, RCU_DATA,
     "kernel/rcu/tree.c rcutree_online_cpu(): per_cpu_ptr(&rcu_data, cpu), its leaf node's ffmask"},
};

const CpuhpRequirement *cpuhp_requirement_providing(const char *what) {
  for (guint i = 0; i < G_N_ELEMENTS(requirements); i++)
    if (g_strcmp0(requirements[i].provides, what) == 0) return &requirements[i];
  return NULL;
}

const CpuhpRequirement *cpuhp_requirement(const CpuhpTable *t, const CpuhpStep *s) {
  const CpuhpRequirement *own = cpuhp_table_requirement(t, s->name);
  if (own) return own;
  for (guint i = 0; i < G_N_ELEMENTS(requirements); i++)
    if (g_str_equal(requirements[i].name, s->name)) return &requirements[i];
  return NULL;
}

static const char *const context_names[] = {"any", "bp", "ap-atomic", "ap-thread"};
G_STATIC_ASSERT(G_N_ELEMENTS(context_names) == CPUHP_NEEDS_N);

const char *cpuhp_context_name(CpuhpContext c) { return context_names[c]; }

gboolean cpuhp_context_parse(const char *text, CpuhpContext *out) {
  for (guint i = 0; i < CPUHP_NEEDS_N; i++)
    if (g_str_equal(text, context_names[i])) {
      *out = (CpuhpContext)i;
      return TRUE;
    }
  return FALSE;
}
