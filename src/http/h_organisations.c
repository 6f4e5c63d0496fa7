/*
 * Organisations: the NHS hierarchy ICB > place > PCN > practice, and each practice's profile.
 *   POST /api/v1/organisations: a system administrator adds one. The ODS code is checked for the
 *     level, the parent must exist at the level above, the ICB is inherited from the parent, and the
 *     postcode's location comes from the postcode table when it is there.
 *   GET /api/v1/organisations[?level=&parent_id=]: those the caller may see (store/places.h).
 *   GET|PATCH /api/v1/organisations/{id}: read; change (a system administrator any field; the
 *     practice's manager its contact details and profile). A practice read by its own manager (or
 *     a system administrator) carries `pools`: its pools and its ICB's, with who administers them.
 * The practice profile is what a locum needs to know before the first session (the induction
 * information pack of the NHS pool guidance). A PATCH with `profile` replaces the whole profile.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/practice.h"
#include "core/validate.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/accounts.h"
#include "store/rate_policy.h"
#include "store/timesheets.h"
#include "store/members.h"
#include "store/places.h"
#include "store/shifts.h"

static const char *const CREATE_LEVELS[] = {"icb", "place", "pcn", "practice", NULL};
static const char *const ALL_LEVELS[] = {"icb", "place", "pcn", "practice", "national", NULL};
static const char *const CLINICAL_SYSTEMS[] = {"SystmOne", "EMIS Web", "Vision", "other", NULL};

#define MAX_SITES 10

static const char *ods_shape(enum fp_org_level l) {
  switch (l) {
  case FP_ORG_ICB: return "3 letters or digits, e.g. QWO";
  case FP_ORG_PLACE: return "3 to 5 letters or digits, e.g. 02T";
  case FP_ORG_PCN: return "U and 5 digits, e.g. U12345";
  case FP_ORG_PRACTICE: return "a letter and 5 digits, e.g. B86001";
  case FP_ORG_NATIONAL: break;
  }
  return "any code";
}

/* Normalises an optional postcode into out ("" for none); answers 400 naming field on a bad one. */
static int postcode_or_respond(struct fp_req *r, const char *field, const char *in, char out[9]) {
  out[0] = 0;
  if (!in || !*in) return 0;
  if (fp_postcode_normalise(in, out) != 0) {
    fp_reply_error(r, FP_API_INVALID_FIELD, field, "'%s' is not a UK postcode", field);
    return -1;
  }
  return 0;
}

/* An organisation's postal address is printed on the invoices it receives: at most
   FP_ADDRESS_MAX_LINES lines, refused here rather than cut there. */
static int address_lines_or_respond(struct fp_req *r, const char *address) {
  if (fp_text_lines(address) <= FP_ADDRESS_MAX_LINES) return 0;
  fp_reply_error(r, FP_API_INVALID_FIELD, "address", "'address' may have at most %d lines", FP_ADDRESS_MAX_LINES);
  return -1;
}

/* Checks one site of the profile into a new object. */
static json_t *site_or_respond(struct fp_req *r, json_t *in, size_t i) {
  char prefix[48];
  snprintf(prefix, sizeof prefix, "profile.sites[%zu].", i);
  if (!json_is_object(in)) {
    char field[48];
    snprintf(field, sizeof field, "profile.sites[%zu]", i);
    fp_reply_error(r, FP_API_INVALID_FIELD, field, "each site must be an object {name, address, postcode}");
    return NULL;
  }
  const char *name = NULL, *address = NULL, *postcode = NULL;
  struct fp_field spec[] = {
      {"name", FP_F_STRING, true, 1, 200, NULL, &name, NULL},
      {"address", FP_F_STRING, false, 0, 400, NULL, &address, NULL},
      {"postcode", FP_F_STRING, false, 1, 16, NULL, &postcode, NULL},
      FP_FIELD_END,
  };
  if (fp_fields_parse_or_respond(r, in, spec)) {
    fp_fields_prefix_error(r, prefix);
    return NULL;
  }
  char pc[9];
  char field[sizeof prefix + 16];
  snprintf(field, sizeof field, "%spostcode", prefix);
  if (postcode_or_respond(r, field, postcode, pc)) return NULL;
  json_t *out = json_pack("{s:s}", "name", name);
  if (address) json_object_set_new(out, "address", json_string(address));
  if (pc[0]) json_object_set_new(out, "postcode", json_string(pc));
  return out;
}

