/* commands.h - every subcommand, one per cmd_<name>.c. */
#ifndef SCHOUW_COMMANDS_H
#define SCHOUW_COMMANDS_H

#include "cli.h"

int cmd_init(struct sw_cli *cli, int argc, char **argv);
int cmd_log(struct sw_cli *cli, int argc, char **argv);
int cmd_list(struct sw_cli *cli, int argc, char **argv);
int cmd_show(struct sw_cli *cli, int argc, char **argv);
int cmd_set(struct sw_cli *cli, int argc, char **argv);
int cmd_delete(struct sw_cli *cli, int argc, char **argv);
int cmd_history(struct sw_cli *cli, int argc, char **argv);
int cmd_forms(struct sw_cli *cli, int argc, char **argv);
int cmd_summary(struct sw_cli *cli, int argc, char **argv);
int cmd_import(struct sw_cli *cli, int argc, char **argv);
int cmd_export(struct sw_cli *cli, int argc, char **argv);
int cmd_check(struct sw_cli *cli, int argc, char **argv);
int cmd_profile(struct sw_cli *cli, int argc, char **argv);
int cmd_config(struct sw_cli *cli, int argc, char **argv);
int cmd_areas(struct sw_cli *cli, int argc, char **argv);
int cmd_map(struct sw_cli *cli, int argc, char **argv);
int cmd_photo(struct sw_cli *cli, int argc, char **argv);
int cmd_user(struct sw_cli *cli, int argc, char **argv);
int cmd_serve(struct sw_cli *cli, int argc, char **argv);
int cmd_doctor(struct sw_cli *cli, int argc, char **argv);
int cmd_report(struct sw_cli *cli, int argc, char **argv);
int cmd_merge(struct sw_cli *cli, int argc, char **argv);
int cmd_conflicts(struct sw_cli *cli, int argc, char **argv);
int cmd_resolve(struct sw_cli *cli, int argc, char **argv);
int cmd_push(struct sw_cli *cli, int argc, char **argv);
int cmd_pull(struct sw_cli *cli, int argc, char **argv);

#endif
