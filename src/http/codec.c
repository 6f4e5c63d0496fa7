/* JSON shapes of the resources. See codec.h. */
#include "http/codec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/invoice.h"
#include "core/money.h"
#include "core/time.h"
#include "core/profession.h"
#include "store/timesheets.h"
#include "http/fields.h"
#include "store/members.h"

json_t *fp_json_time(int64_t t) {
  char buf[FP_TIME_STRLEN];
  fp_time_format(t, buf);
  return json_string(buf);
}

json_t *fp_json_time_or_null(int64_t t) { return t ? fp_json_time(t) : json_null(); }

json_t *fp_json_date(int32_t day) {
  char buf[FP_DATE_STRLEN];
  fp_date_format(day, buf);
  return json_string(buf);
}

json_t *fp_json_id(int64_t id) { return id ? json_integer(id) : json_null(); }
json_t *fp_json_str_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

/*
 * A shift, written straight as JSON text: the hot path of shift search, where building a json_t
 * tree (an allocation per key and value) and walking it again to write it was most of a request's
 * cost. fp_json_shift reads this same text back for the answers that add fields to it. A search's
 * shifts come with their listing (the JSON the database keeps of the fields only editing changes,
 * migration 8) and only the rest is written here; the API tests check that both give the same
 * object.
 */
static void jw_time(struct fp_jw *w, int64_t t) {
  char buf[FP_TIME_STRLEN + 2];
  buf[0] = '"';
  size_t n = fp_time_format(t, buf + 1);
  buf[n + 1] = '"';
  fp_jw_raw(w, buf, n + 2);
}

static void jw_id(struct fp_jw *w, int64_t id) {
  if (id) fp_jw_int(w, id);
  else fp_jw_lit(w, "null");
}

/* A distance in kilometres to one decimal place, written exactly ("2.3", not 2.2999999999999998). */
static void jw_distance(struct fp_jw *w, const struct fp_shift *s) {
  if (!s->has_distance) return;
  int64_t tenths = (int64_t)(s->distance_km * 10 + 0.5);
  char d[2] = {'.', (char)('0' + tenths % 10)};
  fp_jw_lit(w, ",\"distance_km\":");
  fp_jw_int(w, tenths / 10);
  fp_jw_raw(w, d, 2);
}

/* What a shift's listing leaves out (status, practice, booking, distance, updated_at), and the end. */
static void jw_shift_rest(struct fp_jw *w, const struct fp_shift *s) {
  fp_jw_lit(w, ",\"status\":");
  fp_jw_str(w, s->status);
  fp_jw_lit(w, ",\"practice\":{\"id\":");
  fp_jw_int(w, s->practice_id);
  fp_jw_lit(w, ",\"name\":");
  fp_jw_str(w, s->practice_name);
  fp_jw_lit(w, ",\"postcode\":");
  fp_jw_str(w, s->practice_postcode[0] ? s->practice_postcode : NULL);
  fp_jw_lit(w, "},\"booking_id\":");
  jw_id(w, s->booking_id);
  fp_jw_lit(w, ",\"booked_clinician_id\":");
  jw_id(w, s->booked_clinician_id);
  jw_distance(w, s);
  fp_jw_lit(w, ",\"updated_at\":");
  jw_time(w, s->updated_at);
  fp_jw_lit(w, "}");
}

void fp_jw_shift(struct fp_jw *w, const struct fp_shift *s) {
  if (s->listing) {
    /* A search's shift: its listing without the closing brace, then the rest. */
    fp_jw_raw(w, s->listing, s->listing_len - 1);
    jw_shift_rest(w, s);
    return;
  }
  /* The listing's fields, in its order (migration 8's SHIFT_LISTING), then the rest. */
  fp_jw_lit(w, "{\"id\":");
  fp_jw_int(w, s->id);
  fp_jw_lit(w, ",\"practice_id\":");
  fp_jw_int(w, s->practice_id);
  fp_jw_lit(w, ",\"role\":");
  fp_jw_str(w, s->role);
  fp_jw_lit(w, ",\"starts_at\":");
  jw_time(w, s->starts_at);
  fp_jw_lit(w, ",\"ends_at\":");
  jw_time(w, s->ends_at);
  fp_jw_lit(w, ",\"break_minutes\":");
  fp_jw_int(w, s->break_minutes);
  fp_jw_lit(w, ",\"rate_pence\":");
  fp_jw_int(w, s->rate_pence);
  fp_jw_lit(w, ",\"rate_unit\":");
  fp_jw_str(w, s->rate_unit);
  fp_jw_lit(w, ",\"booking_mode\":");
  fp_jw_str(w, s->booking_mode);
  fp_jw_lit(w, ",\"location_type\":");
  fp_jw_str(w, s->location_type);
  fp_jw_lit(w, ",\"description\":");
  fp_jw_str(w, s->description);
  fp_jw_lit(w, ",\"series_id\":");
  jw_id(w, s->series_id);
  fp_jw_lit(w, ",\"hourly_equivalent_pence\":");
  fp_jw_int(w, s->hourly_pence);
  fp_jw_lit(w, ",\"created_at\":");
  jw_time(w, s->created_at);
  jw_shift_rest(w, s);
}