/*
 * Checks a practice profile and returns its normalised copy (a new reference); answers 400 naming
 * the field ("profile.<key>") and returns NULL on any problem, unknown keys included.
 */
static json_t *profile_or_respond(struct fp_req *r, json_t *in) {
  json_t *rest = json_copy(in);
  json_t *sites = json_incref(json_object_get(rest, "sites"));
  json_object_del(rest, "sites");
  const char *parking = NULL, *system = NULL, *induction = NULL, *contact = NULL, *it = NULL, *notes = NULL;
  int64_t minutes = 0;
  bool has_minutes = false;
  struct fp_field spec[] = {
      {"parking", FP_F_STRING, false, 0, 1000, NULL, &parking, NULL},
      {"clinical_system", FP_F_ENUM, false, 0, 0, CLINICAL_SYSTEMS, &system, NULL},
      {"appointment_minutes", FP_F_INT, false, 5, 60, NULL, &minutes, &has_minutes},
      {"induction", FP_F_STRING, false, 0, 4000, NULL, &induction, NULL},
      {"contact_on_arrival", FP_F_STRING, false, 0, 1000, NULL, &contact, NULL},
      {"it_access", FP_F_STRING, false, 0, 1000, NULL, &it, NULL},
      {"notes", FP_F_STRING, false, 0, 4000, NULL, &notes, NULL},
      FP_FIELD_END,
  };
  json_t *out = NULL;
  if (fp_fields_parse_or_respond(r, rest, spec)) {
    fp_fields_prefix_error(r, "profile.");
    goto done;
  }
  out = json_object();
  if (sites && !json_is_null(sites)) {
    if (!json_is_array(sites) || json_array_size(sites) > MAX_SITES) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "profile.sites", "'sites' must be an array of at most %d sites", MAX_SITES);
      json_decref(out);
      out = NULL;
      goto done;
    }
    json_t *list = json_array();
    size_t i;
    json_t *site;
    json_array_foreach(sites, i, site) {
      json_t *one = site_or_respond(r, site, i);
      if (!one) {
        json_decref(list);
        json_decref(out);
        out = NULL;
        goto done;
      }
      json_array_append_new(list, one);
    }
    json_object_set_new(out, "sites", list);
  }
  /* Strings are kept as given (strings borrowed from `rest` are copied before it goes). */
  if (parking) json_object_set_new(out, "parking", json_string(parking));
  if (system) json_object_set_new(out, "clinical_system", json_string(system));
  if (has_minutes) json_object_set_new(out, "appointment_minutes", json_integer(minutes));
  if (induction) json_object_set_new(out, "induction", json_string(induction));
  if (contact) json_object_set_new(out, "contact_on_arrival", json_string(contact));
  if (it) json_object_set_new(out, "it_access", json_string(it));
  if (notes) json_object_set_new(out, "notes", json_string(notes));
done:
  json_decref(sites);
  json_decref(rest);
  return out;
}

/* Whether a (normalised) profile is complete: core/practice.h's rule. */
static bool profile_complete(const json_t *profile) {
  return fp_practice_profile_complete(json_string_value(json_object_get(profile, "clinical_system")),
                                      json_string_value(json_object_get(profile, "induction")),
                                      json_string_value(json_object_get(profile, "contact_on_arrival")));
}

/* The text of a profile object for the store (malloc'd). */
static char *profile_text(json_t *profile) { return json_dumps(profile, JSON_COMPACT | JSON_SORT_KEYS); }

