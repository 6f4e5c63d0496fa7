/*
 * "Who is available" for a practice manager (issue 12):
 *   GET /api/v1/organisations/{id}/available-clinicians?date=YYYY-MM-DD&session=morning
 *       (or &start=HH:MM&end=HH:MM; &profession=gp; &limit; &cursor)
 * The clinicians of the practice's pools who said they are available for the whole of that time
 * (the core's fp_availability_covers, the one decision), are eligible on that date for the role
 * with no booking of theirs overlapping it and within their pools' working-time guards (all three
 * fp_store_offer_would_book, the booking's own decision, asked as an offer), are not blocked by
 * the practice and are within reach (their travel radius against the practice's location), ranked
 * by fit: favourites first, then past sessions at the practice, then distance. The store hands
 * candidates in that order, a batch at a time; at most EXAMINE_MAX are looked at for one page, so a
 * page never loads the whole pool: when that bound is met first, the page ends short with a cursor
 * to carry on. Only the practice's own managers ask (403 for anyone else).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/availability.h"
#include "core/error.h"
#include "core/validate.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/availability.h"
#include "store/available.h"
#include "store/db.h"
#include "store/places.h"
#include "store/shifts.h"

#define BATCH 50
#define EXAMINE_MAX 1000

struct scan {
  struct fp_conn *c;
  int64_t practice_id;
  const char *profession;
  const struct fp_org *org;
  fp_time start, end, now;
  struct fp_page *page;
  int limit, found, examined, skipped;
  bool full;                 /* the page is full: the rest of the batch is left for the next page */
  int64_t last_rank, last_id; /* the last candidate looked at */
  int rc;
};

static void consider(const struct fp_candidate *k, void *vctx) {
  struct scan *x = vctx;
  if (x->full || x->rc) {
    x->skipped++; /* left for the next page */
    return;
  }
  x->examined++;
  x->last_rank = k->rank;
  x->last_id = k->clinician_id;
  /* Inside their availability: the core decides. */
  struct fp_stored_availability *sa = malloc(sizeof *sa);
  if (!sa) {
    x->rc = FP_ENOMEM;
    return;
  }
  int rc = fp_store_availability_get(x->c, k->clinician_id, sa);
  struct fp_availability a = fp_stored_availability_view(sa);
  bool covered = rc == 0 && fp_availability_covers(&a, x->start, x->end);
  free(sa);
  if (rc) {
    x->rc = rc;
    return;
  }
  if (!covered) return;
  /* Within reach: their radius against the practice's location, when both are known. */
  bool has_distance = k->has_home && x->org->has_location;
  double km = has_distance ? fp_distance_km(x->org->lat, x->org->lon, k->lat, k->lon) : 0;
  if (has_distance && k->travel_radius_km > 0 && km > (double)k->travel_radius_km) return;
  /* Would an offer of that time book them: eligible on the date for the role, no booking of theirs
     overlapping it and within their pools' working-time guards? The booking's own decision. */
  struct fp_shift s;
  memset(&s, 0, sizeof s);
  s.practice_id = x->practice_id;
  snprintf(s.role, sizeof s.role, "%s", x->profession ? x->profession : k->profession);
  snprintf(s.booking_mode, sizeof s.booking_mode, "%s", "approval");
  s.starts_at = x->start;
  s.ends_at = x->end;
  struct fp_elig_view v;
  memset(&v, 0, sizeof v);
  v.clinician_id = k->clinician_id;
  bool takes = false;
  rc = fp_store_offer_would_book(x->c, &s, &v, true, x->now, &takes);
  fp_elig_view_release(&v);
  if (rc) {
    x->rc = rc;
    return;
  }
  if (!takes) return;
  json_t *item = json_pack("{s:o, s:s, s:s, s:b, s:I, s:o, s:o}", "clinician_id", fp_json_id(k->clinician_id), "name",
                           k->name, "profession", k->profession, "favourite", k->favourite, "past_sessions",
                           (json_int_t)k->past_sessions, "distance_km",
                           has_distance ? json_real((double)(long long)(km * 10 + 0.5) / 10) : json_null(),
                           "travel_radius_km", k->travel_radius_km > 0 ? json_integer(k->travel_radius_km) : json_null());
  fp_page_add(x->page, item, k->rank, k->clinician_id);
  if (++x->found == x->limit) x->full = true;
}