json_t *fp_json_shift(const struct fp_shift *s) {
  struct fp_jw w = {0};
  fp_jw_shift(&w, s);
  size_t len = 0;
  char *text = fp_jw_take(&w, &len);
  if (!text) return NULL;
  json_t *j = json_loadb(text, len, 0, NULL);
  free(text);
  return j;
}

/* A booking's timesheet at now (store/timesheets.h): null before its session has ended. */
static json_t *json_timesheet(const struct fp_booking *b, int64_t now) {
  enum fp_ts_state state;
  if (!fp_booking_ts_state(b, now, &state)) return json_null();
  const struct fp_booking_timesheet *t = &b->ts;
  json_t *j = json_pack("{s:s}", "state", fp_ts_state_name(state));
  if (!j) return NULL;
  bool sent = t->has_row && t->submitted_at; /* what the clinician said was worked */
  json_object_set_new(j, "actual_start", sent ? fp_json_time(t->actual_start) : json_null());
  json_object_set_new(j, "actual_end", sent ? fp_json_time(t->actual_end) : json_null());
  json_object_set_new(j, "break_minutes", sent ? json_integer(t->break_minutes) : json_null());
  json_object_set_new(j, "worked_minutes",
                      sent ? json_integer(fp_worked_minutes(t->actual_start, t->actual_end, t->break_minutes)) : json_null());
  json_object_set_new(j, "fee_pence", sent ? json_integer(t->fee_pence) : json_null());
  /* What was claimed with it, where the terms allow (core/timesheet.h fp_ts_claims). */
  json_object_set_new(j, "mileage_miles", json_integer(sent ? t->miles : 0));
  json_object_set_new(j, "mileage_pence", json_integer(sent ? fp_mileage_pence(t->miles) : 0));
  json_object_set_new(j, "expenses_pence", json_integer(sent ? t->expenses_pence : 0));
  json_object_set_new(j, "expenses_note", sent && t->expenses_pence ? fp_json_str_or_null(t->expenses_note) : json_null());
  json_object_set_new(j, "total_pence",
                      sent ? json_integer(t->fee_pence + fp_mileage_pence(t->miles) + t->expenses_pence) : json_null());
  json_object_set_new(j, "submitted_at", sent ? fp_json_time(t->submitted_at) : json_null());
  json_object_set_new(j, "decided_at", fp_json_time_or_null(t->decided_at));
  json_object_set_new(j, "auto_approved", json_boolean(state == FP_TS_APPROVED && t->decided_by == 0));
  json_object_set_new(j, "query_reason", state == FP_TS_QUERIED ? fp_json_str_or_null(t->query_reason) : json_null());
  /* Who sent it back: the practice's query, or the clinician crediting its invoice to correct it
     (core/timesheet.h REOPEN). */
  json_object_set_new(j, "queried_by",
                      state != FP_TS_QUERIED ? json_null() : json_string(t->by_clinician ? "clinician" : "practice"));
  /* When a submitted timesheet nobody queries is approved by itself. */
  fp_time at = fp_ts_auto_approve_at(t->submitted_at, t->auto_approve_days);
  json_object_set_new(j, "approves_itself_at", state == FP_TS_SUBMITTED && at ? fp_json_time(at) : json_null());
  /* The invoice its approval issued, with the status its own page shows. */
  enum fp_invoice_status is;
  json_t *inv = json_null();
  if (t->invoice_id && fp_invoice_status_parse(t->invoice_status, &is) == 0) {
    char ref[FP_INVOICE_REF_LEN];
    fp_invoice_reference(t->invoice_number, ref);
    inv = json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)t->invoice_id, "reference", ref, "shown_status",
                    fp_invoice_shown_status(is, (fp_day)t->invoice_due_on, now), "due_on",
                    fp_json_date((fp_day)t->invoice_due_on), "paid_at", fp_json_time_or_null(t->invoice_paid_at));
  }
  json_object_set_new(j, "invoice", inv);
  return j;
}