/* Upper-cases an ODS code into out; false when it does not fit. */
static bool ods_upper(const char *in, char *out, size_t len) {
  size_t n = strlen(in);
  if (n + 1 > len) return false;
  for (size_t i = 0; i <= n; i++) out[i] = (char)toupper((unsigned char)in[i]);
  return true;
}

/* Checks an email field that may be "" (clear it). */
static int email_or_respond(struct fp_req *r, const char *email) {
  if (email && *email && !fp_email_valid(email)) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "email", "'email' must be an email address");
    return -1;
  }
  return 0;
}

/* A phone given (not "", which means none) must be a UK telephone number (core/validate.h). */
static int phone_or_respond(struct fp_req *r, const char *phone) {
  if (phone && *phone && !fp_phone_valid(phone)) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "phone", "'phone' is not a UK telephone number (e.g. 0113 496 0000)");
    return -1;
  }
  return 0;
}

/* Looks up the postcode's location into o (none when it is not in the table). */
static int locate(struct fp_conn *c, struct fp_org *o) {
  o->has_location = false;
  o->lat = o->lon = 0;
  if (!o->postcode[0]) return 0;
  int rc = fp_store_postcode_get(c, o->postcode, &o->lat, &o->lon);
  if (rc == 0) o->has_location = true;
  return rc == FP_ENOTFOUND ? 0 : rc;
}

/*
 * Checks that parent_id can be the parent of an organisation of level `level` and sets *icb_id to
 * the ICB the child falls under. Answers 400 on a problem.
 */
static int parent_or_respond(struct fp_req *r, struct fp_conn *c, enum fp_org_level level, int64_t parent_id,
                             int64_t *icb_id) {
  *icb_id = 0;
  if (!parent_id) {
    if (level != FP_ORG_ICB) {
      fp_reply_error(r, FP_API_MISSING_FIELD, "parent_id", "a %s needs a parent organisation", fp_org_level_name(level));
      return -1;
    }
    return 0;
  }
  struct fp_org p;
  int rc = fp_store_org_get(c, parent_id, &p);
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "parent_id", "organisation %lld does not exist", (long long)parent_id);
    return -1;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  enum fp_org_level pl = FP_ORG_NATIONAL;
  fp_org_level_parse(p.level, &pl);
  fp_org_clear(&p);
  if (!fp_org_parent_ok(pl, level)) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "parent_id", "a %s cannot be the parent of a %s", fp_org_level_name(pl),
                   fp_org_level_name(level));
    return -1;
  }
  *icb_id = p.icb_id;
  return 0;
}

static char *org_text(const struct fp_org *o) {
  json_t *j = fp_json_org(o);
  char *s = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  return s;
}

struct create_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  struct fp_org o;
  int64_t id;
  bool ods_taken;
};

static int create_tx(struct fp_conn *c, void *vctx) {
  struct create_ctx *x = vctx;
  int64_t other = 0;
  int rc = fp_store_org_by_ods(c, x->o.ods_code, &other);
  if (rc == 0) {
    x->ods_taken = true;
    return 1;
  }
  if (rc != FP_ENOTFOUND) return rc;
  if ((rc = fp_store_org_insert(c, &x->o, x->actor.now, &x->id)) != 0) return rc;
  struct fp_org saved;
  if ((rc = fp_store_org_get(c, x->id, &saved)) != 0) return rc;
  char *after = org_text(&saved);
  fp_org_clear(&saved);
  rc = fp_store_audit(c, x->actor.now, x->actor.user_id, "organisation.create", "organisation", x->id, NULL, after);
  free(after);
  return rc;
}

