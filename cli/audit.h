/*
 * audit.h: `replylint audit`, the QA audit of exported tickets (JSON Lines or CSV).
 *
 * The command is self-contained: it parses its own options (see `replylint audit --help`
 * and docs/audit.md) so that the rest of the command-line tool only has to dispatch to it.
 */
#ifndef REPLYLINT_CLI_AUDIT_H
#define REPLYLINT_CLI_AUDIT_H

/*
 * Run the audit with the arguments that follow the word "audit" (argv[0] is the first
 * of them; argv need not be NULL-terminated).  Returns the exit status: 0 all tickets
 * checked and none failed --fail-level, 1 rows rejected or findings at --fail-level,
 * 2 usage, I/O or rule-file errors.  Standard output is written but not flushed for
 * the last time: the caller checks that the final flush succeeds.
 */
int audit_main(int argc, char **argv);

#endif /* REPLYLINT_CLI_AUDIT_H */
