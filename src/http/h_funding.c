/*
 * h_funding.c - a pool's programme funding and NHS England's pool return (issue 14;
 * docs/METRICS.md, "Funding" and "The NHS England pool return").
 *   GET  /api/v1/pools/{id}/funding?year=YYYY  the financial year's allocations and spend (default
 *        this year): the entries, their totals, what remains and the spend forecast to the year's end
 *   POST /api/v1/pools/{id}/funding {kind, on, amount_pence, description}  an allocation or a spend
 *        entry, by a commissioner of the pool's ICB (or a system administrator); never edited: a
 *        correction is an entry of its own (negative)
 *   GET  /api/v1/pools/{id}/return?month=YYYY-MM, /return.csv  the pool-evaluation return for a
 *        month: the day the pool opened, GPs and practices registered and onboarded, the hours of
 *        clinical work, and the programme's spend against its funding; exact (no suppression)
 * Read by the pool's administrators, the commissioners of its ICB and system administrators.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/eligibility.h"
#include "core/error.h"
#include "core/figures.h"
#include "core/funding.h"
#include "core/money.h"
#include "core/time.h"
#include "docs/csv_out.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/request.h"
#include "http/routes.h"
#include "store/funding.h"
#include "store/members.h"
#include "store/metrics.h"

/* At most GBP 100 million either way in one entry. */
#define AMOUNT_MAX_PENCE 10000000000LL

static bool may_read(const struct fp_auth *a, const struct fp_pool *p) {
  return fp_auth_has(a, FP_ROLE_SYSADMIN) || fp_auth_has_for(a, FP_ROLE_POOL_ADMIN, p->id) ||
         (p->icb_id && fp_auth_has_for(a, FP_ROLE_COMMISSIONER, p->icb_id));
}

static bool may_record(const struct fp_auth *a, const struct fp_pool *p) {
  return fp_auth_has(a, FP_ROLE_SYSADMIN) || (p->icb_id && fp_auth_has_for(a, FP_ROLE_COMMISSIONER, p->icb_id));
}

/* The pool of the path, which the caller may read: 0, or -1 once answered (404 or 403). */
static int pool_or_respond(struct fp_req *r, struct fp_conn *c, struct fp_pool *p) {
  int rc = c ? fp_store_pool_get(c, r->params[0], p) : FP_EIO;
  if (fp_found_or_respond(r, rc, "pool", r->params[0])) return -1;
  if (may_read(&r->auth, p)) return 0;
  fp_reply_error(r, FP_API_FORBIDDEN, NULL,
                 "the pool's funding is for its administrators and the commissioners of its ICB");
  return -1;
}

/* ---- funding ---- */

static json_t *entry_json(const struct fp_funding_entry *e) {
  return json_pack("{s:I, s:I, s:s, s:o, s:I, s:s, s:o, s:o}", "id", (json_int_t)e->id, "pool_id",
                   (json_int_t)e->pool_id, "kind", e->kind, "on", fp_json_date((int32_t)e->on_day), "amount_pence",
                   (json_int_t)e->amount_pence, "description", e->description, "created_by_user_id",
                   fp_json_id(e->created_by), "created_at", fp_json_time(e->created_at));
}

static void add_entry(const struct fp_funding_entry *e, void *ctx) { json_array_append_new(ctx, entry_json(e)); }

/* The financial year's figures of pool at today: {financial_year, from, to, allocated_pence, ...}. */
static int year_json(struct fp_conn *c, int64_t pool_id, int year, fp_day today, bool entries, json_t **out) {
  fp_day first, end;
  fp_financial_year_days(year, &first, &end);
  int64_t allocated = 0, spent = 0;
  int rc = fp_store_funding_totals(c, pool_id, first, end, &allocated, &spent);
  if (rc) return rc;
  char name[8];
  fp_financial_year_name(year, name);
  json_t *j = json_pack("{s:I, s:s, s:o, s:o, s:I, s:I, s:I, s:I}", "pool_id", (json_int_t)pool_id, "financial_year",
                        name, "from", fp_json_date(first), "to", fp_json_date(end), "allocated_pence",
                        (json_int_t)allocated, "spent_pence", (json_int_t)spent, "remaining_pence",
                        (json_int_t)(allocated - spent), "forecast_spend_pence",
                        (json_int_t)fp_funding_forecast(spent, first, end, today));
  if (entries) {
    json_t *items = json_array();
    if ((rc = fp_store_funding_list(c, pool_id, first, end, add_entry, items)) != 0) {
      json_decref(items);
      json_decref(j);
      return rc;
    }
    json_object_set_new(j, "entries", items);
  }
  *out = j;
  return 0;
}