json_t *fp_json_terms(const struct fp_terms *t, const char *source) {
  json_t *bands = json_array();
  for (int32_t i = 0; i < t->n_bands && i < FP_TERMS_MAX_BANDS; i++)
    json_array_append_new(bands, json_pack("{s:i, s:i}", "notice_hours", (int)t->bands[i].notice_hours, "fee_percent",
                                           (int)t->bands[i].fee_percent));
  json_t *j = json_pack("{s:i, s:o, s:b, s:b}", "payment_days", (int)t->payment_days, "cancellation", bands,
                        "mileage", t->mileage, "expenses", t->expenses);
  if (j && source) json_object_set_new(j, "source", json_string(source));
  return j;
}

/* The terms copied into a booking: null for one made before terms were kept. */
static json_t *json_booking_terms(const struct fp_booking *b) {
  struct fp_terms t = fp_terms_default();
  if (!b->terms.source[0] || fp_terms_bands_parse(b->terms.cancellation, &t) != 0) return json_null();
  t.payment_days = b->terms.payment_days;
  t.mileage = b->terms.mileage;
  t.expenses = b->terms.expenses;
  return fp_json_terms(&t, b->terms.source);
}

json_t *fp_json_booking(const struct fp_booking *b, int64_t now) {
  json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:s, s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)b->id,
                        "shift_id", (json_int_t)b->shift_id, "clinician_id", (json_int_t)b->clinician_id,
                        "practice_id", (json_int_t)b->practice_id, "starts_at", fp_json_time(b->starts_at),
                        "ends_at", fp_json_time(b->ends_at), "status", b->status, "fee_pence",
                        (json_int_t)b->fee_pence, "role", b->role, "practice_name", b->practice_name,
                        "clinician_name", b->clinician_name, "created_at", fp_json_time(b->created_at));
  if (!j) return NULL;
  json_object_set_new(j, "pool_id", fp_json_id(b->pool_id)); /* the pool whose passport requirements it met */
  /* The session's length less its unpaid break: the hours a past booking worked (or was to work). */
  json_object_set_new(j, "worked_minutes", json_integer(fp_worked_minutes(b->starts_at, b->ends_at, b->break_minutes)));
  json_t *flags = json_array();
  if (b->flags[0]) {
    char tmp[sizeof b->flags];
    snprintf(tmp, sizeof tmp, "%s", b->flags);
    char *save = NULL;
    for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) json_array_append_new(flags, json_string(t));
  }
  json_object_set_new(j, "flags", flags);
  /* Attendance: null until the practice records that the clinician did not attend. */
  json_object_set_new(j, "attendance", b->attendance[0] ? json_string(b->attendance) : json_null());
  json_object_set_new(j, "attendance_recorded_at", b->attendance[0] ? fp_json_time(b->attendance_at) : json_null());
  if (strcmp(b->status, "cancelled") == 0) {
    json_object_set_new(j, "cancelled_by", json_string(b->cancelled_by));
    json_object_set_new(j, "cancelled_at", fp_json_time(b->cancelled_at));
    json_object_set_new(j, "reason", json_string(b->reason));
    json_object_set_new(j, "late", json_boolean(b->late));
    json_object_set_new(j, "cancellation_fee_pence", json_integer(b->cancellation_fee_pence));
  }
  json_object_set_new(j, "terms", json_booking_terms(b));
  /* What the practice would owe under them if it cancelled now (the cancellation's own rule,
     store/bookings.c fp_store_booking_cancel): null once it cannot be cancelled. */
  struct fp_terms t = fp_terms_default();
  json_t *owed = json_null();
  if (strcmp(b->status, "confirmed") == 0 && now < b->starts_at && b->terms.source[0] &&
      fp_terms_bands_parse(b->terms.cancellation, &t) == 0) {
    int32_t percent = 0;
    int64_t pence = fp_terms_cancellation_fee(&t, b->fee_pence, now, b->starts_at, &percent);
    fp_time rises_at = 0;
    int32_t rises_to = 0;
    bool rises = fp_terms_fee_rises(&t, now, b->starts_at, &rises_at, &rises_to);
    owed = json_pack("{s:I, s:i, s:o, s:o}", "pence", (json_int_t)pence, "percent", (int)percent, "rises_at",
                     rises ? fp_json_time(rises_at) : json_null(), "rises_to_percent",
                     rises ? json_integer(rises_to) : json_null());
  }
  json_object_set_new(j, "practice_cancellation_fee_now", owed);
  json_object_set_new(j, "timesheet", json_timesheet(b, now));
  return j;
}

