/* unit.h -- the unit chain: a unit and its ancestors, the one rule for inheritance.
 *
 * A procedure, holiday, letter template or message sender defined on a unit holds for every
 * unit below it; who may see a unit's pages follows the same tree (account_can_access). All
 * of these walk the chain from the unit up to the root, and all of them stop at the same
 * depth: UNIT_CHAIN_MAX. The tree never grows deeper than that (account_unit_save refuses a
 * unit below a parent already at the limit), so a chain is never cut short.
 *
 * SQL that filters by the chain writes "unit_id IN " UNIT_CHAIN_IN and binds the whole chain
 * with unit_chain_bind: every level, the unused ones as -1 (no unit has that id). */
#ifndef TT_UNIT_H
#define TT_UNIT_H

#include <stdbool.h>
#include <stdint.h>

#include "../store/db.h"

#define UNIT_CHAIN_MAX 8
/* UNIT_CHAIN_MAX placeholders */
#define UNIT_CHAIN_IN "(?, ?, ?, ?, ?, ?, ?, ?)"
_Static_assert(sizeof UNIT_CHAIN_IN == 3 * UNIT_CHAIN_MAX + 1, "UNIT_CHAIN_IN binds UNIT_CHAIN_MAX units");

/* The other direction: the CTE sub(id, depth) holds the unit ?1 and the units below it, down
 * to UNIT_CHAIN_MAX levels; more_sql ("" or " AND ...") limits the descent further. SQL then
 * says "unit_id IN (SELECT id FROM sub)". */
#define UNIT_STR_(x) #x
#define UNIT_STR(x) UNIT_STR_(x)
#define UNIT_SUBTREE_CTE(more_sql)                                                                          \
    "WITH RECURSIVE sub(id, depth) AS (SELECT ?1, 1 UNION ALL SELECT u.id, sub.depth + 1 FROM units u "     \
    "JOIN sub ON u.parent_id = sub.id WHERE sub.depth < " UNIT_STR(UNIT_CHAIN_MAX) more_sql ") "

typedef struct {
    int64_t id[UNIT_CHAIN_MAX];   /* nearest first: id[0] is the unit itself */
    int n;                        /* 0 when the unit is unknown */
} unit_chain;

/* The unit and its ancestors; returns c->n. */
int unit_chain_of(db *d, int64_t unit_id, unit_chain *c);
/* Is id the unit or one of its ancestors? */
bool unit_chain_has(const unit_chain *c, int64_t id);
/* Binds the UNIT_CHAIN_MAX placeholders of UNIT_CHAIN_IN, the first being number first. */
void unit_chain_bind(db_stmt *s, int first, const unit_chain *c);

#endif
