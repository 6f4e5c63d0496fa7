/*
 * Pools: a flexible staff pool hosted by one organisation (usually an ICB or a place), with
 * practices and clinicians as members.
 *   POST /api/v1/pools: a system administrator, or a commissioner of the host's ICB, sets one up;
 *     the indicative rates default to the NHS guidance's figures.
 *   GET /api/v1/pools, GET /api/v1/pools/{id}: every signed-in user (clinicians choose a pool to
 *     ask to join); the single pool carries its member counts.
 *   PATCH /api/v1/pools/{id} {name, hourly_rate_pence, session_rate_pence, opened_on}: the pool's
 *     administrators (and system administrators) keep its name and indicative rates; a
 *     commissioner changes nothing.
 *   GET|POST /api/v1/pools/{id}/roles: the custom shift roles a pool adds to the catalogue (its
 *     administrators add them; every signed-in user reads them, as GET /api/v1/professions shows
 *     them to anyone). A code is global: two pools cannot add the same one.
 *   GET|POST /api/v1/pools/{id}/members, DELETE /api/v1/pools/{id}/members/{member_id}: the pool's
 *     administrators (and system administrators) admit and remove practices and clinicians;
 *     commissioners of the pool's ICB read the list. Admitting a clinician answers their pending
 *     request to join, if they made one.
 *   POST /api/v1/pools/{id}/join-requests: a clinician asks to join; GET lists them for the pool's
 *     administrators; POST /api/v1/join-requests/{id}/accept|decline answers one, and the
 *     clinician who asked may withdraw it (POST /api/v1/join-requests/{id}/withdraw) while it is
 *     pending. GET /api/v1/me/join-requests: the clinician's own requests, newest first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/eligibility.h"
#include "core/error.h"
#include "core/profession.h"
#include "core/time.h"
#include "core/working_time.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/accounts.h"
#include "store/members.h"
#include "store/offers.h"
#include "store/places.h"

static const char *const MEMBER_KINDS[] = {"clinician", "organisation", NULL};
static const char *const JOIN_STATUSES[] = {"pending", "accepted", "declined", "withdrawn", NULL};

#define MAX_RATE_PENCE 10000000

static bool one_of(const char *s, const char *const *choices) {
  for (; *choices; choices++)
    if (strcmp(s, *choices) == 0) return true;
  return false;
}

/* Admits and removes members, answers join requests. */
static bool can_manage(const struct fp_auth *a, const struct fp_pool *p) {
  return fp_auth_has(a, FP_ROLE_SYSADMIN) || fp_auth_has_for(a, FP_ROLE_POOL_ADMIN, p->id);
}

/* Reads the members and join requests. */
static bool can_read_members(const struct fp_auth *a, const struct fp_pool *p) {
  return can_manage(a, p) || (p->icb_id && fp_auth_has_for(a, FP_ROLE_COMMISSIONER, p->icb_id));
}

/* The day the pool first became available: as recorded, or null. */
static json_t *opened_on_json(const struct fp_pool *p) {
  return p->opened_on == FP_DAY_NONE ? json_null() : fp_json_date((int32_t)p->opened_on);
}

static json_t *pool_json(const struct fp_pool *p) {
  json_t *j = json_pack("{s:I, s:s, s:I, s:s, s:o, s:I, s:I, s:I, s:I, s:b, s:o}", "id", (json_int_t)p->id, "name", p->name,
                   "host_organisation_id", (json_int_t)p->host_organisation_id, "host_name", p->host_name, "icb_id",
                   fp_json_id(p->icb_id), "hourly_rate_pence", (json_int_t)p->hourly_rate_pence, "session_rate_pence",
                   (json_int_t)p->session_rate_pence, "max_worked_minutes_24h", (json_int_t)p->max_worked_minutes_24h,
                   "min_rest_minutes_24h", (json_int_t)p->min_rest_minutes_24h, "overflow", p->overflow, "created_at",
                   fp_json_time(p->created_at));
  if (j) json_object_set_new(j, "opened_on", opened_on_json(p));
  return j;
}


/* The pool with its member counts (and the pending requests for those who answer them). */
static json_t *pool_json_counted(const struct fp_pool *p, const struct fp_auth *a) {
  json_t *j = pool_json(p);
  json_object_set_new(j, "member_counts", json_pack("{s:I, s:I}", "clinicians", (json_int_t)p->n_clinicians,
                                                    "practices", (json_int_t)p->n_practices));
  if (can_read_members(a, p)) json_object_set_new(j, "pending_join_requests", json_integer(p->n_pending_requests));
  return j;
}