json_t *fp_json_application(const struct fp_application *a) {
  json_t *j = json_pack("{s:I, s:I, s:I, s:s, s:s, s:o, s:I, s:o, s:o, s:s, s:s, s:s}", "id", (json_int_t)a->id,
                        "shift_id", (json_int_t)a->shift_id, "clinician_id", (json_int_t)a->clinician_id, "status",
                        a->status, "message", a->message, "created_at", fp_json_time(a->created_at), "practice_id",
                        (json_int_t)a->practice_id, "starts_at", fp_json_time(a->starts_at), "ends_at",
                        fp_json_time(a->ends_at), "role", a->role, "practice_name", a->practice_name,
                        "clinician_name", a->clinician_name);
  if (!j) return NULL;
  json_object_set_new(j, "decided_at", fp_json_time_or_null(a->decided_at));
  json_object_set_new(j, "reason", fp_json_str_or_null(a->reason));
  json_object_set_new(j, "booking_status", fp_json_str_or_null(a->booking_status));
  return j;
}

json_t *fp_json_org(const struct fp_org *o) {
  json_t *profile = o->profile ? json_loads(o->profile, 0, NULL) : NULL;
  json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o}", "id", (json_int_t)o->id,
                        "level", o->level, "ods_code", o->ods_code, "name", o->name, "parent_id",
                        fp_json_id(o->parent_id), "icb_id", fp_json_id(o->icb_id), "address",
                        fp_json_str_or_null(o->address), "postcode", fp_json_str_or_null(o->postcode), "phone",
                        fp_json_str_or_null(o->phone), "email", fp_json_str_or_null(o->email), "active", o->active,
                        "profile", profile ? profile : json_object());
  if (j && strcmp(o->level, "practice") == 0) json_object_set_new(j, "profile_complete", json_boolean(o->profile_complete));
  if (j && o->has_location) {
    json_object_set_new(j, "lat", json_real(o->lat));
    json_object_set_new(j, "lon", json_real(o->lon));
  }
  return j;
}

json_t *fp_json_page(json_t *items, const char *next_cursor) {
  return json_pack("{s:o, s:o}", "items", items, "next_cursor", next_cursor ? json_string(next_cursor) : json_null());
}

void fp_page_init(struct fp_page *p, void *ctx) {
  memset(p, 0, sizeof *p);
  p->items = json_array();
  p->ctx = ctx;
}

void fp_page_init_text(struct fp_page *p, void *ctx) {
  memset(p, 0, sizeof *p);
  p->text = true;
  p->ctx = ctx;
  fp_jw_reserve(&p->w, 16384); /* a page of 20 shifts is about 12 KB */
  fp_jw_lit(&p->w, "{\"items\":[");
}

struct fp_jw *fp_page_item(struct fp_page *p, int64_t start, int64_t id) {
  if (p->n_items++) fp_jw_lit(&p->w, ",");
  p->last_start = start;
  p->last_id = id;
  return &p->w;
}

void fp_page_add(struct fp_page *p, json_t *item, int64_t start, int64_t id) {
  json_array_append_new(p->items, item);
  p->last_start = start;
  p->last_id = id;
}

void fp_reply_page(struct fp_req *r, struct fp_page *p, int rc, bool more, bool time_ordered) {
  if (rc) {
    json_decref(p->items);
    p->items = NULL;
    fp_jw_free(&p->w);
    fp_reply_store_error(r, rc);
    return;
  }
  char cursor[48];
  if (time_ordered) fp_cursor_format(cursor, sizeof cursor, p->last_start, p->last_id);
  else snprintf(cursor, sizeof cursor, "%lld", (long long)p->last_id);
  if (!p->text) {
    fp_reply_json(r, 200, fp_json_page(p->items, more ? cursor : NULL));
    p->items = NULL;
    return;
  }
  fp_jw_lit(&p->w, "],\"next_cursor\":");
  fp_jw_str(&p->w, more ? cursor : NULL);
  fp_jw_lit(&p->w, "}");
  size_t len = 0;
  char *text = fp_jw_take(&p->w, &len);
  if (!text) {
    fp_reply_store_error(r, FP_EIO);
    return;
  }
  fp_reply_text(r, 200, "application/json", text, len);
}

