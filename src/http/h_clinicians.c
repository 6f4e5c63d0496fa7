/*
 * Clinicians and the profession catalogue:
 *   GET /api/v1/professions: the built-in professions (code, name, regulator) and the custom roles
 *     pools added; public, for the registration form.
 *   POST /api/v1/clinicians: anyone registers as a clinician, creating their account: the
 *     registration number is required, and checked against the regulator's format, exactly when the
 *     profession has a regulator; one account per number on each register (409 registration_taken,
 *     held by a unique index as well).
 *   GET /api/v1/clinicians[?pool_id=&profession=]: those the caller may see (store/members.h).
 *   GET /api/v1/clinicians/{id}: one of those, with the pools they belong to.
 *   PATCH /api/v1/clinicians/{id}: the clinician changes their own profile (name, phone, home
 *     postcode, travel radius), each checked where it comes in: a UK telephone number, a UK postcode,
 *     a radius of 1 to 200 km. Nobody else may (403). Audited.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/profession.h"
#include "core/validate.h"
#include "http/auth.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/accounts.h"
#include "store/members.h"

#define DEFAULT_TRAVEL_RADIUS_KM 20

/* The clinician as the API shows them: email and phone only to whom the contact details rule lets
   have them (store/members.c CLIN_CONTACT), null to anyone else, with contact_shared saying which. */
static json_t *clinician_json(const struct fp_clinician *cl) {
  bool contact = cl->contact_visible;
  return json_pack("{s:I, s:I, s:s, s:o, s:b, s:s, s:o, s:o, s:I, s:o, s:b, s:o}", "id", (json_int_t)cl->id, "user_id",
                   (json_int_t)cl->user_id, "name", cl->name, "email", contact ? json_string(cl->email) : json_null(),
                   "active", cl->active, "profession", cl->profession, "registration_number",
                   fp_json_str_or_null(cl->registration_number), "home_postcode", fp_json_str_or_null(cl->home_postcode),
                   "travel_radius_km", (json_int_t)cl->travel_radius_km, "phone",
                   contact ? fp_json_str_or_null(cl->phone) : json_null(), "contact_shared", contact, "created_at",
                   fp_json_time(cl->created_at));
}

static void add_pool_ref(const struct fp_pool *p, void *ctx) {
  json_array_append_new(ctx, json_pack("{s:I, s:s}", "id", (json_int_t)p->id, "name", p->name));
}

/* The clinician with "pools": the pools they belong to. */
static json_t *clinician_with_pools(struct fp_conn *c, const struct fp_clinician *cl, int *err) {
  json_t *pools = json_array();
  bool more = true;
  int64_t after = 0;
  *err = 0;
  while (more && *err == 0) {
    size_t before = json_array_size(pools);
    *err = fp_store_pool_list(c, cl->id, after, 200, add_pool_ref, pools, &more);
    if (json_array_size(pools) == before) break;
    after = json_integer_value(json_object_get(json_array_get(pools, json_array_size(pools) - 1), "id"));
  }
  if (*err) {
    json_decref(pools);
    return NULL;
  }
  json_t *j = clinician_json(cl);
  json_object_set_new(j, "pools", pools);
  return j;
}

/* ---- professions ---- */

static void add_custom_role(const char *code, const char *name, int64_t pool_id, void *ctx) {
  json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:b, s:b, s:o}", "code", code, "name", name, "regulator", "none",
                                       "registration_required", 0, "custom", 1, "pool_id", fp_json_id(pool_id)));
}

void fp_h_professions(struct fp_req *r) {
  int n = 0;
  const struct fp_profession *p = fp_professions(&n);
  json_t *items = json_array();
  for (int i = 0; i < n; i++)
    json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:b, s:b}", "code", p[i].code, "name", p[i].name,
                                           "regulator", p[i].regulator_name, "registration_required",
                                           p[i].regulator != FP_REG_NONE, "custom", 0));
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? fp_store_custom_role_list(c, add_custom_role, items) : FP_EIO;
  if (rc) {
    json_decref(items);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, fp_json_page(items, NULL));
}

/* ---- registration ---- */

static const char *registration_shape(enum fp_regulator reg) {
  switch (reg) {
  case FP_REG_GMC: return "a GMC number is 7 digits";
  case FP_REG_GPHC: return "a GPhC number is 7 digits";
  case FP_REG_NMC: return "an NMC PIN is 2 digits, a letter, 4 digits and a letter, e.g. 12A3456E";
  case FP_REG_HCPC: return "an HCPC number is 2 letters and 5 or 6 digits, e.g. PA123456";
  case FP_REG_NONE: break;
  }
  return "";
}