static json_t *member_json(const struct fp_pool_member *m) {
  json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:o}", "id", (json_int_t)m->id, "pool_id", (json_int_t)m->pool_id, "kind",
                        m->clinician_id ? "clinician" : "organisation", "name", m->name, "added_at",
                        fp_json_time(m->added_at));
  if (m->clinician_id) {
    json_object_set_new(j, "clinician_id", json_integer(m->clinician_id));
    json_object_set_new(j, "profession", json_string(m->detail));
  } else {
    json_object_set_new(j, "organisation_id", json_integer(m->organisation_id));
    json_object_set_new(j, "ods_code", json_string(m->detail));
  }
  return j;
}

static json_t *join_json(const struct fp_join_request *jr) {
  json_t *j = json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:o, s:s, s:o, s:o}", "id", (json_int_t)jr->id, "pool_id",
                        (json_int_t)jr->pool_id, "pool_name", jr->pool_name, "clinician_id",
                        (json_int_t)jr->clinician_id, "clinician_name", jr->clinician_name, "profession",
                        jr->profession, "registration_number", fp_json_str_or_null(jr->registration_number), "status",
                        jr->status, "message", fp_json_str_or_null(jr->message), "created_at",
                        fp_json_time(jr->created_at));
  json_object_set_new(j, "decided_at", fp_json_time_or_null(jr->decided_at));
  json_object_set_new(j, "reason", fp_json_str_or_null(jr->reason));
  return j;
}

/* Audits with a JSON document built by the caller (taken). */
static int audit_json(struct fp_conn *c, const struct fp_actor *a, const char *action, const char *entity, int64_t id,
                      json_t *before, json_t *after) {
  char *b = before ? json_dumps(before, JSON_COMPACT) : NULL;
  char *after_text = after ? json_dumps(after, JSON_COMPACT) : NULL;
  json_decref(before);
  json_decref(after);
  int rc = fp_store_audit(c, a->now, a->user_id, action, entity, id, b, after_text);
  free(b);
  free(after_text);
  return rc;
}

/* Loads pool params[0] after rc, the outcome of what came before (0 for a plain read, a write's for
 * a change): answers 404 when there is no such pool, the store's error when rc or the read failed. */
static int pool_after_or_respond(struct fp_req *r, int rc, struct fp_conn *c, struct fp_pool *p) {
  if (rc == 0) rc = c ? fp_store_pool_get(c, r->params[0], p) : FP_EIO;
  return fp_found_or_respond(r, rc, "pool", r->params[0]);
}

/* Loads pool params[0]; answers 404 when there is none. */
static int load_pool_or_respond(struct fp_req *r, struct fp_conn *c, struct fp_pool *p) {
  return pool_after_or_respond(r, 0, c, p);
}

/* Loads pool params[0] (404 when there is none) for a caller who may do what `may` allows of it
 * (403 with the message `forbidden` otherwise). */
static int pool_for_or_respond(struct fp_req *r, struct fp_conn *c,
                               bool (*may)(const struct fp_auth *a, const struct fp_pool *p), const char *forbidden,
                               struct fp_pool *p) {
  if (load_pool_or_respond(r, c, p)) return -1;
  if (may(&r->auth, p)) return 0;
  fp_reply_error(r, FP_API_FORBIDDEN, NULL, "%s", forbidden);
  return -1;
}

/* ---- pools ---- */

struct create_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  struct fp_pool p;
  int64_t id;
};

static int create_tx(struct fp_conn *c, void *vctx) {
  struct create_ctx *x = vctx;
  int rc = fp_store_pool_insert(c, &x->p, x->actor.now, &x->id);
  if (rc) return rc;
  return audit_json(c, &x->actor, "pool.create", "pool", x->id, NULL,
                    json_pack("{s:s, s:I, s:I, s:I}", "name", x->p.name, "host_organisation_id",
                              (json_int_t)x->p.host_organisation_id, "hourly_rate_pence",
                              (json_int_t)x->p.hourly_rate_pence, "session_rate_pence",
                              (json_int_t)x->p.session_rate_pence));
}

void fp_h_pool_create(struct fp_req *r) {
  /* The commissioner reads everything in their ICB and changes nothing: pools are set up by a
     system administrator. */
  if (fp_role_or_respond(r, FP_ROLE_SYSADMIN, "only a system administrator can set up a pool")) return;
  struct create_ctx x;
  memset(&x, 0, sizeof x);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  const char *name = NULL;
  x.p.hourly_rate_pence = FP_POOL_DEFAULT_HOURLY_PENCE;
  x.p.session_rate_pence = FP_POOL_DEFAULT_SESSION_PENCE;
  struct fp_field spec[] = {
      {"name", FP_F_STRING, true, 1, 200, NULL, &name, NULL},
      {"host_organisation_id", FP_F_INT, true, 1, INT64_MAX, NULL, &x.p.host_organisation_id, NULL},
      {"hourly_rate_pence", FP_F_INT, false, 0, MAX_RATE_PENCE, NULL, &x.p.hourly_rate_pence, NULL},
      {"session_rate_pence", FP_F_INT, false, 0, MAX_RATE_PENCE, NULL, &x.p.session_rate_pence, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  snprintf(x.p.name, sizeof x.p.name, "%s", name);
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_org host;
  int rc = c ? fp_store_org_get(c, x.p.host_organisation_id, &host) : FP_EIO;
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "host_organisation_id", "organisation %lld does not exist",
                   (long long)x.p.host_organisation_id);
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_org_clear(&host);
  rc = fp_store_write(r->app->store, create_tx, &x);
  struct fp_pool saved;
  if (rc == 0) rc = fp_store_pool_get(c, x.id, &saved);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 201, pool_json_counted(&saved, &r->auth));
}