void fp_h_org_create(struct fp_req *r) {
  if (fp_role_or_respond(r, FP_ROLE_SYSADMIN, "only a system administrator can add organisations")) return;
  const char *level = NULL, *ods = NULL, *name = NULL, *address = NULL, *postcode = NULL, *phone = NULL, *email = NULL;
  int64_t parent_id = 0;
  json_t *profile_in = NULL;
  struct fp_field spec[] = {
      {"level", FP_F_ENUM, true, 0, 0, CREATE_LEVELS, &level, NULL},
      {"ods_code", FP_F_STRING, true, 1, 11, NULL, &ods, NULL},
      {"name", FP_F_STRING, true, 1, 200, NULL, &name, NULL},
      {"parent_id", FP_F_INT, false, 1, INT64_MAX, NULL, &parent_id, NULL},
      {"address", FP_F_STRING, false, 0, 400, NULL, &address, NULL},
      {"postcode", FP_F_STRING, false, 0, 16, NULL, &postcode, NULL},
      {"phone", FP_F_STRING, false, 0, 40, NULL, &phone, NULL},
      {"email", FP_F_STRING, false, 0, 254, NULL, &email, NULL},
      {"profile", FP_F_JSON, false, 0, 0, NULL, &profile_in, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec) || address_lines_or_respond(r, address)) return;
  struct create_ctx x;
  memset(&x, 0, sizeof x);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  struct fp_org *o = &x.o;
  enum fp_org_level lv = FP_ORG_PRACTICE;
  fp_org_level_parse(level, &lv);
  if (!ods_upper(ods, o->ods_code, sizeof o->ods_code) || !fp_ods_valid(lv, o->ods_code)) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "ods_code", "'%s' is not an ODS code of a %s (%s)", ods, level, ods_shape(lv));
    return;
  }
  if (email_or_respond(r, email) || phone_or_respond(r, phone) || postcode_or_respond(r, "postcode", postcode, o->postcode))
    return;
  json_t *profile = NULL;
  if (profile_in) {
    if (lv != FP_ORG_PRACTICE) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "profile", "only a practice has a profile");
      return;
    }
    if (!(profile = profile_or_respond(r, profile_in))) return;
  }
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) {
    json_decref(profile);
    fp_reply_store_error(r, FP_EIO);
    return;
  }
  if (parent_or_respond(r, c, lv, parent_id, &o->icb_id)) {
    json_decref(profile);
    return;
  }
  snprintf(o->level, sizeof o->level, "%s", level);
  snprintf(o->name, sizeof o->name, "%s", name);
  snprintf(o->address, sizeof o->address, "%s", address ? address : "");
  snprintf(o->phone, sizeof o->phone, "%s", phone ? phone : "");
  snprintf(o->email, sizeof o->email, "%s", email ? email : "");
  o->parent_id = parent_id;
  o->active = true;
  o->profile = profile ? profile_text(profile) : NULL;
  o->profile_complete = profile && profile_complete(profile);
  json_decref(profile);
  int rc = locate(c, o);
  if (rc == 0) rc = fp_store_write(r->app->store, create_tx, &x);
  fp_org_clear(o);
  if (rc == 1 && x.ods_taken) {
    fp_reply_error(r, FP_API_ODS_CODE_TAKEN, "ods_code", "an organisation with ODS code '%s' already exists", o->ods_code);
    return;
  }
  struct fp_org saved;
  if (rc == 0) rc = fp_store_org_get(c, x.id, &saved);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 201, fp_json_org(&saved));
  fp_org_clear(&saved);
}

static void add_org(const struct fp_org *o, void *ctx) {
  fp_page_add(ctx, fp_json_org(o), 0, o->id);
}

void fp_h_org_list(struct fp_req *r) {
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  struct fp_org_query q;
  memset(&q, 0, sizeof q);
  q.scope = &scope;
  q.level = fp_req_query(r, "level");
  if (q.level) {
    bool ok = false;
    for (const char *const *l = ALL_LEVELS; *l; l++) ok = ok || strcmp(*l, q.level) == 0;
    if (!ok) {
      fp_reply_error(r, FP_API_INVALID_PARAMETER, "level", "'level' must be one of icb, place, pcn, practice, national");
      return;
    }
  }
  static const char *const SORTS[] = {"name", "ods_code", "newest", NULL};
  struct fp_list_params lp;
  if (fp_query_int_or_respond(r, "parent_id", 1, INT64_MAX, &q.parent_id) ||
      fp_query_bool_or_respond(r, "active", &q.active) || fp_list_params_or_respond(r, SORTS, &lp))
    return;
  q.q = lp.q;
  q.sort = (enum fp_org_sort)lp.sort;
  q.limit = lp.limit;
  q.after = lp.after;
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_page page;
  fp_page_init(&page, NULL);
  bool more = false;
  struct fp_list_pos last = {0};
  int rc = c ? fp_store_org_search(c, &q, add_org, &page, &more, &last) : FP_EIO;
  fp_reply_list(r, &page, rc, more, &lp, &last);
}