void fp_h_pool_funding(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_pool p;
  if (pool_or_respond(r, c, &p)) return;
  fp_day today = fp_uk_day(r->now);
  int64_t year = fp_financial_year_of(today);
  if (fp_query_int_or_respond(r, "year", 2000, 2200, &year)) return;
  json_t *j = NULL;
  int rc = year_json(c, p.id, (int)year, today, true, &j);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  json_object_set_new(j, "may_record", json_boolean(may_record(&r->auth, &p)));
  fp_reply_json(r, 200, j);
}

struct add_ctx {
  struct fp_funding_entry e;
  int64_t actor, now, id;
};

static int add_tx(struct fp_conn *c, void *vctx) {
  struct add_ctx *x = vctx;
  return fp_store_funding_add(c, &x->e, x->actor, x->now, &x->id);
}

void fp_h_pool_funding_add(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_pool p;
  if (pool_or_respond(r, c, &p)) return;
  if (!may_record(&r->auth, &p)) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only the commissioners of the pool's ICB record its funding");
    return;
  }
  static const char *const KINDS[] = {"allocation", "spend", NULL};
  const char *kind = NULL, *description = NULL;
  fp_day on = 0;
  struct add_ctx x = {.actor = r->auth.user_id, .now = r->now};
  struct fp_field spec[] = {
      {"kind", FP_F_ENUM, true, 0, 0, KINDS, &kind, NULL},
      {"on", FP_F_DATE, true, 0, 0, NULL, &on, NULL},
      {"amount_pence", FP_F_INT, true, -AMOUNT_MAX_PENCE, AMOUNT_MAX_PENCE, NULL, &x.e.amount_pence, NULL},
      {"description", FP_F_STRING, true, 1, FP_FUNDING_DESCRIPTION_MAX, NULL, &description, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  if (x.e.amount_pence == 0) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "amount_pence",
                   "'amount_pence' must not be 0 (a correction is a negative amount)");
    return;
  }
  /* Up to the same day next year (a year's allocation recorded ahead; from 29 February, 28 February,
     as the web form says). */
  int ty, tm, td;
  fp_civil_from_days(fp_uk_day(r->now), &ty, &tm, &td);
  if (tm == 2 && td == 29) td = 28;
  if (on < fp_days_from_civil(2000, 1, 1) || on > fp_days_from_civil(ty + 1, tm, td)) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "on", "'on' must be a day from 2000 to a year from now");
    return;
  }
  x.e.pool_id = p.id;
  snprintf(x.e.kind, sizeof x.e.kind, "%s", kind);
  x.e.on_day = on;
  snprintf(x.e.description, sizeof x.e.description, "%s", description);
  int rc = fp_store_write(r->app->store, add_tx, &x);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  x.e.id = x.id;
  x.e.created_by = x.actor;
  x.e.created_at = x.now;
  fp_reply_json(r, 201, entry_json(&x.e));
}

/* ---- the NHS England pool return ---- */

struct pool_return {
  int year, month;
  fp_day first, end;         /* the month's days: [first, end) */
  fp_day opened_on;
  bool opened_on_recorded;
  int64_t gps_registered, gps_onboarded, practices_registered, practices_onboarded;
  int64_t minutes_month, minutes_year;
  char financial_year[8];
  int64_t funding_pence, spend_month_pence, spend_year_pence;
};