static void add_pool(const struct fp_pool *p, void *ctx) {
  fp_page_add(ctx, pool_json(p), 0, p->id);
}

void fp_h_pool_list(struct fp_req *r) {
  int limit = 50;
  int64_t after = 0;
  if (fp_limit_or_respond(r, &limit) || fp_id_cursor_parse_or_respond(r, &after)) return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_page ps;
  fp_page_init(&ps, NULL);
  bool more = false;
  int rc = c ? fp_store_pool_list(c, 0, after, limit, add_pool, &ps, &more) : FP_EIO;
  fp_reply_page(r, &ps, rc, more, false);
}

void fp_h_pool_get(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_pool p;
  if (load_pool_or_respond(r, c, &p)) return;
  fp_reply_json(r, 200, pool_json_counted(&p, &r->auth));
}

static json_t *pool_rates_json(const struct fp_pool *p) {
  return json_pack("{s:s, s:I, s:I, s:I, s:I, s:b, s:o}", "name", p->name, "hourly_rate_pence",
                   (json_int_t)p->hourly_rate_pence, "session_rate_pence", (json_int_t)p->session_rate_pence,
                   "max_worked_minutes_24h", (json_int_t)p->max_worked_minutes_24h, "min_rest_minutes_24h",
                   (json_int_t)p->min_rest_minutes_24h, "overflow", p->overflow, "opened_on", opened_on_json(p));
}

struct patch_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  int64_t target; /* the pool */
  const char *name;
  int64_t hourly, session, worked, rest;
  bool has_hourly, has_session, has_worked, has_rest;
  bool overflow, has_overflow;
  fp_day opened_on;
  bool has_opened_on;
  struct fp_refusal why; /* out, with FP_EREFUSED */
};

static int patch_tx(struct fp_conn *c, void *vctx) {
  struct patch_ctx *x = vctx;
  struct fp_pool p;
  int rc = fp_store_pool_get(c, x->target, &p);
  if (rc) return rc;
  json_t *before = pool_rates_json(&p);
  if (x->name) snprintf(p.name, sizeof p.name, "%s", x->name);
  if (x->has_hourly) p.hourly_rate_pence = x->hourly;
  if (x->has_session) p.session_rate_pence = x->session;
  if (x->has_worked) p.max_worked_minutes_24h = x->worked;
  if (x->has_rest) p.min_rest_minutes_24h = x->rest;
  if (x->has_overflow) p.overflow = x->overflow;
  if (x->has_opened_on) p.opened_on = x->opened_on;
  /* Overflow is between the pools of one ICB: a pool in none has nobody's to receive. */
  if (x->has_overflow && x->overflow && !p.icb_id)
    return fp_refuse(&x->why, FP_API_INVALID_FIELD, "overflow", p.id,
                     "the pool belongs to no ICB, so there are no other pools of its ICB to receive shifts from");
  /* Each value was checked at the door; together with the pool's other value they must fit in a day. */
  struct fp_wt_limits lim = {(int32_t)p.max_worked_minutes_24h, (int32_t)p.min_rest_minutes_24h};
  if (!fp_wt_limits_valid(&lim)) {
    json_decref(before);
    return fp_refuse(&x->why, FP_API_INVALID_FIELD, x->has_rest ? "min_rest_minutes_24h" : "max_worked_minutes_24h", p.id,
                     "the most work and the least rest in 24 hours must add up to 24 hours (1440 minutes) at most");
  }
  json_t *after = pool_rates_json(&p);
  if (json_equal(before, after)) {
    /* Nothing changes, so nothing is written or recorded. */
    json_decref(before);
    json_decref(after);
    return 0;
  }
  if ((rc = fp_store_pool_update(c, &p)) != 0) {
    json_decref(before);
    json_decref(after);
    return rc;
  }
  return audit_json(c, &x->actor, "pool.update", "pool", p.id, before, after);
}