/* Loads organisation params[0] if the caller may see it; answers 404 otherwise. */
static int load_visible_or_respond(struct fp_req *r, struct fp_conn *c, struct fp_org *o) {
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  bool visible = false;
  int rc = c ? fp_store_org_visible(c, r->params[0], &scope, &visible) : FP_EIO;
  if (rc == 0 && !visible) rc = FP_ENOTFOUND;
  if (rc == 0) rc = fp_store_org_get(c, r->params[0], o);
  return fp_found_or_respond(r, rc, "organisation", r->params[0]);
}

static void add_pool(int64_t pool_id, const char *name, bool member, void *ctx) {
  json_array_append_new(ctx, json_pack("{s:I, s:s, s:b, s:[]}", "id", (json_int_t)pool_id, "name", name, "member",
                                       member, "administrators"));
}

static void add_pool_admin(const char *name, const char *email, void *ctx) {
  json_t *last = json_array_get(ctx, json_array_size(ctx) - 1);
  json_array_append_new(json_object_get(last, "administrators"),
                        json_pack("{s:s, s:s}", "name", name ? name : "", "email", email ? email : ""));
}

/*
 * For a practice's own managers (and system administrators): `pools`, the pools it belongs to and
 * those of its ICB that could admit it, with their administrators, so that a practice in no pool
 * is told, before it posts, that nobody sees its shifts yet and whom to ask.
 */
/* A practice's release delays (core/release.h), for its managers and the system administrator. */
static int add_release_delays(struct fp_req *r, struct fp_conn *c, const struct fp_org *o, json_t *j) {
  if (strcmp(o->level, "practice") != 0) return 0;
  if (!fp_auth_has(&r->auth, FP_ROLE_SYSADMIN) && !fp_auth_has_for(&r->auth, FP_ROLE_PRACTICE_MANAGER, o->id)) return 0;
  struct fp_release_delays d;
  int rc = fp_store_release_delays_get(c, o->id, &d);
  if (rc) return rc;
  json_object_set_new(j, "release_delays",
                      json_pack("{s:i, s:i, s:i}", "pool_after_hours", d.pool_after_hours, "pool_before_start_hours",
                                d.pool_before_start_hours, "overflow_before_start_hours", d.overflow_before_start_hours));
  /* And how long its timesheets wait for a query before they are approved by themselves. */
  int32_t days = 0;
  if ((rc = fp_store_timesheet_days_get(c, o->id, &days)) != 0) return rc;
  json_object_set_new(j, "timesheet_auto_approve_days", json_integer(days));
  /* And whether its unfilled shifts' rates rise under its pool's rate policy (store/rate_policy.h). */
  bool escalate = false;
  if ((rc = fp_store_rate_escalation_get(c, o->id, &escalate)) != 0) return rc;
  json_object_set_new(j, "rate_escalation", json_boolean(escalate));
  /* And whose rate policy is over its shifts (the store's rule: the pool it joined first). */
  int64_t policy_pool = 0;
  struct fp_rate_policy policy;
  if ((rc = fp_store_practice_rate_policy(c, o->id, &policy_pool, &policy)) != 0) return rc;
  json_object_set_new(j, "rate_policy_pool_id", fp_json_id(policy_pool));
  return 0;
}