void fp_cursor_format(char *buf, size_t len, int64_t start, int64_t id) {
  snprintf(buf, len, "%lld_%lld", (long long)start, (long long)id);
}

int fp_cursor_parse_or_respond(struct fp_req *r, int64_t *start, int64_t *id, bool *present) {
  const char *s = fp_req_query(r, "cursor");
  *present = false;
  if (!s) return 0;
  long long a, b;
  char tail;
  if (strlen(s) > 40 || sscanf(s, "%lld_%lld%c", &a, &b, &tail) != 2 || b <= 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "cursor", "'cursor' is not a cursor this server gave out");
    return -1;
  }
  *start = a;
  *id = b;
  *present = true;
  return 0;
}

int fp_id_cursor_parse_or_respond(struct fp_req *r, int64_t *after_id) {
  *after_id = 0;
  return fp_query_int_or_respond(r, "cursor", 0, INT64_MAX, after_id);
}

int fp_limit_or_respond(struct fp_req *r, int *limit) {
  int64_t l = 50;
  if (fp_query_int_or_respond(r, "limit", 1, 200, &l) != 0) return -1;
  *limit = (int)l;
  return 0;
}

/* ---- searchable, sortable lists ---- */

#define LIST_CURSOR_MAX 640 /* "<sort>.<number>.<hex of 255 bytes>.<id>" */

int fp_list_params_or_respond(struct fp_req *r, const char *const *sorts, struct fp_list_params *out) {
  memset(out, 0, sizeof *out);
  if (fp_limit_or_respond(r, &out->limit)) return -1;
  const char *q = fp_req_takes(r, "q") ? fp_req_query(r, "q") : NULL;
  if (q && (!*q || strlen(q) > 100)) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "q", "'q' must be 1 to 100 characters");
    return -1;
  }
  out->q = q;
  const char *sort = fp_req_takes(r, "sort") ? fp_req_query(r, "sort") : NULL;
  out->sort = 0;
  if (sort) {
    int i = 0;
    while (sorts[i] && strcmp(sorts[i], sort) != 0) i++;
    if (!sorts[i]) {
      char names[256];
      size_t used = 0;
      names[0] = 0;
      for (int k = 0; sorts[k] && used < sizeof names; k++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", k ? ", " : "", sorts[k]);
      fp_reply_error(r, FP_API_INVALID_PARAMETER, "sort", "'sort' must be one of %s", names);
      return -1;
    }
    out->sort = i;
  }
  out->sort_name = sorts[out->sort];
  const char *c = fp_req_query(r, "cursor");
  if (!c) return 0;
  /* <sort>.<number>.<hex>.<id> */
  size_t sl = strlen(out->sort_name);
  const char *p = c + sl;
  bool ok = strlen(c) < LIST_CURSOR_MAX && strncmp(c, out->sort_name, sl) == 0 && *p == '.';
  char *end = NULL;
  long long num = 0, id = 0;
  size_t tl = 0;
  if (ok) {
    errno = 0;
    num = strtoll(p + 1, &end, 10);
    ok = errno == 0 && end != p + 1 && *end == '.';
  }
  if (ok) {
    const char *h = end + 1;
    while (ok && *h && *h != '.') {
      int hi = h[0] >= '0' && h[0] <= '9' ? h[0] - '0' : h[0] >= 'a' && h[0] <= 'f' ? h[0] - 'a' + 10 : -1;
      int lo = h[1] >= '0' && h[1] <= '9' ? h[1] - '0' : h[1] >= 'a' && h[1] <= 'f' ? h[1] - 'a' + 10 : -1;
      ok = hi >= 0 && lo >= 0 && tl + 1 < sizeof out->after.text;
      if (ok) out->after.text[tl++] = (char)(hi * 16 + lo);
      h += 2;
    }
    out->after.text[tl] = 0;
    ok = ok && *h == '.' && memchr(out->after.text, 0, tl) == NULL;
    if (ok) {
      errno = 0;
      id = strtoll(h + 1, &end, 10);
      ok = errno == 0 && end != h + 1 && *end == 0 && id > 0;
    }
  }
  if (!ok) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "cursor",
                   "'cursor' is not a cursor this server gave out for sort %s", out->sort_name);
    return -1;
  }
  out->after.set = true;
  out->after.num = num;
  out->after.id = id;
  return 0;
}