void fp_h_pool_patch(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_pool p;
  if (pool_for_or_respond(r, c, can_manage, "only the pool's administrators can change it", &p)) return;
  struct patch_ctx x = {.target = r->params[0]};
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  struct fp_field spec[] = {
      {"name", FP_F_STRING, false, 1, 200, NULL, &x.name, NULL},
      {"hourly_rate_pence", FP_F_INT, false, 0, MAX_RATE_PENCE, NULL, &x.hourly, &x.has_hourly},
      {"session_rate_pence", FP_F_INT, false, 0, MAX_RATE_PENCE, NULL, &x.session, &x.has_session},
      {"max_worked_minutes_24h", FP_F_INT, false, 60, 1440, NULL, &x.worked, &x.has_worked},
      {"min_rest_minutes_24h", FP_F_INT, false, 0, 1380, NULL, &x.rest, &x.has_rest},
      {"overflow", FP_F_BOOL, false, 0, 0, NULL, &x.overflow, &x.has_overflow},
      {"opened_on", FP_F_DATE, false, 0, 0, NULL, &x.opened_on, &x.has_opened_on},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  if (x.has_opened_on && x.opened_on > fp_uk_day(r->now)) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "opened_on", "'opened_on' is the day the pool first became available: not a day to come");
    return;
  }
  int rc = fp_store_write(r->app->store, patch_tx, &x);
  if (rc == FP_EREFUSED) {
    fp_reply_refusal(r, &x.why);
    return;
  }
  if (pool_after_or_respond(r, rc, c, &p)) return;
  fp_reply_json(r, 200, pool_json_counted(&p, &r->auth));
}

/* ---- custom roles ---- */

#define ROLE_CODE_MIN 2
#define ROLE_CODE_MAX 40

/* Lowercase letters, digits and underscores, like the built-in codes. */
static bool role_code_valid(const char *code) {
  size_t n = strlen(code);
  if (n < ROLE_CODE_MIN || n > ROLE_CODE_MAX) return false;
  for (const char *p = code; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return false;
  return true;
}

static json_t *role_json(const struct fp_custom_role *role) {
  return json_pack("{s:s, s:s, s:o, s:b, s:o}", "code", role->code, "name", role->name, "pool_id",
                   fp_json_id(role->pool_id), "custom", 1, "created_at", fp_json_time(role->created_at));
}

struct role_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  int64_t pool_id;
  const char *code, *name;
  int64_t id;
};

static int role_tx(struct fp_conn *c, void *vctx) {
  struct role_ctx *x = vctx;
  int rc = fp_store_custom_role_insert(c, x->code, x->name, x->pool_id, x->actor.now, &x->id);
  if (rc) return rc;
  return audit_json(c, &x->actor, "role.create", "custom_role", x->id, NULL,
                    json_pack("{s:s, s:s, s:I}", "code", x->code, "name", x->name, "pool_id", (json_int_t)x->pool_id));
}

void fp_h_pool_role_create(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_pool p;
  if (pool_for_or_respond(r, c, can_manage, "only the pool's administrators can add roles to it", &p)) return;
  struct role_ctx x = {.pool_id = p.id};
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  struct fp_field spec[] = {
      {"code", FP_F_STRING, true, 1, 64, NULL, &x.code, NULL},
      {"name", FP_F_STRING, true, 1, 200, NULL, &x.name, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  if (!role_code_valid(x.code)) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "code",
                   "a role code is %d to %d lowercase letters, digits or underscores, e.g. 'first_contact_mh'",
                   ROLE_CODE_MIN, ROLE_CODE_MAX);
    return;
  }
  if (fp_profession_find(x.code)) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "code", "'%s' is a built-in profession; a custom role needs its own code",
                   x.code);
    return;
  }
  int rc = fp_store_write(r->app->store, role_tx, &x);
  if (rc == FP_ECONFLICT) {
    fp_reply_error(r, FP_API_ROLE_EXISTS, "code", "there is already a role '%s'", x.code);
    return;
  }
  struct fp_custom_role role;
  if (rc == 0) rc = fp_store_custom_role_get(c, x.code, &role);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 201, role_json(&role));
}

static void add_role(const struct fp_custom_role *role, void *ctx) { json_array_append_new(ctx, role_json(role)); }

void fp_h_pool_role_list(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_pool p;
  if (load_pool_or_respond(r, c, &p)) return;
  json_t *items = json_array();
  int rc = fp_store_pool_role_list(c, p.id, add_role, items);
  if (rc) {
    json_decref(items);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, fp_json_page(items, NULL));
}

/* ---- members ---- */

/* After reading member params[1] of pool p (rc): 0 when it was read; otherwise answers 404 "pool
 * has no member" or the store's error, and returns -1. */
static int member_found_or_respond(struct fp_req *r, int rc, const struct fp_pool *p) {
  if (rc == 0) return 0;
  if (rc == FP_ENOTFOUND)
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "pool %lld has no member %lld", (long long)p->id, (long long)r->params[1]);
  else fp_reply_store_error(r, rc);
  return -1;
}

struct pool_list;

/* A list of a pool's people (its members, its join requests): who may not read it, the one filter
 * it takes (its name, values and the message when another is given), its sorts, and the store's
 * list that fills the page. */
struct pool_list_spec {
  const char *forbidden;
  const char *filter;
  const char *const *filter_values;
  const char *filter_invalid;
  const char *const sorts[4];
  int (*list)(struct fp_conn *c, struct pool_list *l);
};

