/*
 * A clinician's availability (issue 12):
 *   GET /api/v1/me/availability   the signed-in clinician's weekly pattern and exceptions;
 *   PUT /api/v1/me/availability   replaces both, checked at the door against the core's limits
 *                                 (src/core/availability.h): too many is refused with 400, never cut.
 * Only clinicians have availability; anyone else is answered 403.
 *
 * On the wire a window is {day, session, start, end}: day "monday".."sunday"; hours "HH:MM" UK local
 * wall-clock time ("24:00" ends at midnight); a request gives a session (its preset hours) or start
 * and end, and an answer gives both (session null for own hours). An exception is
 * {kind: "unavailable", from, to} or {kind: "extra", from, session | start+end} with UK local dates.
 */
#include <stdio.h>
#include <string.h>

#include "core/availability.h"
#include "core/error.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/availability.h"
#include "store/db.h"

static const char *const DAYS[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", NULL};
static const char *const SESSIONS[] = {"morning", "afternoon", "evening", NULL};
static const char *const KINDS[] = {"unavailable", "extra", NULL};

static void hours_json(json_t *o, int start_min, int end_min) {
  char s[6], e[6];
  fp_clock_format(start_min, s);
  fp_clock_format(end_min, e);
  const char *session = fp_avail_session_name(fp_avail_session_of(start_min, end_min));
  json_object_set_new(o, "session", session ? json_string(session) : json_null());
  json_object_set_new(o, "start", json_string(s));
  json_object_set_new(o, "end", json_string(e));
}

static json_t *availability_json(const struct fp_availability *a) {
  json_t *pattern = json_array(), *exceptions = json_array();
  for (size_t i = 0; i < a->n_windows; i++) {
    json_t *w = json_pack("{s:s}", "day", DAYS[a->windows[i].weekday]);
    hours_json(w, a->windows[i].start_min, a->windows[i].end_min);
    json_array_append_new(pattern, w);
  }
  for (size_t i = 0; i < a->n_exceptions; i++) {
    const struct fp_avail_exception *e = &a->exceptions[i];
    char from[FP_DATE_STRLEN], to[FP_DATE_STRLEN];
    fp_date_format(e->from, from);
    fp_date_format(e->to, to);
    json_t *x = json_pack("{s:s, s:s, s:s}", "kind", e->kind == FP_AVAIL_EXTRA ? "extra" : "unavailable", "from", from,
                          "to", to);
    if (e->kind == FP_AVAIL_EXTRA) hours_json(x, e->start_min, e->end_min);
    json_array_append_new(exceptions, x);
  }
  return json_pack("{s:o, s:o, s:{s:i, s:i, s:i}}", "pattern", pattern, "exceptions", exceptions, "limits", "pattern",
                   FP_AVAIL_MAX_WINDOWS, "exceptions", FP_AVAIL_MAX_EXCEPTIONS, "range_days", FP_AVAIL_MAX_RANGE_DAYS);
}

/*
 * The hours of an entry: a session's, or start and end. 0 with the minutes, or answers 400 naming
 * the field under prefix and -1.
 */
static int hours_or_respond(struct fp_req *r, const char *prefix, const char *session, const char *start,
                            const char *end, int *start_min, int *end_min) {
  char field[64];
  if (session) {
    if (start || end) {
      snprintf(field, sizeof field, "%ssession", prefix);
      fp_reply_error(r, FP_API_INVALID_FIELD, field, "give a session or start and end, not both");
      return -1;
    }
    fp_avail_session_hours(fp_avail_session_parse(session), start_min, end_min);
    return 0;
  }
  if (!start || !end) {
    snprintf(field, sizeof field, "%s%s", prefix, start ? "end" : "start");
    fp_reply_error(r, FP_API_MISSING_FIELD, field, "give a session (morning, afternoon, evening) or start and end");
    return -1;
  }
  *start_min = fp_clock_parse(start);
  *end_min = fp_clock_parse(end);
  const char *bad = *start_min < 0 || *start_min >= 1440 ? "start" : *end_min < 0 ? "end" : NULL;
  if (bad) {
    snprintf(field, sizeof field, "%s%s", prefix, bad);
    fp_reply_error(r, FP_API_INVALID_FIELD, field, "'%s' must be a time of day such as 08:00 (00:00 to 24:00)", bad);
    return -1;
  }
  if (*end_min <= *start_min) {
    snprintf(field, sizeof field, "%send", prefix);
    fp_reply_error(r, FP_API_INVALID_FIELD, field, "'end' must be after 'start' on the same day");
    return -1;
  }
  return 0;
}

/* The hours of an entry: a session's name, or its own start and end ("08:30"). */
#define HOURS_FIELDS(session, start, end)                                                                              \
  {"session", FP_F_ENUM, false, 0, 0, SESSIONS, (session), NULL},                                                      \
      {"start", FP_F_STRING, false, 0, 5, NULL, (start), NULL}, {                                                      \
    "end", FP_F_STRING, false, 0, 5, NULL, (end), NULL                                                                 \
  }

/* Entry i of the body's list (an object: shape says which) parsed by spec, with prefix set to
   "list[i].", which names its fields in an answer: 0, or -1 once answered. */
static int entry_or_respond(struct fp_req *r, json_t *in, const char *list, size_t i, const char *shape,
    const struct fp_field *spec, char *prefix, size_t prefix_len) {
  snprintf(prefix, prefix_len, "%s[%zu].", list, i);
  if (!json_is_object(in)) {
    fp_reply_error(r, FP_API_INVALID_FIELD, list, "each entry of '%s' must be an object %s", list, shape);
    return -1;
  }
  if (fp_fields_parse_or_respond(r, in, spec)) {
    fp_fields_prefix_error(r, prefix);
    return -1;
  }
  return 0;
}

static int window_or_respond(struct fp_req *r, json_t *in, size_t i, struct fp_avail_window *w) {
  char prefix[40];
  const char *day = NULL, *session = NULL, *start = NULL, *end = NULL;
  struct fp_field spec[] = {
      {"day", FP_F_ENUM, true, 0, 0, DAYS, &day, NULL},
      HOURS_FIELDS(&session, &start, &end),
      FP_FIELD_END,
  };
  if (entry_or_respond(r, in, "pattern", i, "{day, session}", spec, prefix, sizeof prefix)) return -1;
  for (int d = 0; DAYS[d]; d++)
    if (strcmp(DAYS[d], day) == 0) w->weekday = d;
  return hours_or_respond(r, prefix, session, start, end, &w->start_min, &w->end_min);
}

static int exception_or_respond(struct fp_req *r, json_t *in, size_t i, struct fp_avail_exception *e) {
  char prefix[40], field[64];
  const char *kind = NULL, *session = NULL, *start = NULL, *end = NULL;
  bool has_to = false;
  memset(e, 0, sizeof *e);
  struct fp_field spec[] = {
      {"kind", FP_F_ENUM, true, 0, 0, KINDS, &kind, NULL},
      {"from", FP_F_DATE, true, 0, 0, NULL, &e->from, NULL},
      {"to", FP_F_DATE, false, 0, 0, NULL, &e->to, &has_to},
      HOURS_FIELDS(&session, &start, &end),
      FP_FIELD_END,
  };
  if (entry_or_respond(r, in, "exceptions", i, "{kind, from, ...}", spec, prefix, sizeof prefix)) return -1;
  if (!has_to) e->to = e->from;
  if (strcmp(kind, "extra") == 0) {
    e->kind = FP_AVAIL_EXTRA;
    if (e->to != e->from) {
      snprintf(field, sizeof field, "%sto", prefix);
      fp_reply_error(r, FP_API_INVALID_FIELD, field, "an extra day is one date: give 'from' only");
      return -1;
    }
    return hours_or_respond(r, prefix, session, start, end, &e->start_min, &e->end_min);
  }
  e->kind = FP_AVAIL_UNAVAILABLE;
  if (session || start || end) {
    snprintf(field, sizeof field, "%s%s", prefix, session ? "session" : start ? "start" : "end");
    fp_reply_error(r, FP_API_INVALID_FIELD, field, "an unavailable exception covers whole days: give 'from' and 'to' only");
    return -1;
  }
  if (e->to < e->from || (long)e->to - (long)e->from + 1 > FP_AVAIL_MAX_RANGE_DAYS) {
    snprintf(field, sizeof field, "%sto", prefix);
    fp_reply_error(r, FP_API_INVALID_FIELD, field, "'to' must be on or after 'from', at most %d days in all",
                   FP_AVAIL_MAX_RANGE_DAYS);
    return -1;
  }
  return 0;
}

static int clinician_or_respond(struct fp_req *r) {
  if (r->auth.clinician_id) return 0;
  fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only clinicians say when they are available");
  return -1;
}

void fp_h_me_availability(struct fp_req *r) {
  if (clinician_or_respond(r)) return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) {
    fp_reply_error(r, FP_API_UNAVAILABLE, NULL, "the store is not available");
    return;
  }
  struct fp_stored_availability sa;
  int rc = fp_store_availability_get(c, r->auth.clinician_id, &sa);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  struct fp_availability a = fp_stored_availability_view(&sa);
  fp_reply_json(r, 200, availability_json(&a));
}