static void reply_registration_taken(struct fp_req *r, const struct fp_profession *prof, const char *number) {
  fp_reply_error(r, FP_API_REGISTRATION_TAKEN, "registration_number",
                 "there is already an account with %s registration number '%s'", prof ? prof->regulator_name : "this",
                 number);
}

/* A phone given (not "", which means none) must be a UK telephone number: answers 400 and returns -1. */
static int phone_invalid_or_respond(struct fp_req *r, const char *phone) {
  if (!phone || !*phone || fp_phone_valid(phone)) return 0;
  fp_reply_error(r, FP_API_INVALID_FIELD, "phone", "'phone' is not a UK telephone number (e.g. 07700 900123 or +44 113 496 0000)");
  return -1;
}

struct register_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  const char *hash;
  struct fp_clinician cl;
  bool email_taken, registration_taken;
};

static int register_tx(struct fp_conn *c, void *vctx) {
  struct register_ctx *x = vctx;
  struct fp_clinician *cl = &x->cl;
  struct fp_user u;
  int rc = fp_store_user_by_email(c, cl->email, &u);
  if (rc == 0) {
    x->email_taken = true;
    return 1;
  }
  if (rc != FP_ENOTFOUND) return rc;
  if ((rc = fp_store_user_insert(c, cl->email, cl->name, x->hash, x->actor.now, &cl->user_id)) != 0) return rc;
  if ((rc = fp_store_role_insert(c, cl->user_id, "clinician", 0, 0)) != 0) return rc;
  rc = fp_store_clinician_insert(c, cl, x->actor.now, &cl->id);
  if (rc == FP_ECONFLICT) {
    /* The user row is new, so the only constraint left to fire is one number per register. */
    x->registration_taken = true;
    return 1;
  }
  if (rc) return rc;
  json_t *after = json_pack("{s:I, s:s, s:s, s:o, s:s, s:I}", "user_id", (json_int_t)cl->user_id, "email", cl->email,
                            "profession", cl->profession, "registration_number",
                            fp_json_str_or_null(cl->registration_number), "home_postcode", cl->home_postcode,
                            "travel_radius_km", (json_int_t)cl->travel_radius_km);
  char *text = json_dumps(after, JSON_COMPACT);
  json_decref(after);
  /* Self-registration: the new user is the actor unless someone signed in registered them. */
  int64_t actor = x->actor.user_id ? x->actor.user_id : cl->user_id;
  rc = fp_store_audit(c, x->actor.now, actor, "clinician.register", "clinician", cl->id, NULL, text);
  free(text);
  return rc;
}

struct attempt_ctx {
  const char *address;
  int64_t now;
};

static int attempt_tx(struct fp_conn *c, void *vctx) {
  struct attempt_ctx *x = vctx;
  return fp_store_registration_attempt_add(c, x->address, x->now);
}

/*
 * Registration is throttled per address like sign-in: at most --register-max-per-address attempts
 * (made accounts or not) in --login-window seconds, then 429 with Retry-After. Counts this attempt.
 */
static int registration_throttled_or_respond(struct fp_req *r) {
  struct fp_http_app *app = r->app;
  struct fp_conn *c = fp_store_reader(app->store);
  int n = 0;
  int64_t oldest = 0;
  int rc = c ? fp_store_registration_attempts(c, r->client_addr, r->now - app->cfg.login_window_seconds, &n, &oldest)
             : FP_EIO;
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  if (n >= app->cfg.register_max_per_address) {
    fp_reply_throttled(r, oldest, app->cfg.login_window_seconds, "registrations from this address");
    return -1;
  }
  struct attempt_ctx x = {r->client_addr, r->now};
  if ((rc = fp_store_write(app->store, attempt_tx, &x)) != 0) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  return 0;
}