static int add_pools(struct fp_req *r, struct fp_conn *c, const struct fp_org *o, json_t *j) {
  if (strcmp(o->level, "practice") != 0) return 0;
  if (!fp_auth_has(&r->auth, FP_ROLE_SYSADMIN) && !fp_auth_has_for(&r->auth, FP_ROLE_PRACTICE_MANAGER, o->id)) return 0;
  int rc = add_release_delays(r, c, o, j);
  if (rc) return rc;
  json_t *pools = json_array();
  rc = fp_store_practice_pools(c, o->id, o->icb_id, add_pool, add_pool_admin, pools);
  if (rc) {
    json_decref(pools);
    return rc;
  }
  json_object_set_new(j, "pools", pools);
  return 0;
}

void fp_h_org_get(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_org o;
  if (load_visible_or_respond(r, c, &o)) return;
  json_t *j = fp_json_org(&o);
  int rc = add_pools(r, c, &o, j);
  fp_org_clear(&o);
  if (rc) {
    json_decref(j);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, j);
}

/* What a PATCH asks for, checked before the transaction. */
struct patch {
  const char *level, *ods, *name, *address, *postcode, *phone, *email;
  int64_t parent_id;
  bool active, has_active, has_parent;
  json_t *profile;     /* normalised, owned */
  char pc[9];
  bool has_release;
  struct fp_release_delays release; /* checked by the core (fp_release_delays_invalid) */
  bool has_ts_days;
  int64_t ts_days;                  /* a practice's days to a timesheet's approval by itself, 0 to 28 */
  bool has_escalation, escalation;  /* a practice's opt-in to its pool's rate escalation */
};

struct patch_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  int64_t target; /* the organisation */
  struct patch *p;
  struct fp_org o;
  bool ods_taken;
};

static int patch_tx(struct fp_conn *c, void *vctx) {
  struct patch_ctx *x = vctx;
  struct patch *p = x->p;
  struct fp_org *o = &x->o;
  int rc = fp_store_org_get(c, x->target, o);
  if (rc) return rc;
  char *before = org_text(o), *after = NULL;
  int64_t old_icb = o->icb_id;
  if (p->ods && strcmp(p->ods, o->ods_code) != 0) {
    int64_t other = 0;
    rc = fp_store_org_by_ods(c, p->ods, &other);
    if (rc == 0 && other != o->id) {
      x->ods_taken = true;
      free(before);
      return 1;
    }
    if (rc && rc != FP_ENOTFOUND) goto out;
    snprintf(o->ods_code, sizeof o->ods_code, "%s", p->ods);
  }
  if (p->name) snprintf(o->name, sizeof o->name, "%s", p->name);
  if (p->address) snprintf(o->address, sizeof o->address, "%s", p->address);
  if (p->phone) snprintf(o->phone, sizeof o->phone, "%s", p->phone);
  if (p->email) snprintf(o->email, sizeof o->email, "%s", p->email);
  if (p->has_active) o->active = p->active;
  if (p->postcode) {
    snprintf(o->postcode, sizeof o->postcode, "%s", p->pc);
    if ((rc = locate(c, o)) != 0) goto out;
  }
  if (p->profile) {
    free(o->profile);
    o->profile = profile_text(p->profile);
    o->profile_complete = profile_complete(p->profile);
  }
  if (p->has_parent) {
    o->parent_id = p->parent_id;
    /* The parent was checked before the transaction; organisations are never deleted. */
    struct fp_org parent;
    if (p->parent_id && strcmp(o->level, "icb") != 0) {
      if ((rc = fp_store_org_get(c, p->parent_id, &parent)) != 0) goto out;
      o->icb_id = parent.icb_id;
      fp_org_clear(&parent);
    }
  }
  if ((rc = fp_store_org_update(c, o)) != 0) goto out;
  if (o->icb_id != old_icb && (rc = fp_store_org_set_icb_below(c, o->id, o->icb_id)) != 0) goto out;
  after = org_text(o);
  rc = fp_store_audit(c, x->actor.now, x->actor.user_id, "organisation.update", "organisation", o->id, before, after);
  if (!rc && p->has_release) {
    /* The delays, and the opening instants of the practice's upcoming tiered shifts with them. */
    char delays[160];
    snprintf(delays, sizeof delays, "{\"pool_after_hours\":%d,\"pool_before_start_hours\":%d,\"overflow_before_start_hours\":%d}",
             (int)p->release.pool_after_hours, (int)p->release.pool_before_start_hours,
             (int)p->release.overflow_before_start_hours);
    rc = fp_store_release_delays_set(c, o->id, &p->release, x->actor.now);
    if (!rc) rc = fp_store_audit(c, x->actor.now, x->actor.user_id, "organisation.release_delays", "organisation", o->id, NULL, delays);
  }
  if (!rc && p->has_ts_days) rc = fp_store_timesheet_days_set(c, o->id, (int32_t)p->ts_days, x->actor.user_id, x->actor.now);
  if (!rc && p->has_escalation) rc = fp_store_rate_escalation_set(c, o->id, p->escalation, x->actor.user_id, x->actor.now);
out:
  free(after);
  free(before);
  return rc;
}