/* What such a list read from the request, and the page it fills. */
struct pool_list {
  struct fp_pool pool;
  const char *filter;     /* NULL: not given */
  const char *profession; /* NULL: any */
  struct fp_list_params lp;
  struct fp_page page;
  bool more;
  struct fp_list_pos last;
};

/* Loads the pool (404), checks the caller may read its people (403) and reads the filter, the list
 * parameters and the profession (400 naming the parameter); then starts the page. */
static int pool_list_or_respond(struct fp_req *r, struct fp_conn *c, const struct pool_list_spec *spec,
                                struct pool_list *l) {
  memset(l, 0, sizeof *l);
  if (pool_for_or_respond(r, c, can_read_members, spec->forbidden, &l->pool)) return -1;
  l->filter = fp_req_query(r, spec->filter);
  if (l->filter && !one_of(l->filter, spec->filter_values)) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, spec->filter, "%s", spec->filter_invalid);
    return -1;
  }
  if (fp_list_params_or_respond(r, spec->sorts, &l->lp) || fp_profession_param_or_respond(r, &l->profession)) return -1;
  fp_page_init(&l->page, NULL);
  return 0;
}

/* GET a list of the pool's people: the checks above, then the page the spec's list fills. */
static void reply_pool_list(struct fp_req *r, const struct pool_list_spec *spec) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct pool_list l;
  if (pool_list_or_respond(r, c, spec, &l)) return;
  int rc = spec->list(c, &l);
  fp_reply_list(r, &l.page, rc, l.more, &l.lp, &l.last);
}

static void add_member(const struct fp_pool_member *m, void *ctx) {
  fp_page_add(ctx, member_json(m), 0, m->id);
}

static int list_members(struct fp_conn *c, struct pool_list *l) {
  struct fp_member_query q = {.pool_id = l->pool.id, .kind = l->filter, .profession = l->profession, .q = l->lp.q,
                              .sort = (enum fp_member_sort)l->lp.sort, .limit = l->lp.limit, .after = l->lp.after};
  return fp_store_pool_member_list(c, &q, add_member, &l->page, &l->more, &l->last);
}

void fp_h_pool_members(struct fp_req *r) {
  static const struct pool_list_spec SPEC = {
      "only the pool's administrators and commissioners see its members", "kind", MEMBER_KINDS,
      "'kind' must be clinician or organisation", {"name", "newest", "oldest", NULL}, list_members};
  reply_pool_list(r, &SPEC);
}

static void reply_pool_limit(struct fp_req *r, int64_t clinician_id) {
  fp_reply_error(r, FP_API_LIMIT_REACHED, "clinician_id",
                 "clinician %lld is a member of %d pools already, the most one clinician may join: they must leave one first",
                 (long long)clinician_id, FP_MAX_CLINICIAN_POOLS);
}

struct add_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  int64_t pool_id, clinician_id, organisation_id;
  int64_t id, join_request_id;
  bool already;
};

/* Adds a member, answering the clinician's pending join request if there is one. */
static int add_member_tx(struct fp_conn *c, struct add_ctx *x) {
  x->already = false; /* the transaction may run again */
  bool member = false;
  int rc = fp_store_pool_has_member(c, x->pool_id, x->clinician_id, x->organisation_id, &member);
  if (rc) return rc;
  if (member) {
    x->already = true;
    return 1;
  }
  rc = fp_store_pool_member_insert(c, x->pool_id, x->clinician_id, x->organisation_id, x->actor.user_id, x->actor.now,
                                   &x->id);
  if (rc) return rc;
  int64_t answered = 0;
  if (x->clinician_id &&
      (rc = fp_store_join_request_accept_pending(c, x->pool_id, x->clinician_id, x->actor.user_id, x->actor.now,
                                                 &answered)) != 0)
    return rc;
  /* Accepting a request sets join_request_id itself (that request is no longer pending here). */
  if (answered) x->join_request_id = answered;
  json_t *after = json_pack("{s:I, s:o, s:o, s:o}", "pool_id", (json_int_t)x->pool_id, "clinician_id",
                            fp_json_id(x->clinician_id), "organisation_id", fp_json_id(x->organisation_id),
                            "join_request_id", fp_json_id(x->join_request_id));
  return audit_json(c, &x->actor, "pool.member_add", "pool_member", x->id, NULL, after);
}

static int add_tx(struct fp_conn *c, void *vctx) { return add_member_tx(c, vctx); }