struct set_tx {
  int64_t clinician_id, actor, now;
  const struct fp_availability *a;
};

/* Replaces the pattern; never replies. */
static int set_tx_fn(struct fp_conn *c, void *vctx) {
  struct set_tx *x = vctx;
  return fp_store_availability_set(c, x->clinician_id, x->a, x->actor, x->now);
}

void fp_h_me_availability_put(struct fp_req *r) {
  if (clinician_or_respond(r) || fp_req_json_or_respond(r)) return;
  json_t *pattern = NULL, *exceptions = NULL;
  struct fp_field spec[] = {
      {"pattern", FP_F_ARRAY, true, 0, FP_AVAIL_MAX_WINDOWS, NULL, &pattern, NULL},
      {"exceptions", FP_F_ARRAY, false, 0, FP_AVAIL_MAX_EXCEPTIONS, NULL, &exceptions, NULL},
      FP_FIELD_END,
  };
  if (fp_fields_parse_or_respond(r, r->json, spec)) return;
  struct fp_stored_availability sa;
  memset(&sa, 0, sizeof sa);
  size_t i;
  json_t *v;
  json_array_foreach(pattern, i, v) {
    if (window_or_respond(r, v, i, &sa.windows[sa.n_windows++])) return;
  }
  if (exceptions) json_array_foreach(exceptions, i, v) {
      if (exception_or_respond(r, v, i, &sa.exceptions[sa.n_exceptions++])) return;
    }
  struct fp_availability a = fp_stored_availability_view(&sa);
  size_t at = 0;
  enum fp_avail_problem p = fp_availability_validate(&a, &at);
  if (p != FP_AVAIL_OK) {
    /* Everything is checked above, field by field; the core's check is the last word. */
    fp_reply_error(r, FP_API_INVALID_FIELD,
                   p == FP_AVAIL_TOO_MANY_WINDOWS || p == FP_AVAIL_BAD_WEEKDAY ? "pattern" : "exceptions",
                   "the availability is not valid (entry %zu)", at);
    return;
  }
  struct set_tx x = {r->auth.clinician_id, r->auth.user_id, r->now, &a};
  int rc = fp_store_write(r->app->store, set_tx_fn, &x);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_h_me_availability(r); /* as stored, in its order */
}
