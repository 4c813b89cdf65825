/*
 * phrase_snapshot_none.c: no phrase snapshot, for the build-time tools (formgen, phrasegen)
 * that link the library before the snapshot exists.  The index is then built.
 */
#include "rules.h"

const rl_phrase_snapshot replylint__phrase_snapshot = {0};