void fp_h_pool_member_add(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_pool p;
  if (pool_for_or_respond(r, c, can_manage, "only the pool's administrators can admit members", &p)) return;
  struct add_ctx x;
  memset(&x, 0, sizeof x);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  x.pool_id = p.id;
  struct fp_field spec[] = {
      {"clinician_id", FP_F_INT, false, 1, INT64_MAX, NULL, &x.clinician_id, NULL},
      {"organisation_id", FP_F_INT, false, 1, INT64_MAX, NULL, &x.organisation_id, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  if (!x.clinician_id && !x.organisation_id) {
    fp_reply_error(r, FP_API_MISSING_FIELD, "clinician_id", "give 'clinician_id' or 'organisation_id'");
    return;
  }
  if (x.clinician_id && x.organisation_id) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "organisation_id", "give one of 'clinician_id' and 'organisation_id', not both");
    return;
  }
  int rc;
  if (x.clinician_id) {
    struct fp_clinician cl;
    rc = fp_store_clinician_get(c, x.clinician_id, NULL, NULL, &cl);
    if (rc == FP_ENOTFOUND) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "clinician_id", "clinician %lld does not exist", (long long)x.clinician_id);
      return;
    }
  } else {
    struct fp_org o;
    rc = fp_store_org_get(c, x.organisation_id, &o);
    if (rc == FP_ENOTFOUND || (rc == 0 && strcmp(o.level, "practice") != 0)) {
      if (rc == 0) fp_org_clear(&o);
      fp_reply_error(r, FP_API_INVALID_FIELD, "organisation_id", "organisation %lld is not a practice; only practices are pool members",
                     (long long)x.organisation_id);
      return;
    }
    if (rc == 0) fp_org_clear(&o);
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  rc = fp_store_write(r->app->store, add_tx, &x);
  if (rc == FP_ETOOBIG) {
    reply_pool_limit(r, x.clinician_id);
    return;
  }
  if (rc == 1 && x.already) {
    fp_reply_error(r, FP_API_ALREADY_MEMBER, NULL, "%s %lld is already a member of pool %lld",
                   x.clinician_id ? "clinician" : "practice", (long long)(x.clinician_id ? x.clinician_id : x.organisation_id),
                   (long long)p.id);
    return;
  }
  struct fp_pool_member m;
  if (rc == 0) rc = fp_store_pool_member_get(c, x.id, &m);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 201, member_json(&m));
}

struct remove_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  struct fp_pool_member m;
};

static int remove_tx(struct fp_conn *c, void *vctx) {
  struct remove_ctx *x = vctx;
  int rc = fp_store_pool_member_delete(c, x->m.id);
  /* The offers it leaves with no pool between practice and clinician are withdrawn. */
  if (!rc) rc = fp_store_offers_withdraw_unreachable(c, x->m.organisation_id, x->m.clinician_id, x->actor.user_id, x->actor.now);
  if (rc) return rc;
  return audit_json(c, &x->actor, "pool.member_remove", "pool_member", x->m.id, member_json(&x->m), NULL);
}

/* GET /api/v1/pools/{id}/members/{member_id}: one member, to whoever may read the pool's members. */
void fp_h_pool_member_get(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_pool p;
  if (pool_for_or_respond(r, c, can_read_members, "only the pool's administrators and commissioners see its members",
                          &p))
    return;
  struct fp_pool_member m;
  int rc = fp_store_pool_member_get(c, r->params[1], &m);
  if (rc == 0 && m.pool_id != p.id) rc = FP_ENOTFOUND;
  if (member_found_or_respond(r, rc, &p)) return;
  fp_reply_json(r, 200, member_json(&m));
}

void fp_h_pool_member_remove(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_pool p;
  if (pool_for_or_respond(r, c, can_manage, "only the pool's administrators can remove members", &p)) return;
  struct remove_ctx x = {0};
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  int rc = fp_store_pool_member_get(c, r->params[1], &x.m);
  if (rc == 0 && x.m.pool_id != p.id) rc = FP_ENOTFOUND;
  if (rc == 0) rc = fp_store_write(r->app->store, remove_tx, &x);
  if (member_found_or_respond(r, rc, &p)) return;
  fp_reply_empty(r);
}

/* ---- join requests ---- */

struct join_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  int64_t pool_id;
  const char *message;
  int64_t id;
  int refusal;          /* 1 already a member, 2 already asked */
};

static int join_tx(struct fp_conn *c, void *vctx) {
  struct join_ctx *x = vctx;
  bool member = false;
  int rc = fp_store_pool_has_member(c, x->pool_id, x->actor.clinician_id, 0, &member);
  if (rc) return rc;
  if (member) {
    x->refusal = 1;
    return 1;
  }
  rc = fp_store_join_request_insert(c, x->pool_id, x->actor.clinician_id, x->message, x->actor.now, &x->id);
  if (rc == FP_ECONFLICT) {
    x->refusal = 2;
    return 1;
  }
  if (rc) return rc;
  return audit_json(c, &x->actor, "join_request.create", "join_request", x->id, NULL,
                    json_pack("{s:I, s:I, s:s}", "pool_id", (json_int_t)x->pool_id, "clinician_id",
                              (json_int_t)x->actor.clinician_id, "status", "pending"));
}

