/* Shifts and their search. See shifts.h. */
#include "store/shifts.h"
#include "store/rows.h"
#include "store/sql.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/validate.h"
#include "store/accounts.h"

/* NULLs read as 0 or "" (fp_col_int64, fp_db_col_copy): no COALESCE needed per row. */
/* The release's mode and opening instants (read by read_release). */
#define RELEASE_COLS " s.release_mode, s.pool_opens_at, s.overflow_opens_at, s.icb_id"
#define SHIFT_COLS_BASE                                                                                     \
  "s.id, s.practice_id, s.icb_id, s.series_id, s.role, s.starts_at, s.ends_at,"                            \
  " s.break_minutes, s.rate_pence, s.rate_unit, s.hourly_pence, s.booking_mode, s.location_type,"         \
  " s.description, s.status, s.lat, s.lon, s.created_by, s.created_at, s.updated_at, o.name, o.postcode," \
  RELEASE_COLS
#define SHIFT_COLS SHIFT_COLS_BASE ", b.id, b.clinician_id"
#define SHIFT_FROM_NO_BOOKING " FROM shifts s JOIN organisations o ON o.id = s.practice_id"
#define SHIFT_FROM SHIFT_FROM_NO_BOOKING " LEFT JOIN bookings b ON b.shift_id = s.id AND b.status = 'confirmed'"
/* A search reads the listing and the few columns it does not hold (see read_listed). */
#define SEARCH_COLS_BASE                                                                                    \
  "s.id, s.practice_id, s.starts_at, s.status, s.lat, s.lon, s.location_type, s.updated_at, o.name,"      \
  " o.postcode, s.listing, s.role," RELEASE_COLS
#define SEARCH_COLS SEARCH_COLS_BASE ", b.id, b.clinician_id"
/* For shifts that cannot have a confirmed booking (open, withdrawn, cancelled): no join to look for one. */
#define SEARCH_COLS_NO_BOOKING SEARCH_COLS_BASE ", 0, 0"

/* The release's columns from column i on (RELEASE_COLS). */
static void read_release(fp_stmt *st, int i, struct fp_shift *s) {
  const char *mode = fp_col_text(st, i);
  if (!mode || fp_release_mode_parse(mode, &s->release_mode) != 0) s->release_mode = FP_RELEASE_ALL;
  s->pool_opens_at = fp_col_int64(st, i + 1);
  s->overflow_opens_at = fp_col_null(st, i + 2) ? FP_RELEASE_NEVER : fp_col_int64(st, i + 2);
  s->icb_id = fp_col_int64(st, i + 3);
}

/* A shift's row beyond SHIFT_READ: its release (columns 22 to 25) and its booking. */
static void read_shift_rest(fp_stmt *st, struct fp_shift *s) {
  read_release(st, 22, s);
  s->booking_id = fp_col_int64(st, 26);
  s->booked_clinician_id = fp_col_int64(st, 27);
}

static const struct fp_colspec SHIFT_READ[] = {
    FP_C(INT, struct fp_shift, id),
    FP_C(INT, struct fp_shift, practice_id),
    FP_C(INT, struct fp_shift, icb_id),
    FP_C(INT, struct fp_shift, series_id),
    FP_C(TEXT, struct fp_shift, role),
    FP_C(INT, struct fp_shift, starts_at),
    FP_C(INT, struct fp_shift, ends_at),
    FP_C(INT, struct fp_shift, break_minutes),
    FP_C(INT, struct fp_shift, rate_pence),
    FP_C(TEXT, struct fp_shift, rate_unit),
    FP_C(INT, struct fp_shift, hourly_pence),
    FP_C(TEXT, struct fp_shift, booking_mode),
    FP_C(TEXT, struct fp_shift, location_type),
    FP_C(TEXT, struct fp_shift, description),
    FP_C(TEXT, struct fp_shift, status),
    FP_C_LOCATION(struct fp_shift, has_location, lat, lon),
    FP_C(INT, struct fp_shift, created_by),
    FP_C(INT, struct fp_shift, created_at),
    FP_C(INT, struct fp_shift, updated_at),
    FP_C(TEXT, struct fp_shift, practice_name),
    FP_C(TEXT, struct fp_shift, practice_postcode),
};
FP_ROW_READER_THEN(read_shift, struct fp_shift, SHIFT_READ, read_shift_rest)