void fp_list_cursor(char *buf, size_t len, const char *sort, const struct fp_list_pos *pos) {
  int w = snprintf(buf, len, "%s.%lld.", sort, (long long)pos->num);
  if (w < 0 || (size_t)w >= len) {
    buf[0] = 0;
    return;
  }
  size_t used = (size_t)w;
  for (const unsigned char *t = (const unsigned char *)pos->text; *t; t++) {
    if (used + 3 >= len) {
      buf[0] = 0;
      return;
    }
    used += (size_t)snprintf(buf + used, len - used, "%02x", *t);
  }
  w = snprintf(buf + used, len - used, ".%lld", (long long)pos->id);
  if (w < 0 || (size_t)w >= len - used) buf[0] = 0;
}

int fp_found_or_respond(struct fp_req *r, int rc, const char *what, int64_t id) {
  if (rc == 0) return 0;
  if (rc == FP_ENOTFOUND) fp_reply_error(r, FP_API_NOT_FOUND, NULL, "%s %lld not found", what, (long long)id);
  else fp_reply_store_error(r, rc);
  return -1;
}

void fp_reply_list(struct fp_req *r, struct fp_page *p, int rc, bool more, const struct fp_list_params *lp,
                   const struct fp_list_pos *last) {
  if (rc) {
    fp_reply_page(r, p, rc, false, false);
    return;
  }
  char cursor[LIST_CURSOR_MAX];
  if (more) fp_list_cursor(cursor, sizeof cursor, lp->sort_name, last);
  if (more && !cursor[0]) rc = FP_EIO; /* never a page that cannot be followed */
  if (rc) {
    fp_reply_page(r, p, rc, false, false);
    return;
  }
  fp_reply_json(r, 200, fp_json_page(p->items, more ? cursor : NULL));
  p->items = NULL;
}

int fp_query_bool_or_respond(struct fp_req *r, const char *name, int *out) {
  const char *v = fp_req_query(r, name);
  *out = -1;
  if (!v) return 0;
  if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, name, "'%s' must be true or false", name);
    return -1;
  }
  *out = strcmp(v, "true") == 0;
  return 0;
}

int fp_profession_param_or_respond(struct fp_req *r, const char **profession) {
  *profession = fp_req_query(r, "profession");
  if (*profession && (!**profession || strlen(*profession) > 47)) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "profession", "'profession' must be 1 to 47 characters");
    return -1;
  }
  return 0;
}

/* A scope holds every role and every pool of the caller: nothing is left out of what they see. */
_Static_assert(FP_SCOPE_MAX >= FP_MAX_ROLES, "a scope list holds every role a user may hold");
_Static_assert(FP_SCOPE_MAX >= FP_MAX_CLINICIAN_POOLS, "a scope holds every pool a clinician may join");

void fp_scope_from_auth(const struct fp_auth *a, int64_t now, struct fp_scope *s) {
  memset(s, 0, sizeof *s);
  s->now = now;
  for (int i = 0; i < a->n_roles; i++) {
    const struct fp_role *r = &a->roles[i];
    switch (r->kind) {
    case FP_ROLE_SYSADMIN: s->all = true; break;
    case FP_ROLE_COMMISSIONER: s->icbs[s->n_icbs++] = r->organisation_id; break;
    case FP_ROLE_PRACTICE_MANAGER: s->practices[s->n_practices++] = r->organisation_id; break;
    case FP_ROLE_POOL_ADMIN: s->pools[s->n_pools++] = r->pool_id; break;
    case FP_ROLE_CLINICIAN: break;
    }
  }
  if (a->clinician_id) fp_scope_clinician(a, now, s);
}

void fp_access_clock_of(const struct fp_req *r, struct fp_access_clock *k) {
  fp_access_clock_init(k, r->now, r->app->cfg.passport_access_months);
}

void fp_scope_clinician(const struct fp_auth *a, int64_t now, struct fp_scope *s) {
  s->now = now;
  s->clinician_id = a->clinician_id;
  s->profession = a->profession;
  s->n_clinician_pools = a->n_pools;
  for (int i = 0; i < a->n_pools; i++) s->clinician_pools[i] = a->pools[i];
  s->n_overflow_icbs = a->n_overflow_icbs;
  for (int i = 0; i < a->n_overflow_icbs; i++) s->overflow_icbs[i] = a->overflow_icbs[i];
}

int fp_role_known(struct fp_req *r, const char *role, bool *known) {
  *known = fp_profession_find(role) != NULL;
  if (*known) return 0;
  struct fp_conn *c = fp_store_reader(r->app->store);
  return c ? fp_store_custom_role_exists(c, role, known) : FP_EIO;
}