void fp_h_clinician_register(struct fp_req *r) {
  if (registration_throttled_or_respond(r)) return;
  const char *name = NULL, *email = NULL, *password = NULL, *profession = NULL, *reg = NULL, *postcode = NULL,
             *phone = NULL;
  int64_t radius = DEFAULT_TRAVEL_RADIUS_KM;
  struct fp_field spec[] = {
      {"name", FP_F_STRING, true, 1, 200, NULL, &name, NULL},
      FP_FIELD_EMAIL("email", &email),
      FP_FIELD_PASSWORD("password", &password),
      {"profession", FP_F_STRING, true, 1, 47, NULL, &profession, NULL},
      {"registration_number", FP_F_STRING, false, 0, 32, NULL, &reg, NULL},
      {"home_postcode", FP_F_STRING, true, 1, 16, NULL, &postcode, NULL},
      {"travel_radius_km", FP_F_INT, false, 1, 200, NULL, &radius, NULL},
      {"phone", FP_F_STRING, false, 0, 40, NULL, &phone, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  struct register_ctx x;
  memset(&x, 0, sizeof x);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  struct fp_clinician *cl = &x.cl;
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) {
    fp_reply_store_error(r, FP_EIO);
    return;
  }
  const struct fp_profession *prof = fp_profession_find(profession);
  if (!prof) {
    bool custom = false;
    int rc = fp_store_custom_role_exists(c, profession, &custom);
    if (rc) {
      fp_reply_store_error(r, rc);
      return;
    }
    if (!custom) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "profession", "'%s' is not a profession in the catalogue (GET /api/v1/professions)",
                     profession);
      return;
    }
  }
  enum fp_regulator regulator = prof ? prof->regulator : FP_REG_NONE;
  if (reg) {
    size_t n = strlen(reg);
    for (size_t i = 0; i < n && i + 1 < sizeof cl->registration_number; i++)
      cl->registration_number[i] = (char)toupper((unsigned char)reg[i]);
  }
  if (regulator != FP_REG_NONE && !cl->registration_number[0]) {
    fp_reply_error(r, FP_API_MISSING_FIELD, "registration_number", "a %s needs their %s registration number",
                   prof->name, prof->regulator_name);
    return;
  }
  if (!fp_registration_valid(regulator, cl->registration_number)) {
    if (regulator == FP_REG_NONE)
      fp_reply_error(r, FP_API_INVALID_FIELD, "registration_number",
                     "the profession '%s' has no regulator: leave 'registration_number' out", profession);
    else
      fp_reply_error(r, FP_API_INVALID_FIELD, "registration_number", "'%s' is not a %s registration number: %s", reg,
                     prof->regulator_name, registration_shape(regulator));
    return;
  }
  if (fp_postcode_normalise(postcode, cl->home_postcode) != 0) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "home_postcode", "'home_postcode' is not a UK postcode");
    return;
  }
  if (phone_invalid_or_respond(r, phone)) return;
  snprintf(cl->name, sizeof cl->name, "%s", name);
  snprintf(cl->email, sizeof cl->email, "%s", email);
  for (char *p = cl->email; *p; p++) *p = (char)tolower((unsigned char)*p);
  snprintf(cl->profession, sizeof cl->profession, "%s", profession);
  snprintf(cl->phone, sizeof cl->phone, "%s", phone ? phone : "");
  cl->travel_radius_km = radius;
  cl->active = true;
  /* Refuse a taken address before spending time on the hash (checked again in the transaction). */
  if (fp_email_free_or_respond(r, c, cl->email)) return;
  bool reg_taken = false;
  int rc;
  if ((rc = fp_store_clinician_registration_taken(c, cl->profession, cl->registration_number, &reg_taken)) != 0) {
    fp_reply_store_error(r, rc);
    return;
  }
  if (reg_taken) {
    reply_registration_taken(r, prof, cl->registration_number);
    return;
  }
  if (fp_password_check_or_respond(r, "password", password, cl->email, cl->name)) return;
  char hash[160];
  if ((rc = fp_password_hash(password, hash, sizeof hash)) != 0) {
    fp_reply_store_error(r, rc);
    return;
  }
  x.hash = hash;
  rc = fp_store_write(r->app->store, register_tx, &x);
  if (rc == 1 && x.email_taken) {
    fp_reply_error(r, FP_API_EMAIL_TAKEN, "email", "there is already an account for '%s'", cl->email);
    return;
  }
  if (rc == 1 && x.registration_taken) {
    reply_registration_taken(r, prof, cl->registration_number);
    return;
  }
  struct fp_clinician saved;
  if (rc == 0) rc = fp_store_clinician_get(c, cl->id, NULL, NULL, &saved);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *j = clinician_json(&saved);
  json_object_set_new(j, "pools", json_array());
  fp_reply_json(r, 201, j);
}

/* ---- reading ---- */

static void add_clinician(const struct fp_clinician *cl, void *ctx) {
  fp_page_add(ctx, clinician_json(cl), 0, cl->id);
}