/* A search's row (SEARCH_COLS): false when the listing is missing, which the triggers never allow. */
static bool read_listed(fp_stmt *st, struct fp_shift *s) {
  s->has_distance = false;
  s->distance_km = 0;
  s->id = fp_col_int64(st, 0);
  s->practice_id = fp_col_int64(st, 1);
  s->starts_at = fp_col_int64(st, 2);
  fp_db_col_copy(st, 3, s->status, sizeof s->status);
  fp_col_location(st, 4, &s->has_location, &s->lat, &s->lon);
  fp_db_col_copy(st, 6, s->location_type, sizeof s->location_type);
  s->updated_at = fp_col_int64(st, 7);
  fp_db_col_copy(st, 8, s->practice_name, sizeof s->practice_name);
  fp_db_col_copy(st, 9, s->practice_postcode, sizeof s->practice_postcode);
  s->listing = fp_col_text(st, 10);
  s->listing_len = fp_col_bytes(st, 10);
  fp_db_col_copy(st, 11, s->role, sizeof s->role);
  read_release(st, 12, s);
  s->booking_id = fp_col_int64(st, 16);
  s->booked_clinician_id = fp_col_int64(st, 17);
  return s->listing && s->listing_len >= 2 && s->listing[s->listing_len - 1] == '}';
}

int fp_store_release_delays_get(struct fp_conn *c, int64_t practice_id, struct fp_release_delays *out) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT release_pool_after_hours, release_pool_before_start_hours,"
      " release_overflow_before_start_hours FROM organisations WHERE id = ?",
      fp_int(practice_id));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) {
    out->pool_after_hours = (int32_t)fp_col_int64(st, 0);
    out->pool_before_start_hours = (int32_t)fp_col_int64(st, 1);
    out->overflow_before_start_hours = (int32_t)fp_col_int64(st, 2);
  }
  fp_reset(st);
  return rc == FP_ROW ? 0 : rc == FP_DONE ? FP_ENOTFOUND : FP_EIO;
}

/* The opening instants of s (posted at posted_at) by the core, with its practice's delays when tiered. */
static int release_plan(struct fp_conn *c, const struct fp_shift *s, int64_t posted_at, struct fp_release *out) {
  struct fp_release_facts f = {.posted_at = posted_at, .starts_at = s->starts_at, .mode = s->release_mode,
                               .delays = fp_release_default_delays()};
  if (s->release_mode == FP_RELEASE_TIERED) {
    int rc = fp_store_release_delays_get(c, s->practice_id, &f.delays);
    if (rc) return rc;
  }
  fp_release_decide(&f, posted_at, out);
  return 0;
}

/* Binds the opening instants at parameters i and i + 1 (overflow never: NULL). */
static void bind_plan(fp_stmt *st, int i, const struct fp_release *p) {
  fp_bind_int64(st, i, p->pool_at);
  if (p->overflow_at == FP_RELEASE_NEVER) fp_bind_null(st, i + 1);
  else fp_bind_int64(st, i + 1, p->overflow_at);
}

int fp_store_shift_insert(struct fp_conn *c, const struct fp_shift *s, int64_t now, int64_t *id) {
  struct fp_release plan;
  int rc = release_plan(c, s, now, &plan);
  if (rc) return rc;
  fp_stmt *st = FP_DB_STMT(c,
      "INSERT INTO shifts (practice_id, icb_id, series_id, role, starts_at, ends_at, break_minutes, rate_pence,"
      " rate_unit, hourly_pence, booking_mode, location_type, description, status, lat, lon, created_by,"
      " created_at, updated_at, release_mode, pool_opens_at, overflow_opens_at)"
      " SELECT o.id, o.icb_id, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?18, o.lat, o.lon, ?13, ?14, ?14,"
      " ?15, ?16, ?17 FROM organisations o WHERE o.id = ?1",
      fp_int(s->practice_id), fp_id(s->series_id), fp_txt(s->role), fp_int(s->starts_at), fp_int(s->ends_at),
      fp_int(s->break_minutes), fp_int(s->rate_pence), fp_txt(s->rate_unit), fp_int(s->hourly_pence),
      fp_txt(s->booking_mode), fp_txt(s->location_type), fp_txt(s->description), fp_id(s->created_by), fp_int(now),
      fp_txt(fp_release_mode_name(s->release_mode)));
  if (!st) return FP_EIO;
  bind_plan(st, 16, &plan);
  fp_bind_text(st, 18, s->status[0] ? s->status : fp_shift_status_name(FP_SHIFT_OPEN));
  rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  if (fp_db_changes(c) != 1) return FP_ENOTFOUND;
  *id = fp_db_last_id(c);
  return 0;
}