void fp_h_join_request_create(struct fp_req *r) {
  if (!r->auth.clinician_id) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only clinicians ask to join pools");
    return;
  }
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_pool p;
  if (load_pool_or_respond(r, c, &p)) return;
  struct join_ctx x = {.pool_id = p.id};
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  if (r->body_len) {
    struct fp_field spec[] = {
        {"message", FP_F_STRING, false, 0, 500, NULL, &x.message, NULL},
        FP_FIELD_END,
    };
    if (fp_body_fields_or_respond(r, spec)) return;
  }
  /* A clinician at the most pools one may join is told so now, not when the pool admits them. */
  bool member = false;
  for (int i = 0; i < r->auth.n_pools; i++) member = member || r->auth.pools[i] == p.id;
  if (!member && r->auth.n_pools >= FP_MAX_CLINICIAN_POOLS) {
    fp_reply_error(r, FP_API_LIMIT_REACHED, NULL,
                   "you are a member of %d pools already, the most one clinician may join: leave one first",
                   FP_MAX_CLINICIAN_POOLS);
    return;
  }
  int rc = fp_store_write(r->app->store, join_tx, &x);
  if (rc == 1 && x.refusal == 1) {
    fp_reply_error(r, FP_API_ALREADY_MEMBER, NULL, "you are already a member of pool %lld", (long long)p.id);
    return;
  }
  if (rc == 1 && x.refusal == 2) {
    fp_reply_error(r, FP_API_ALREADY_REQUESTED, NULL, "you have already asked to join pool %lld", (long long)p.id);
    return;
  }
  struct fp_join_request jr;
  if (rc == 0) rc = fp_store_join_request_get(c, x.id, &jr);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 201, join_json(&jr));
}

static void add_join(const struct fp_join_request *jr, void *ctx) {
  fp_page_add(ctx, join_json(jr), 0, jr->id);
}

static int list_joins(struct fp_conn *c, struct pool_list *l) {
  struct fp_join_query q = {.pool_id = l->pool.id, .status = l->filter, .profession = l->profession, .q = l->lp.q,
                            .sort = (enum fp_join_sort)l->lp.sort, .limit = l->lp.limit, .after = l->lp.after};
  return fp_store_join_request_list(c, &q, add_join, &l->page, &l->more, &l->last);
}

void fp_h_join_request_list(struct fp_req *r) {
  static const struct pool_list_spec SPEC = {
      "only the pool's administrators see its join requests", "status", JOIN_STATUSES,
      "'status' must be pending, accepted, declined or withdrawn", {"newest", "oldest", "name", NULL}, list_joins};
  reply_pool_list(r, &SPEC);
}

/* GET /api/v1/me/join-requests: the signed-in clinician's own requests, newest first; anyone else
 * has none. The cursor is the last id of the page before. */
/* Adds one of the clinician's own requests with its key (when it was sent) and id, for the cursor. */
static void add_my_join(const struct fp_join_request *jr, void *ctx) {
  fp_page_add(ctx, join_json(jr), jr->created_at, jr->id);
}

void fp_h_me_join_requests(struct fp_req *r) {
  int limit = 50;
  static const char *const sorts[] = {"-created_at", "created_at", NULL}; /* newest or oldest first */
  int sort = 0;
  int64_t at = 0, id = 0;
  bool has_cursor = false;
  if (fp_query_enum_or_respond(r, "sort", sorts, 0, &sort) || fp_limit_or_respond(r, &limit) ||
      fp_cursor_parse_or_respond(r, &at, &id, &has_cursor))
    return;
  struct fp_page ps;
  fp_page_init(&ps, NULL);
  bool more = false;
  int rc = 0;
  if (r->auth.clinician_id) {
    struct fp_conn *c = fp_store_reader(r->app->store);
    rc = c ? fp_store_join_request_list_for_clinician(c, r->auth.clinician_id, sort == 1, has_cursor, at, id, limit,
                                                      add_my_join, &ps, &more)
           : FP_EIO;
  }
  fp_reply_page(r, &ps, rc, more, true);
}

/* What is done to a join request: the pool's administrators answer it, the clinician who asked
 * withdraws it. */
enum join_act { JOIN_ANSWER, JOIN_WITHDRAW };

/*
 * Loads join request params[0] to act on it: 404 when the caller cannot see it, 403 when they can
 * but may not act (for an answer: the clinician who asked, a commissioner of the pool's ICB; for a
 * withdrawal: the pool's administrators, the commissioner), 409 when it is no longer pending.
 */
