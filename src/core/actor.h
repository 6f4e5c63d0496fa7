/*
 * actor.h - who is acting: a user, their roles and the time, as the core's rules and the store's
 * write transactions see them. Built by the HTTP layer from the session (fp_actor_from_auth); a
 * transaction never sees the HTTP request. Depends on core/time.h only.
 */
#ifndef FP_CORE_ACTOR_H
#define FP_CORE_ACTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/time.h"

enum fp_role_kind { FP_ROLE_SYSADMIN = 0, FP_ROLE_COMMISSIONER, FP_ROLE_POOL_ADMIN, FP_ROLE_PRACTICE_MANAGER, FP_ROLE_CLINICIAN };

struct fp_role {
  enum fp_role_kind kind;
  int64_t organisation_id; /* 0 when none */
  int64_t pool_id;         /* 0 when none */
};

struct fp_actor {
  int64_t user_id;          /* 0: nobody signed in */
  int64_t clinician_id;     /* 0 unless the user is a clinician */
  int64_t session_id;       /* the session acting (0 outside a request: the CLI, the upkeep) */
  const struct fp_role *roles; /* borrowed: every role the user holds */
  int n_roles;
  fp_time now;
};

/* Whether the actor holds a role of this kind (anywhere). */
bool fp_actor_has(const struct fp_actor *a, enum fp_role_kind kind);
/* Whether the actor holds it for this organisation (for a pool administrator: this pool). */
bool fp_actor_has_for(const struct fp_actor *a, enum fp_role_kind kind, int64_t id);

#endif