int fp_store_shift_get(struct fp_conn *c, int64_t id, const struct fp_scope *scope, struct fp_shift *out) {
  struct fp_sql q;
  fp_sql_init(&q);
  fp_sql_add(&q, "SELECT " SHIFT_COLS SHIFT_FROM " WHERE s.id = ");
  fp_sql_int(&q, id);
  if (scope) {
    fp_sql_add(&q, " AND ");
    fp_scope_where_shifts(&q, scope, "s");
  }
  fp_stmt *st = fp_sql_prepare(c, &q);
  if (!st) return FP_EIO;
  return fp_step_one(st, read_shift, out);
}

int fp_store_shift_lock_get(struct fp_conn *c, int64_t id, struct fp_shift *out) {
  /* Nothing runs beside this transaction: no lock to take. */
  if (fp_db_serial_writes(c)) return fp_store_shift_get_own(c, id, out);
  /* The lock and the read in one round trip: the row as it is once locked. */
  return fp_db_one_by_id(c,
      "UPDATE shifts s SET updated_at = s.updated_at FROM organisations o"
      " WHERE s.id = ? AND o.id = s.practice_id RETURNING " SHIFT_COLS_BASE ", NULL, NULL",
      id, read_shift, out);
}

/* The booking's locks and read (fp_store_shift_lock_for_booking), on an engine where several write
   at once. Both locks and the read in one statement. The clinician's guard is written (it stands for
   their passport and bookings: fp_store_clinician_lock); the shift only locked (FOR UPDATE, no new
   row version: the booking writes it anyway when it books, and a refusal leaves it as it was), and
   read as it is once locked. And the id the booking will have, from its identity's sequence, last
   (one a refused booking took is not used again: booking ids have gaps). */
static fp_stmt *lock_stmt(struct fp_conn *c, int64_t id, int64_t clinician_id) {
  return FP_DB_STMT(c,
      "WITH g AS (INSERT INTO booking_guards (clinician_id, n) VALUES (?, 1)"
      " ON CONFLICT (clinician_id) DO UPDATE SET n = booking_guards.n + 1 RETURNING n)"
      " SELECT " SHIFT_COLS_BASE ", NULL, NULL, nextval(pg_get_serial_sequence('bookings', 'id'))"
      SHIFT_FROM_NO_BOOKING " CROSS JOIN g WHERE s.id = ? FOR UPDATE OF s",
      fp_int(clinician_id), fp_int(id));
}

void fp_store_shift_lock_send(struct fp_conn *c, int64_t id, int64_t clinician_id) {
  if (!fp_db_serial_writes(c)) fp_db_send_first(lock_stmt(c, id, clinician_id));
}

int fp_store_shift_lock_for_booking(struct fp_conn *c, int64_t id, int64_t clinician_id, struct fp_shift *out,
                                    int64_t *booking_id) {
  *booking_id = 0;
  if (fp_db_serial_writes(c)) return fp_store_shift_get_own(c, id, out);
  fp_stmt *st = lock_stmt(c, id, clinician_id);
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) {
    read_shift(st, out);
    *booking_id = fp_col_int64(st, fp_col_count(st) - 1);
  }
  fp_reset(st);
  return rc == FP_ROW ? 0 : rc == FP_DONE ? FP_ENOTFOUND : FP_EIO;
}

int fp_store_shift_get_own(struct fp_conn *c, int64_t id, struct fp_shift *out) {
  return fp_db_one_by_id(
      c, "SELECT " SHIFT_COLS_BASE ", NULL, NULL" SHIFT_FROM_NO_BOOKING " WHERE s.id = ?", id, read_shift, out);
}

