/*
 * cli.h - the subcommands of the flexpool binary. Each takes the arguments after its name and
 * returns the process exit status.
 */
#ifndef FP_APP_CLI_H
#define FP_APP_CLI_H

#include <stdbool.h>

int fp_cli_serve(int argc, char **argv);
int fp_cli_demo(int argc, char **argv);
int fp_cli_user_add(int argc, char **argv);
/* `flexpool user reset-second-factor --email E`: removes a user's TOTP second factor and recovery
   codes (a lost phone and lost codes); a system administrator sets one up again at next sign-in. */
int fp_cli_user_reset_second_factor(int argc, char **argv);
int fp_cli_import_postcodes(int argc, char **argv);
int fp_cli_import_ods(int argc, char **argv);
int fp_cli_import_pcn(int argc, char **argv);
/* Prints "METHOD PATTERN" for every route, one a line; with_query adds " ?name name", the query
   parameters it takes (tests compare both with docs/openapi.yaml). */
int fp_cli_routes(bool with_query);
/* flexpool migrate [--data-dir DIR] [--database URL] */
int fp_cli_migrate(int argc, char **argv);
/* flexpool copy --from-data-dir DIR [--from-database URL] --to-data-dir DIR [--to-database URL] */
int fp_cli_copy(int argc, char **argv);
/* flexpool backup [--data-dir DIR] BACKUP; flexpool restore --data-dir NEWDIR BACKUP (store/backup.h) */
int fp_cli_backup(int argc, char **argv);
int fp_cli_restore(int argc, char **argv);
/* Prints the API error table: "STATUS code" a line. */
int fp_cli_errors(void);

#endif
