/* commands.h - the subcommands of the flamer command.
 *
 * Each takes the arguments after its name (argv[0] is the subcommand name)
 * and returns a process exit code from enum flamer_exit (common/error.h),
 * having printed any error itself, once.
 */
#ifndef FLAMER_COMMANDS_H
#define FLAMER_COMMANDS_H

int cmd_record(int argc, char **argv);  /* profiler/cmd_record.c */
int cmd_collapse(int argc, char **argv); /* collapse/cmd_collapse.c */
int cmd_svg(int argc, char **argv);     /* render/cmd_svg.c */
int cmd_diff(int argc, char **argv);    /* render/cmd_diff.c */
int cmd_dump(int argc, char **argv);    /* dump/cmd_dump.c */
int cmd_top(int argc, char **argv);     /* profiler/cmd_top.c */

#endif