int fp_store_shift_update(struct fp_conn *c, const struct fp_shift *s, int64_t now) {
  /* A new start moves the tiers' opening: the core decides again from the shift's facts. */
  struct fp_release plan;
  int rc = release_plan(c, s, s->created_at, &plan);
  if (rc) return rc;
  /* A rate the practice sets itself is the posted rate again: any escalation starts from it
     (core/rate_policy.h; an edit that keeps the rate shown keeps the escalation). */
  if ((rc = FP_DB_RUN(c,
           "UPDATE shifts SET posted_rate_pence = NULL, posted_hourly_pence = NULL, escalation_step = 0"
           " WHERE id = ? AND (rate_pence <> ? OR hourly_pence <> ?)",
           fp_int(s->id), fp_int(s->rate_pence), fp_int(s->hourly_pence))) != 0)
    return rc;
  fp_stmt *st = FP_DB_STMT(c,
      "UPDATE shifts SET starts_at=?, ends_at=?, break_minutes=?, rate_pence=?, rate_unit=?, hourly_pence=?,"
      " booking_mode=?, location_type=?, description=?, status=?, updated_at=?, pool_opens_at=?, overflow_opens_at=?"
      " WHERE id=?",
      fp_int(s->starts_at), fp_int(s->ends_at), fp_int(s->break_minutes), fp_int(s->rate_pence), fp_txt(s->rate_unit),
      fp_int(s->hourly_pence), fp_txt(s->booking_mode), fp_txt(s->location_type), fp_txt(s->description),
      fp_txt(s->status), fp_int(now));
  if (!st) return FP_EIO;
  bind_plan(st, 12, &plan);
  fp_bind_int64(st, 14, s->id);
  return fp_db_exec_stmt(st);
}

int fp_store_release_delays_set(struct fp_conn *c, int64_t practice_id, const struct fp_release_delays *d, int64_t now) {
  fp_stmt *st = FP_DB_STMT(c,
      "UPDATE organisations SET release_pool_after_hours = ?, release_pool_before_start_hours = ?,"
      " release_overflow_before_start_hours = ? WHERE id = ?",
      fp_int(d->pool_after_hours), fp_int(d->pool_before_start_hours), fp_int(d->overflow_before_start_hours),
      fp_int(practice_id));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  /* The practice's upcoming tiered shifts open their tiers by the new delays. */
  enum { BATCH = 64 };
  int64_t after = 0;
  for (;;) {
    struct { int64_t id, created_at, starts_at; } rows[BATCH];
    int n = 0;
    /* Booked ones too: a clinician's cancellation opens them again (without a new plan). */
    st = FP_DB_STMT(c,
        "SELECT id, created_at, starts_at FROM shifts WHERE practice_id = ? AND release_mode = 'tiered'"
        " AND status IN ('open', 'booked') AND starts_at > ? AND id > ? ORDER BY id LIMIT ?",
        fp_int(practice_id), fp_int(now), fp_int(after), fp_int(BATCH));
    if (!st) return FP_EIO;
    while ((rc = fp_step(st)) == FP_ROW) {
      rows[n].id = fp_col_int64(st, 0);
      rows[n].created_at = fp_col_int64(st, 1);
      rows[n].starts_at = fp_col_int64(st, 2);
      n++;
    }
    fp_reset(st);
    if (rc != FP_DONE) return FP_EIO;
    for (int i = 0; i < n; i++) {
      struct fp_release_facts f = {rows[i].created_at, rows[i].starts_at, FP_RELEASE_TIERED, *d};
      struct fp_release plan;
      fp_release_decide(&f, now, &plan);
      st = fp_db_stmt(c, "UPDATE shifts SET pool_opens_at = ?, overflow_opens_at = ? WHERE id = ?");
      if (!st) return FP_EIO;
      bind_plan(st, 1, &plan);
      fp_bind_int64(st, 3, rows[i].id);
      if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
      after = rows[i].id;
    }
    if (n < BATCH) return 0;
  }
}

int fp_store_series_next(struct fp_conn *c, int64_t *series_id) {
  fp_stmt *st = fp_db_stmt(c, "SELECT COALESCE(MAX(series_id), 0) + 1 FROM shifts");
  if (!st) return FP_EIO;
  return fp_step_int(st, series_id) == 0 ? 0 : FP_EIO;
}

/*
 * The search's statement: q's filters, after the cursor (cursor_start, cursor_id) when has_cursor,
 * in q's order, at most `limit` rows.
 */
