/* actor.c - who is acting. See actor.h. */
#include "core/actor.h"

bool fp_actor_has(const struct fp_actor *a, enum fp_role_kind kind) {
  for (int i = 0; i < a->n_roles; i++)
    if (a->roles[i].kind == kind) return true;
  return false;
}

bool fp_actor_has_for(const struct fp_actor *a, enum fp_role_kind kind, int64_t id) {
  for (int i = 0; i < a->n_roles; i++) {
    if (a->roles[i].kind != kind) continue;
    int64_t have = kind == FP_ROLE_POOL_ADMIN ? a->roles[i].pool_id : a->roles[i].organisation_id;
    if (have == id) return true;
  }
  return false;
}