/*
 * `release_delays` of a PATCH: a practice's delays for tiered release, any of the three (the others
 * kept), each in whole hours and checked by the core (fp_release_delays_invalid): 400
 * invalid_field naming the one at fault ("release_delays.pool_after_hours"). 0, or -1 when answered.
 */
static int release_delays_or_respond(struct fp_req *r, struct fp_conn *c, enum fp_org_level lv, json_t *in, struct patch *p) {
  if (lv != FP_ORG_PRACTICE) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "release_delays", "only a practice releases shifts");
    return -1;
  }
  int rc = c ? fp_store_release_delays_get(c, r->params[0], &p->release) : FP_EIO;
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  int64_t after = p->release.pool_after_hours, before = p->release.pool_before_start_hours,
          overflow = p->release.overflow_before_start_hours;
  struct fp_field spec[] = {
      {"pool_after_hours", FP_F_INT, false, 0, FP_RELEASE_MAX_AFTER_HOURS, NULL, &after, NULL},
      {"pool_before_start_hours", FP_F_INT, false, 0, FP_RELEASE_MAX_BEFORE_HOURS, NULL, &before, NULL},
      {"overflow_before_start_hours", FP_F_INT, false, 0, FP_RELEASE_MAX_BEFORE_HOURS, NULL, &overflow, NULL},
      FP_FIELD_END,
  };
  if (fp_fields_parse_or_respond(r, in, spec)) {
    fp_fields_prefix_error(r, "release_delays.");
    return -1;
  }
  p->release = (struct fp_release_delays){(int32_t)after, (int32_t)before, (int32_t)overflow};
  const char *why = NULL, *field = fp_release_delays_invalid(&p->release, &why);
  if (field) {
    fp_reply_error(r, FP_API_INVALID_FIELD, field, "%s", why);
    fp_fields_prefix_error(r, "release_delays.");
    return -1;
  }
  p->has_release = true;
  return 0;
}