/* A month as YYYY-MM: 0, or -1 once answered 400. Absent: last month (the one a return is for). */
static int month_or_respond(struct fp_req *r, int *year, int *month) {
  const char *v = fp_req_query(r, "month");
  if (!v) {
    int d;
    fp_civil_from_days(fp_uk_day(r->now), year, month, &d);
    if (--*month == 0) *month = 12, --*year;
    return 0;
  }
  char tail = 0;
  if (strlen(v) != 7 || sscanf(v, "%4d-%2d%c", year, month, &tail) != 2 || *month < 1 || *month > 12 || *year < 2000 ||
      *year > 2200) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "month", "'month' must be a month, YYYY-MM");
    return -1;
  }
  return 0;
}

/* The figures of the month as the overview defines them, over the pool's practices and members. */
static int pool_figures(struct fp_conn *c, int64_t pool_id, fp_day first, fp_day end, int64_t now,
                        struct fp_metrics *m) {
  struct fp_scope scope;
  fp_scope_of_area(&scope, 0, pool_id, now);
  return fp_store_metrics(c, &scope, fp_uk_local_to_utc(first, 0, 0, 0), fp_uk_local_to_utc(end, 0, 0, 0), now, end - 1,
                          m);
}

static int pool_return(struct fp_conn *c, const struct fp_pool *p, int year, int month, int64_t now,
                       struct pool_return *out) {
  memset(out, 0, sizeof *out);
  out->year = year;
  out->month = month;
  out->first = fp_days_from_civil(year, month, 1);
  out->end = month == 12 ? fp_days_from_civil(year + 1, 1, 1) : fp_days_from_civil(year, month + 1, 1);
  out->opened_on_recorded = p->opened_on != FP_DAY_NONE;
  out->opened_on = out->opened_on_recorded ? (fp_day)p->opened_on : fp_uk_day(p->created_at);
  struct fp_metrics m;
  int rc = pool_figures(c, p->id, out->first, out->end, now, &m);
  if (rc) return rc;
  out->practices_registered = m.totals.practices_registered;
  out->practices_onboarded = m.totals.practices_onboarded;
  out->minutes_month = m.totals.minutes_delivered;
  for (int i = 0; i < m.n_professions; i++)
    if (strcmp(m.professions[i].profession, "gp") == 0) {
      out->gps_registered = m.professions[i].registered;
      out->gps_onboarded = m.professions[i].onboarded;
    }
  fp_metrics_release(&m);
  int fy = fp_financial_year_of(out->first);
  fp_day fy_first, fy_end;
  fp_financial_year_days(fy, &fy_first, &fy_end);
  fp_financial_year_name(fy, out->financial_year);
  if ((rc = pool_figures(c, p->id, fy_first, out->end, now, &m)) != 0) return rc;
  out->minutes_year = m.totals.minutes_delivered;
  fp_metrics_release(&m);
  int64_t allocated_unused = 0;
  if ((rc = fp_store_funding_totals(c, p->id, fy_first, fy_end, &out->funding_pence, &allocated_unused)) != 0) return rc;
  if ((rc = fp_store_funding_totals(c, p->id, fy_first, out->end, &allocated_unused, &out->spend_year_pence)) != 0)
    return rc;
  return fp_store_funding_totals(c, p->id, out->first, out->end, &allocated_unused, &out->spend_month_pence);
}

static int return_or_respond(struct fp_req *r, struct fp_pool *p, struct pool_return *ret) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (pool_or_respond(r, c, p)) return -1;
  int year, month;
  if (month_or_respond(r, &year, &month)) return -1;
  int rc = pool_return(c, p, year, month, r->now, ret);
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  return 0;
}