static int load_join_or_respond(struct fp_req *r, struct fp_conn *c, enum join_act act, struct fp_join_request *jr,
                                struct fp_pool *p) {
  int rc = c ? fp_store_join_request_get(c, r->params[0], jr) : FP_EIO;
  if (rc == 0) rc = fp_store_pool_get(c, jr->pool_id, p);
  bool own = rc == 0 && r->auth.clinician_id && r->auth.clinician_id == jr->clinician_id;
  if (rc == 0 && !(act == JOIN_ANSWER ? can_manage(&r->auth, p) : own)) {
    if (can_read_members(&r->auth, p) || (act == JOIN_ANSWER && own)) {
      fp_reply_error(r, FP_API_FORBIDDEN, NULL, "%s",
                     act == JOIN_ANSWER ? "only the pool's administrators answer requests to join"
                                        : "only the clinician who asked can withdraw a request to join");
      return -1;
    }
    rc = FP_ENOTFOUND;
  }
  if (fp_found_or_respond(r, rc, "join request", r->params[0])) return -1;
  if (strcmp(jr->status, "pending") != 0) {
    fp_reply_error(r, FP_API_INVALID_STATE, NULL, "join request %lld is %s, not pending", (long long)jr->id, jr->status);
    return -1;
  }
  return 0;
}

/* Answers 200 with the join request as it is after a write that returned rc (and "member_id" when
 * the answer admitted a member), or 409 when the request stopped being pending meanwhile. */
static void reply_join_after(struct fp_req *r, struct fp_conn *c, int rc, struct fp_join_request *jr,
                             int64_t member_id) {
  if (rc == FP_ECONFLICT) {
    fp_reply_error(r, FP_API_INVALID_STATE, NULL, "join request %lld is no longer pending", (long long)jr->id);
    return;
  }
  if (rc == 0) rc = fp_store_join_request_get(c, jr->id, jr);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *j = join_json(jr);
  if (member_id) json_object_set_new(j, "member_id", json_integer(member_id));
  fp_reply_json(r, 200, j);
}

struct answer_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  const struct fp_join_request *jr;
  const char *status, *reason;
  struct add_ctx add;
};

static int answer_tx(struct fp_conn *c, void *vctx) {
  struct answer_ctx *x = vctx;
  int rc = fp_store_join_request_decide(c, x->jr->id, x->status, x->reason, x->actor.user_id, x->actor.now);
  if (rc) return rc;
  if (strcmp(x->status, "accepted") == 0) {
    /* Already admitted directly in the meantime: accepting still succeeds. */
    rc = add_member_tx(c, &x->add);
    if (rc == 1 && x->add.already) rc = 0;
    if (rc) return rc;
  }
  return audit_json(c, &x->actor, strcmp(x->status, "accepted") == 0 ? "join_request.accept" : "join_request.decline",
                    "join_request", x->jr->id, json_pack("{s:s}", "status", "pending"),
                    json_pack("{s:s, s:o}", "status", x->status, "reason", fp_json_str_or_null(x->reason)));
}

static void answer(struct fp_req *r, const char *status) {
  const char *reason = NULL;
  if (strcmp(status, "declined") == 0 && r->body_len) {
    struct fp_field spec[] = {
        {"reason", FP_F_STRING, false, 0, 200, NULL, &reason, NULL},
        FP_FIELD_END,
    };
    if (fp_body_fields_or_respond(r, spec)) return;
  }
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_join_request jr;
  struct fp_pool p;
  if (load_join_or_respond(r, c, JOIN_ANSWER, &jr, &p)) return;
  struct answer_ctx x = {.jr = &jr, .status = status, .reason = reason};
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  fp_actor_from_auth(&r->auth, r->now, &x.add.actor);
  x.add.pool_id = jr.pool_id;
  x.add.clinician_id = jr.clinician_id;
  x.add.join_request_id = jr.id;
  int rc = fp_store_write(r->app->store, answer_tx, &x);
  if (rc == FP_ETOOBIG) {
    reply_pool_limit(r, jr.clinician_id);
    return;
  }
  reply_join_after(r, c, rc, &jr, x.add.id);
}

void fp_h_join_request_accept(struct fp_req *r) { answer(r, "accepted"); }
void fp_h_join_request_decline(struct fp_req *r) { answer(r, "declined"); }

struct withdraw_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  int64_t id;
};

static int withdraw_tx(struct fp_conn *c, void *vctx) {
  struct withdraw_ctx *x = vctx;
  int rc = fp_store_join_request_decide(c, x->id, "withdrawn", NULL, x->actor.user_id, x->actor.now);
  if (rc) return rc;
  return audit_json(c, &x->actor, "join_request.withdraw", "join_request", x->id, json_pack("{s:s}", "status", "pending"),
                    json_pack("{s:s}", "status", "withdrawn"));
}

/*
 * The clinician who asked takes the request back while it is pending. Those who see the request
 * without having made it (the pool's administrators, the ICB's commissioner) get 403; anyone else 404.
 */
void fp_h_join_request_withdraw(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_join_request jr;
  struct fp_pool p;
  if (load_join_or_respond(r, c, JOIN_WITHDRAW, &jr, &p)) return;
  struct withdraw_ctx x = {.id = jr.id};
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  reply_join_after(r, c, fp_store_write(r->app->store, withdraw_tx, &x), &jr, 0);
}