void fp_h_org_patch(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_org cur;
  if (load_visible_or_respond(r, c, &cur)) return;
  bool admin = fp_auth_has(&r->auth, FP_ROLE_SYSADMIN);
  bool manager = strcmp(cur.level, "practice") == 0 && fp_auth_has_for(&r->auth, FP_ROLE_PRACTICE_MANAGER, cur.id);
  enum fp_org_level lv = FP_ORG_PRACTICE;
  fp_org_level_parse(cur.level, &lv);
  fp_org_clear(&cur);
  if (!admin && !manager) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only a system administrator or the practice's manager can change it");
    return;
  }
  struct patch p;
  memset(&p, 0, sizeof p);
  json_t *profile_in = NULL, *release_in = NULL;
  struct fp_field spec[] = {
      {"level", FP_F_ENUM, false, 0, 0, ALL_LEVELS, &p.level, NULL},
      {"ods_code", FP_F_STRING, false, 1, 11, NULL, &p.ods, NULL},
      {"parent_id", FP_F_INT, false, 1, INT64_MAX, NULL, &p.parent_id, &p.has_parent},
      {"active", FP_F_BOOL, false, 0, 0, NULL, &p.active, &p.has_active},
      {"name", FP_F_STRING, false, 1, 200, NULL, &p.name, NULL},
      {"address", FP_F_STRING, false, 0, 400, NULL, &p.address, NULL},
      {"postcode", FP_F_STRING, false, 0, 16, NULL, &p.postcode, NULL},
      {"phone", FP_F_STRING, false, 0, 40, NULL, &p.phone, NULL},
      {"email", FP_F_STRING, false, 0, 254, NULL, &p.email, NULL},
      {"profile", FP_F_JSON, false, 0, 0, NULL, &profile_in, NULL},
      {"release_delays", FP_F_JSON, false, 0, 0, NULL, &release_in, NULL},
      {"timesheet_auto_approve_days", FP_F_INT, false, 0, FP_TS_AUTO_APPROVE_MAX_DAYS, NULL, &p.ts_days, &p.has_ts_days},
      {"rate_escalation", FP_F_BOOL, false, 0, 0, NULL, &p.escalation, &p.has_escalation},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec) || address_lines_or_respond(r, p.address)) return;
  if (release_in && release_delays_or_respond(r, c, lv, release_in, &p)) return;
  if (p.has_ts_days && lv != FP_ORG_PRACTICE) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "timesheet_auto_approve_days", "only a practice approves timesheets");
    return;
  }
  if (p.has_escalation && lv != FP_ORG_PRACTICE) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "rate_escalation", "only a practice's shifts are escalated");
    return;
  }
  const char *admin_only = p.level ? "level" : p.ods ? "ods_code" : p.has_parent ? "parent_id" : p.has_active ? "active" : NULL;
  if (admin_only && !admin) {
    fp_reply_error(r, FP_API_FORBIDDEN, admin_only, "only a system administrator can change '%s'", admin_only);
    return;
  }
  if (p.level && strcmp(p.level, fp_org_level_name(lv)) != 0) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "level", "an organisation's level cannot change; add a new organisation instead");
    return;
  }
  char ods[12];
  if (p.ods) {
    if (!ods_upper(p.ods, ods, sizeof ods) || !fp_ods_valid(lv, ods)) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "ods_code", "'%s' is not an ODS code of a %s (%s)", p.ods,
                     fp_org_level_name(lv), ods_shape(lv));
      return;
    }
    p.ods = ods;
  }
  if (email_or_respond(r, p.email) || phone_or_respond(r, p.phone) ||
      (p.postcode && postcode_or_respond(r, "postcode", p.postcode, p.pc)))
    return;
  if (p.has_parent) {
    int64_t icb = 0;
    if (parent_or_respond(r, c, lv, p.parent_id, &icb)) return;
  }
  if (profile_in) {
    if (lv != FP_ORG_PRACTICE) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "profile", "only a practice has a profile");
      return;
    }
    if (!(p.profile = profile_or_respond(r, profile_in))) return;
  }
  struct patch_ctx x;
  memset(&x, 0, sizeof x);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  x.target = r->params[0];
  x.p = &p;
  int rc = fp_store_write(r->app->store, patch_tx, &x);
  fp_org_clear(&x.o);
  json_decref(p.profile);
  if (rc == 1 && x.ods_taken) {
    fp_reply_error(r, FP_API_ODS_CODE_TAKEN, "ods_code", "an organisation with ODS code '%s' already exists", p.ods);
    return;
  }
  struct fp_org saved;
  if (rc == 0) rc = fp_store_org_get(c, r->params[0], &saved);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *j = fp_json_org(&saved);
  rc = add_release_delays(r, c, &saved, j);
  fp_org_clear(&saved);
  if (rc) {
    json_decref(j);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, j);
}