void fp_h_pool_return(struct fp_req *r) {
  struct fp_pool p;
  struct pool_return x;
  if (return_or_respond(r, &p, &x)) return;
  char month[8];
  snprintf(month, sizeof month, "%04d-%02d", x.year, x.month);
  json_t *j = json_pack("{s:I, s:s, s:s, s:o, s:b}", "pool_id", (json_int_t)p.id, "pool_name", p.name, "month", month,
                        "opened_on", fp_json_date(x.opened_on), "opened_on_recorded", x.opened_on_recorded);
  json_object_set_new(j, "gps_registered", json_integer(x.gps_registered));
  json_object_set_new(j, "gps_onboarded", json_integer(x.gps_onboarded));
  json_object_set_new(j, "practices_registered", json_integer(x.practices_registered));
  json_object_set_new(j, "practices_onboarded", json_integer(x.practices_onboarded));
  json_object_set_new(j, "clinical_hours_month", json_real(fp_hours_number(x.minutes_month)));
  json_object_set_new(j, "clinical_hours_year_to_date", json_real(fp_hours_number(x.minutes_year)));
  json_object_set_new(j, "financial_year", json_string(x.financial_year));
  json_object_set_new(j, "funding_pence", json_integer(x.funding_pence));
  json_object_set_new(j, "spend_month_pence", json_integer(x.spend_month_pence));
  json_object_set_new(j, "spend_year_to_date_pence", json_integer(x.spend_year_pence));
  json_object_set_new(j, "funding_remaining_pence", json_integer(x.funding_pence - x.spend_year_pence));
  fp_reply_json(r, 200, j);
}

static const char *const CSV_HEAD[] = {
    "pool_id", "pool_name", "month", "opened_on", "opened_on_recorded", "gps_registered", "gps_onboarded", "practices_registered",
    "practices_onboarded", "clinical_hours_month", "clinical_hours_year_to_date", "financial_year", "funding_pence",
    "funding_gbp", "spend_month_pence", "spend_month_gbp", "spend_year_to_date_pence", "spend_year_to_date_gbp",
    "funding_remaining_pence", "funding_remaining_gbp",
};
#define CSV_COLS (sizeof CSV_HEAD / sizeof CSV_HEAD[0])

void fp_h_pool_return_csv(struct fp_req *r) {
  struct fp_pool p;
  struct pool_return x;
  if (return_or_respond(r, &p, &x)) return;
  char id[24], month[8], opened[FP_DATE_STRLEN], n[4][24], h_month[32], h_year[32], pence[4][24],
      gbp[4][FP_MONEY_TEXT_LEN];
  snprintf(id, sizeof id, "%lld", (long long)p.id);
  snprintf(month, sizeof month, "%04d-%02d", x.year, x.month);
  fp_date_format(x.opened_on, opened);
  const int64_t counts[4] = {x.gps_registered, x.gps_onboarded, x.practices_registered, x.practices_onboarded};
  for (int i = 0; i < 4; i++) snprintf(n[i], sizeof n[i], "%lld", (long long)counts[i]);
  fp_hours_text(x.minutes_month, h_month);
  fp_hours_text(x.minutes_year, h_year);
  const int64_t money[4] = {x.funding_pence, x.spend_month_pence, x.spend_year_pence,
                            x.funding_pence - x.spend_year_pence};
  for (int i = 0; i < 4; i++) {
    snprintf(pence[i], sizeof pence[i], "%lld", (long long)money[i]);
    fp_money_text(money[i], gbp[i]);
  }
  const char *cells[CSV_COLS] = {id,       p.name,   month,    opened,   x.opened_on_recorded ? "true" : "false",
                                 n[0],     n[1],     n[2],     n[3],     h_month,
                                 h_year,   x.financial_year,   pence[0], gbp[0],
                                 pence[1], gbp[1],   pence[2], gbp[2],   pence[3],
                                 gbp[3]};
  struct fp_csv_out out;
  fp_csv_out_begin(&out);
  fp_csv_out_row(&out, CSV_HEAD, CSV_COLS);
  fp_csv_out_row(&out, cells, CSV_COLS);
  if (out.failed) {
    free(out.data);
    fp_reply_store_error(r, FP_ENOMEM);
    return;
  }
  char disposition[96];
  snprintf(disposition, sizeof disposition, "attachment; filename=\"pool-%lld-return-%s.csv\"", (long long)p.id, month);
  fp_req_add_header(r, "Content-Disposition", disposition);
  fp_reply_text(r, 200, "text/csv; charset=utf-8", out.data, out.len);
}