void fp_h_available_clinicians(struct fp_req *r) {
  if (!fp_auth_has_for(&r->auth, FP_ROLE_PRACTICE_MANAGER, r->params[0])) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only the practice's own managers look for its cover");
    return;
  }
  const char *date = fp_req_query(r, "date");
  fp_day day;
  if (!date || fp_date_parse(date, &day) != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "date", "'date' is required, a date such as 2026-12-01");
    return;
  }
  static const char *const sessions[] = {"morning", "afternoon", "evening", NULL};
  const char *session = fp_req_query(r, "session"), *start_s = fp_req_query(r, "start"), *end_s = fp_req_query(r, "end");
  int start_min = -1, end_min = -1;
  if (session) {
    if (start_s || end_s) {
      fp_reply_error(r, FP_API_INVALID_PARAMETER, "session", "give a session or start and end, not both");
      return;
    }
    int si = 0;
    if (fp_query_enum_or_respond(r, "session", sessions, 0, &si)) return;
    fp_avail_session_hours(fp_avail_session_parse(sessions[si]), &start_min, &end_min);
  } else {
    start_min = fp_clock_parse(start_s);
    end_min = fp_clock_parse(end_s);
    if (start_min < 0 || start_min >= 1440) {
      fp_reply_error(r, FP_API_INVALID_PARAMETER, start_s ? "start" : "session",
                     "give a session (morning, afternoon, evening) or start and end such as 09:00");
      return;
    }
    if (end_min <= start_min) {
      fp_reply_error(r, FP_API_INVALID_PARAMETER, "end", "'end' must be a time such as 13:00 after 'start'");
      return;
    }
  }
  const char *profession = NULL;
  int64_t limit = 25, after_rank = 0, after_id = 0;
  bool has_cursor = false;
  if (fp_profession_param_or_respond(r, &profession) || fp_query_int_or_respond(r, "limit", 1, 100, &limit) ||
      fp_cursor_parse_or_respond(r, &after_rank, &after_id, &has_cursor))
    return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) {
    fp_reply_error(r, FP_API_UNAVAILABLE, NULL, "the store is not available");
    return;
  }
  struct fp_org org;
  int rc = fp_store_org_get(c, r->params[0], &org);
  if (fp_found_or_respond(r, rc, "organisation", r->params[0])) return;

  struct fp_page page;
  fp_page_init(&page, NULL);
  struct scan x = {.c = c, .practice_id = org.id, .profession = profession, .org = &org, .page = &page, .limit = (int)limit,
                   .now = r->now};
  fp_avail_local_interval(day, start_min, end_min, &x.start, &x.end);
  if (x.start <= r->now) {
    json_decref(page.items);
    fp_org_clear(&org);
    fp_reply_error(r, FP_API_INVALID_PARAMETER, session || !start_s ? "date" : "start",
                   "that time has started: look for cover at a time still ahead");
    return;
  }
  struct fp_candidate_query q = {
      .practice_id = org.id,
      .profession = profession,
      .start = x.start,
      .day_first = day,
      .day_last = day,
      .practice_located = org.has_location,
      .lat = org.lat,
      .lon = org.lon,
      .has_after = has_cursor,
      .after_rank = after_rank,
      .after_id = after_id,
      .limit = BATCH,
  };
  bool more = true;
  while (!x.full && !x.rc && more && x.examined < EXAMINE_MAX) {
    rc = fp_store_available_candidates(c, &q, consider, &x, &more);
    if (rc) break;
    q.has_after = true;
    q.after_rank = x.last_rank;
    q.after_id = x.last_id;
  }
  if (!rc) rc = x.rc;
  /* Something follows when the store had more, or the page filled before the batch ended; the next
     page starts after the last clinician looked at (when full, the last one listed). */
  bool follows = more || x.skipped > 0;
  fp_org_clear(&org);
  if (rc) {
    json_decref(page.items);
    fp_reply_store_error(r, rc);
    return;
  }
  char cursor[64] = "";
  if (follows) fp_cursor_format(cursor, sizeof cursor, x.last_rank, x.last_id);
  char from[FP_TIME_STRLEN], to[FP_TIME_STRLEN];
  fp_time_format(x.start, from);
  fp_time_format(x.end, to);
  fp_reply_json(r, 200, json_pack("{s:o, s:o, s:s, s:s, s:i}", "items", page.items, "next_cursor",
                                  follows ? json_string(cursor) : json_null(), "starts_at", from, "ends_at", to,
                                  "examined", x.examined));
}
