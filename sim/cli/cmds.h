/* cmds.h — the cpuhpsim subcommands. Each takes its own argv (argv[0] = subcommand name) and
 * returns the process exit status: 0 success, 1 run-time failure (e.g. cannot write an output),
 * 2 bad input (flags, profile). Errors are one line on stderr. */
#pragma once

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_states(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_policies(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_plot(int argc, char **argv);