void fp_h_clinician_list(struct fp_req *r) {
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  struct fp_clinician_query q;
  memset(&q, 0, sizeof q);
  q.scope = &scope;
  fp_access_clock_of(r, &q.clock);
  q.profession = fp_req_query(r, "profession");
  if (q.profession && strlen(q.profession) > 47) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "profession", "'profession' is too long");
    return;
  }
  if (fp_query_int_or_respond(r, "pool_id", 1, INT64_MAX, &q.pool_id) || fp_limit_or_respond(r, &q.limit) ||
      fp_id_cursor_parse_or_respond(r, &q.after_id))
    return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_page page;
  fp_page_init(&page, NULL);
  bool more = false;
  int rc = c ? fp_store_clinician_search(c, &q, add_clinician, &page, &more) : FP_EIO;
  fp_reply_page(r, &page, rc, more, false);
}

void fp_h_clinician_get(struct fp_req *r) {
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_access_clock clock;
  fp_access_clock_of(r, &clock);
  struct fp_clinician cl;
  int rc = c ? fp_store_clinician_get(c, r->params[0], &scope, &clock, &cl) : FP_EIO;
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "clinician %lld not found", (long long)r->params[0]);
    return;
  }
  json_t *j = rc ? NULL : clinician_with_pools(c, &cl, &rc);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, j);
}

/* ---- the clinician's own profile ---- */

struct profile_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  int64_t clinician_id;
  const char *name, *phone, *postcode; /* NULL: unchanged */
  int64_t radius;                      /* 0: unchanged */
};

static int profile_tx(struct fp_conn *c, void *vctx) {
  struct profile_ctx *x = vctx;
  struct fp_clinician before;
  int rc = fp_store_clinician_get(c, x->clinician_id, NULL, NULL, &before);
  if (rc) return rc;
  if (x->name && (rc = fp_store_user_set_name(c, before.user_id, x->name)) != 0) return rc;
  if ((rc = fp_store_clinician_profile_update(c, x->clinician_id, x->phone, x->postcode, x->radius)) != 0) return rc;
  json_t *b = json_pack("{s:s, s:o, s:o, s:I}", "name", before.name, "phone", fp_json_str_or_null(before.phone),
                        "home_postcode", fp_json_str_or_null(before.home_postcode), "travel_radius_km",
                        (json_int_t)before.travel_radius_km);
  json_t *a = json_pack("{s:s, s:o, s:o, s:I}", "name", x->name ? x->name : before.name, "phone",
                        fp_json_str_or_null(x->phone ? x->phone : before.phone), "home_postcode",
                        fp_json_str_or_null(x->postcode ? x->postcode : before.home_postcode), "travel_radius_km",
                        (json_int_t)(x->radius ? x->radius : before.travel_radius_km));
  char *bt = json_dumps(b, JSON_COMPACT), *at = json_dumps(a, JSON_COMPACT);
  json_decref(b);
  json_decref(a);
  rc = bt && at ? fp_store_audit(c, x->actor.now, x->actor.user_id, "clinician.profile", "clinician", x->clinician_id, bt, at)
                : FP_ENOMEM;
  free(bt);
  free(at);
  return rc;
}

void fp_h_clinician_patch(struct fp_req *r) {
  if (r->auth.clinician_id == 0 || r->auth.clinician_id != r->params[0]) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only the clinician may change their own profile");
    return;
  }
  struct profile_ctx x = {.clinician_id = r->params[0]};
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  const char *postcode = NULL;
  struct fp_field spec[] = {
      {"name", FP_F_STRING, false, 1, 200, NULL, &x.name, NULL},
      {"phone", FP_F_STRING, false, 0, 40, NULL, &x.phone, NULL},
      {"home_postcode", FP_F_STRING, false, 1, 16, NULL, &postcode, NULL},
      {"travel_radius_km", FP_F_INT, false, 1, 200, NULL, &x.radius, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  char normalised[9];
  if (postcode) {
    if (fp_postcode_normalise(postcode, normalised) != 0) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "home_postcode", "'home_postcode' is not a UK postcode");
      return;
    }
    x.postcode = normalised;
  }
  if (phone_invalid_or_respond(r, x.phone)) return;
  int rc = fp_store_write(r->app->store, profile_tx, &x);
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_clinician cl;
  if (rc == 0) rc = c ? fp_store_clinician_get(c, r->params[0], NULL, NULL, &cl) : FP_EIO;
  json_t *j = rc ? NULL : clinician_with_pools(c, &cl, &rc);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, j);
}