static void search_sql(struct fp_sql *sql, const struct fp_shift_query *q, bool has_cursor, int64_t cursor_start,
                       int64_t cursor_id, int limit, char *pattern, size_t pattern_size) {
  /* A shift has a confirmed booking only while booked or completed (the booking transaction and
     cancellations keep the two together): listings of other shifts need no join to find one. */
  const unsigned unbooked_only = (1u << FP_SHIFT_OPEN) | (1u << FP_SHIFT_WITHDRAWN) | (1u << FP_SHIFT_CANCELLED) |
                                 (1u << FP_SHIFT_AWAITING_APPROVAL);
  bool unbooked = q->statuses && (q->statuses & ~unbooked_only) == 0;
  if (q->listed)
    fp_sql_add(sql, unbooked ? "SELECT " SEARCH_COLS_NO_BOOKING SHIFT_FROM_NO_BOOKING " WHERE " : "SELECT " SEARCH_COLS SHIFT_FROM " WHERE ");
  else
    fp_sql_add(sql, "SELECT " SHIFT_COLS SHIFT_FROM " WHERE ");
  fp_scope_where_shifts(sql, q->scope, "s");
  if (q->statuses) {
    const char *sep = " AND s.status IN (";
    for (int st = 0; st < FP_SHIFT_N_STATUSES; st++) {
      if (!(q->statuses & (1u << st))) continue;
      fp_sql_add(sql, sep);
      fp_sql_text(sql, fp_shift_status_name((enum fp_shift_status)st));
      sep = ", ";
    }
    fp_sql_add(sql, ")");
  }
  fp_sql_opt_int(sql, " AND s.series_id = ", q->series_id, q->series_id != 0);
  if (q->q) {
    fp_db_like_contains(q->q, pattern, pattern_size);
    fp_sql_add(sql, " AND (lower(o.name) LIKE lower(");
    fp_sql_text(sql, pattern);
    fp_sql_add(sql, ") ESCAPE '\\' OR lower(COALESCE(s.description, '')) LIKE lower(");
    fp_sql_text(sql, pattern);
    fp_sql_add(sql, ") ESCAPE '\\')");
  }
  fp_sql_opt_text(sql, " AND s.role = ", q->role);
  fp_sql_opt_int(sql, " AND s.starts_at >= ", q->from, q->has_from);
  fp_sql_opt_int(sql, " AND s.starts_at < ", q->to, q->has_to);
  fp_sql_opt_int(sql, " AND s.practice_id = ", q->practice_id, q->practice_id != 0);
  if (q->pool_id) {
    fp_sql_add(sql, " AND s.practice_id IN (SELECT organisation_id FROM pool_members WHERE pool_id = ");
    fp_sql_int(sql, q->pool_id);
    fp_sql_add(sql, ")");
  }
  fp_sql_opt_int(sql, " AND s.hourly_pence >= ", q->min_rate_pence, q->min_rate_pence != 0);
  if (q->near) {
    /* A bounding box in SQL; the exact great-circle distance is checked by the caller. */
    double dlat = q->radius_km / 111.0;
    double coslat = cos(q->lat * M_PI / 180.0);
    double dlon = q->radius_km / (111.320 * (coslat > 0.01 ? coslat : 0.01));
    fp_sql_add(sql, " AND (s.location_type = 'remote' OR (s.lat BETWEEN ");
    fp_sql_real(sql, q->lat - dlat);
    fp_sql_add(sql, " AND ");
    fp_sql_real(sql, q->lat + dlat);
    fp_sql_add(sql, " AND s.lon BETWEEN ");
    fp_sql_real(sql, q->lon - dlon);
    fp_sql_add(sql, " AND ");
    fp_sql_real(sql, q->lon + dlon);
    fp_sql_add(sql, "))");
  }
  if (has_cursor) {
    fp_sql_add(sql, q->latest_first ? " AND (s.starts_at < " : " AND (s.starts_at > ");
    fp_sql_int(sql, cursor_start);
    fp_sql_add(sql, " OR (s.starts_at = ");
    fp_sql_int(sql, cursor_start);
    fp_sql_add(sql, q->latest_first ? " AND s.id < " : " AND s.id > ");
    fp_sql_int(sql, cursor_id);
    fp_sql_add(sql, "))");
  }
  fp_sql_add(sql, q->latest_first ? " ORDER BY s.starts_at DESC, s.id DESC" : " ORDER BY s.starts_at, s.id");
  fp_sql_add(sql, " LIMIT ");
  fp_sql_int(sql, limit);
}

