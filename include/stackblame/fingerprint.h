/* fingerprint.h: a short hash of a finding's shape, so that a ticket or a
 * fleet can say "the same bug as last time". The shape is what does not
 * change between snapshots, hosts and runs of the same bug: function
 * names, wait kinds, lock sites, the rule. Never goroutine ids,
 * addresses, minutes, file paths or which waiter a chain starts from. */
#ifndef STACKBLAME_FINGERPRINT_H
#define STACKBLAME_FINGERPRINT_H

#include <stdint.h>
#include "stackblame/blame.h"
#include "stackblame/crash.h"
#include "stackblame/stuck.h"

/* Printed as 8 lowercase hex digits: "3f9c1a2b". */
#define SB_FP_TEXT 9

/* A chain: the wait of its first link (kind and what it waits in), then
 * from the first holder to the root each link's function and wait. */
uint32_t sb_fp_chain(const sb_model *m, const sb_classes *c, const sb_chain *ch);
/* A cycle: its members' functions and waits, whichever member it starts at. */
uint32_t sb_fp_cycle(const sb_model *m, const sb_classes *c, const sb_cycle *cy);
/* A stuck finding: its rule, wait kind and function. */
uint32_t sb_fp_stuck(const sb_model *m, const sb_stuck *s);
/* A crash: its reason with numbers and addresses blanked, and its function. */
uint32_t sb_fp_crash(const sb_model *m, const sb_crash *c);
/* fp as text into buf (SB_FP_TEXT bytes). */
const char *sb_fp_text(uint32_t fp, char buf[SB_FP_TEXT]);

#endif
