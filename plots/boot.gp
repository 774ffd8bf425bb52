# boot.gp — the whole boot by phase, stacked, one bar per machine size: phases.gp's figure with
# the boot's four phases (VMM, kernel entry to smp_init, the window, smp_init to /init).
load plots . "/phases.gp"