int fp_store_shift_search(struct fp_conn *c, const struct fp_shift_query *q,
                          void (*cb)(const struct fp_shift *s, void *ctx), void *ctx, bool *more) {
  /* Rows are read in batches, each after the last row read: a page plus one without a distance;
     with one, the bounding box holds rows the exact distance then leaves out, so four pages' worth
     at a time. Every batch is bounded (PostgreSQL sends a statement's whole answer at once: an
     unbounded box was thousands of rows for a page of 20). */
  const int batch = q->near ? 4 * (q->limit + 1) : q->limit + 1;
  bool has_cursor = q->has_cursor;
  int64_t cursor_start = q->cursor_start, cursor_id = q->cursor_id;
  int n = 0, rc = FP_DONE;
  *more = false;
  for (;;) {
    struct fp_sql sql;
    fp_sql_init(&sql);
    char pattern[2 * 100 + 3];
    search_sql(&sql, q, has_cursor, cursor_start, cursor_id, batch, pattern, sizeof pattern);
    fp_stmt *st = fp_sql_prepare(c, &sql);
    if (!st) return FP_EIO;
    int rows = 0;
    while ((rc = fp_step(st)) == FP_ROW) {
      struct fp_shift s;
      if (!q->listed) {
        read_shift(st, &s);
      } else if (!read_listed(st, &s)) {
        rc = FP_EIO;
        break;
      }
      rows++;
      has_cursor = true;
      cursor_start = s.starts_at;
      cursor_id = s.id;
      if (q->near && s.has_location) {
        s.distance_km = fp_distance_km(q->lat, q->lon, s.lat, s.lon);
        s.has_distance = true;
      }
      if (q->near && strcmp(s.location_type, "remote") != 0 && (!s.has_distance || s.distance_km > q->radius_km))
        continue;
      if (n == q->limit) {
        *more = true;
        break;
      }
      cb(&s, ctx);
      n++;
    }
    fp_reset(st);
    if (rc != FP_ROW && rc != FP_DONE) return FP_EIO;
    if (*more || rows < batch) return 0; /* a full page and one more, or no rows left */
  }
}

int fp_store_shifts_complete(struct fp_conn *c, int64_t now, int *n) {
  *n = 0;
  /* The candidates are the shifts that have ended in a status the core lets complete; each is then
     asked again with its own times, and written only with the answer. */
  enum { BATCH = 256 };
  static __thread struct { int64_t id; enum fp_shift_status from, to; } due[BATCH];
  for (int from = 0; from < FP_SHIFT_N_STATUSES; from++) {
    if (fp_shift_next((enum fp_shift_status)from, FP_EV_COMPLETE, NULL) != 0) continue;
    for (;;) {
      /* In the order of the index on (status, starts_at, id), bounded by the start (a shift ends
         after it starts): ordered by id, SQLite read every shift of the table in id order rather
         than sort the few candidates (5 s at 5,000,000 shifts, holding the writer). */
      fp_stmt *st = FP_DB_STMT(c,
          "SELECT id, starts_at, ends_at FROM shifts WHERE status = ? AND starts_at <= ? AND ends_at <= ?"
          " ORDER BY starts_at, id LIMIT ?",
          fp_txt(fp_shift_status_name((enum fp_shift_status)from)), fp_int(now), fp_int(now), fp_int(BATCH));
      if (!st) return FP_EIO;
      int k = 0, rc;
      while ((rc = fp_step(st)) == FP_ROW) {
        enum fp_shift_status to;
        if (fp_shift_transition((enum fp_shift_status)from, FP_EV_COMPLETE, now, fp_col_int64(st, 1),
                                fp_col_int64(st, 2), &to) != FP_TRANS_OK) {
          rc = FP_EIO; /* the query asked for ended shifts: the core cannot refuse one */
          break;
        }
        due[k].id = fp_col_int64(st, 0);
        due[k].from = (enum fp_shift_status)from;
        due[k++].to = to;
      }
      fp_reset(st);
      if (rc != FP_DONE) return FP_EIO;
      for (int i = 0; i < k; i++) {
        st = FP_DB_STMT(c, "UPDATE shifts SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
            fp_txt(fp_shift_status_name(due[i].to)), fp_int(now), fp_int(due[i].id),
            fp_txt(fp_shift_status_name(due[i].from)));
        if (!st) return FP_EIO;
        if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
        char before[48], after[48];
        snprintf(before, sizeof before, "{\"status\":\"%s\"}", fp_shift_status_name(due[i].from));
        snprintf(after, sizeof after, "{\"status\":\"%s\"}", fp_shift_status_name(due[i].to));
        if ((rc = fp_store_audit(c, now, 0, "shift.complete", "shift", due[i].id, before, after)) != 0) return rc;
        (*n)++;
      }
      if (k < BATCH) break;
    }
  }
  return 0;
}
