/*
 * The iCalendar feeds (RFC 5545):
 *   GET /api/v1/me/calendar: {url}, a URL of the signed-in clinician's feed of their bookings that
 *     needs no sign-in (a calendar app subscribes to it). Only a hash of the URL's key is kept, so
 *     each call shows a new URL; every URL shown works until the feed is renewed.
 *   POST /api/v1/me/calendar/renewal: 201 {url}; every earlier URL of the feed answers 404 from then.
 *   GET /api/v1/organisations/{id}/calendar and POST .../calendar/renewal: the same for a practice's
 *     feed of its shifts, for that practice's own managers only.
 *   GET /api/v1/calendar-feed?key=KEY: the feed itself, text/calendar, for anyone holding a live URL.
 * Events: a booking (or a shift) each, with a stable UID, UK local times (Europe/London, with its
 * VTIMEZONE), a cancelled booking or a withdrawn shift as STATUS:CANCELLED, and a SEQUENCE that
 * grows with every change (core/ical.h; store/calendar.h).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/ical.h"
#include "core/profession.h"
#include "http/routes.h"
#include "store/calendar.h"

#define KEY_BYTES 32
#define KEY_TEXT_MAX 64 /* base64url of 32 bytes is 43 characters */

static void key_hash(const char *key, unsigned char hash[FP_CAL_KEY_HASH_LEN]) {
  crypto_generichash(hash, FP_CAL_KEY_HASH_LEN, (const unsigned char *)key, strlen(key), NULL, 0);
}

/* The feed's URL as the caller reached this server: https unless the server speaks plain HTTP on
   loopback (behind a TLS proxy, --insecure-http, the proxy's https), and the Host the request named. */
static void feed_url(struct fp_req *r, const char *key, char *out, size_t len) {
  const char *host = fp_req_header(r, "Host");
  size_t n = host ? strspn(host, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-:[]") : 0;
  if (!host || n == 0 || host[n] || n > 255) host = r->app->cfg.listen;
  bool https = (r->app->cfg.tls_cert && r->app->cfg.tls_key) || r->app->cfg.insecure_http;
  snprintf(out, len, "%s://%s/api/v1/calendar-feed?key=%s", https ? "https" : "http", host, key);
}

struct mint_ctx {
  struct fp_actor actor;
  int64_t user_id, organisation_id;
  bool renew;
  unsigned char hash[FP_CAL_KEY_HASH_LEN];
};

static int mint_tx(struct fp_conn *c, void *vctx) {
  struct mint_ctx *x = vctx;
  return fp_store_calendar_mint(c, x->user_id, x->organisation_id, x->hash, x->actor.user_id, x->actor.now, x->renew);
}

/* A new key for the feed (renewing it or not); answers {url} with `status`. */
static void mint(struct fp_req *r, int64_t user_id, int64_t organisation_id, bool renew, int status) {
  unsigned char raw[KEY_BYTES];
  randombytes_buf(raw, sizeof raw);
  char key[KEY_TEXT_MAX];
  sodium_bin2base64(key, sizeof key, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  struct mint_ctx x = {.user_id = user_id, .organisation_id = organisation_id, .renew = renew};
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  key_hash(key, x.hash);
  int rc = fp_store_write(r->app->store, mint_tx, &x);
  if (rc) {
    sodium_memzero(key, sizeof key);
    fp_reply_store_error(r, rc);
    return;
  }
  char url[512];
  feed_url(r, key, url, sizeof url);
  fp_reply_json(r, status, json_pack("{s:s}", "url", url));
  sodium_memzero(key, sizeof key);
  sodium_memzero(url, sizeof url);
}

static int clinician_or_respond(struct fp_req *r) {
  if (r->auth.clinician_id > 0) return 0;
  fp_reply_error(r, FP_API_FORBIDDEN, NULL, "the calendar of bookings is a clinician's: this account books no shifts");
  return -1;
}

static int manager_or_respond(struct fp_req *r, int64_t organisation_id) {
  if (fp_auth_has_for(&r->auth, FP_ROLE_PRACTICE_MANAGER, organisation_id)) return 0;
  fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only the practice's own managers may subscribe to its calendar");
  return -1;
}

void fp_h_me_calendar(struct fp_req *r) {
  if (clinician_or_respond(r)) return;
  mint(r, r->auth.user_id, 0, false, 200);
}

void fp_h_me_calendar_renewal(struct fp_req *r) {
  if (clinician_or_respond(r)) return;
  mint(r, r->auth.user_id, 0, true, 201);
}

void fp_h_org_calendar(struct fp_req *r) {
  if (manager_or_respond(r, r->params[0])) return;
  mint(r, 0, r->params[0], false, 200);
}

void fp_h_org_calendar_renewal(struct fp_req *r) {
  if (manager_or_respond(r, r->params[0])) return;
  mint(r, 0, r->params[0], true, 201);
}

struct feed_ctx {
  struct fp_ical cal;
  char *text; /* the feed so far (malloc'd) */
  size_t len, cap;
  fp_time now;
  bool practice; /* the organisation's feed: one event per shift */
};

/* The writer's sink (core/ical.h): the feed's text, grown as it is written. */
static int into_text(void *vctx, const char *bytes, size_t n) {
  struct feed_ctx *x = vctx;
  if (x->len + n + 1 > x->cap) {
    size_t cap = x->cap ? x->cap : 16384;
    while (cap < x->len + n + 1) cap *= 2;
    char *t = realloc(x->text, cap);
    if (!t) return FP_ENOMEM;
    x->text = t;
    x->cap = cap;
  }
  memcpy(x->text + x->len, bytes, n);
  x->len += n;
  x->text[x->len] = 0;
  return 0;
}

static const char *role_name(const char *code) {
  const struct fp_profession *p = fp_profession_find(code);
  return p ? p->name : code;
}

static int add_event(void *vctx, const struct fp_cal_row *row) {
  struct feed_ctx *x = vctx;
  char uid[64], summary[512], location[512];
  snprintf(uid, sizeof uid, "%s-%lld@flexpool", x->practice ? "shift" : "booking", (long long)row->id);
  if (x->practice)
    snprintf(summary, sizeof summary, "%s%s: %s", row->cancelled ? "Withdrawn: " : "", role_name(row->role),
             row->cancelled ? "no longer needed" : row->clinician_name[0] ? row->clinician_name : "open, nobody booked yet");
  else
    snprintf(summary, sizeof summary, "%s%s session at %s", row->cancelled ? "Cancelled: " : "", role_name(row->role),
             row->practice_name);
  snprintf(location, sizeof location, "%s%s%s", row->practice_address,
           row->practice_address[0] && row->practice_postcode[0] ? ", " : "", row->practice_postcode);
  struct fp_ical_event e = {
      .uid = uid,
      .sequence = row->changed_at > row->created_at ? row->changed_at - row->created_at : 0,
      .starts_at = row->starts_at,
      .ends_at = row->ends_at,
      .stamp = x->now,
      .last_modified = row->changed_at,
      .status = row->cancelled ? FP_ICAL_CANCELLED : (x->practice && !row->booked) ? FP_ICAL_TENTATIVE : FP_ICAL_CONFIRMED,
      .summary = summary,
      .location = location[0] ? location : NULL,
      .description = row->description[0] ? row->description : NULL,
  };
  fp_ical_event(&x->cal, &e);
  return x->cal.failed;
}

struct used_ctx {
  unsigned char hash[FP_CAL_KEY_HASH_LEN];
  fp_time now;
};

static int used_tx(struct fp_conn *c, void *vctx) {
  struct used_ctx *x = vctx;
  return fp_store_calendar_mark_used(c, x->hash, x->now);
}

void fp_h_calendar_feed(struct fp_req *r) {
  const char *key = fp_req_query(r, "key");
  unsigned char hash[FP_CAL_KEY_HASH_LEN];
  if (!key || !key[0] || strlen(key) >= KEY_TEXT_MAX) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "no such calendar feed (it may have been renewed)");
    return;
  }
  key_hash(key, hash);
  struct fp_conn *c = fp_store_reader(r->app->store);
  int64_t user_id = 0, organisation_id = 0;
  bool used = false;
  int rc = c ? fp_store_calendar_find(c, hash, &user_id, &organisation_id, &used) : FP_EIO;
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "no such calendar feed (it may have been renewed)");
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  if (!used) { /* first fetched: kept from now on until the feed is renewed */
    struct used_ctx u = {.now = r->now};
    memcpy(u.hash, hash, sizeof hash);
    if ((rc = fp_store_write(r->app->store, used_tx, &u)) != 0) {
      fp_reply_store_error(r, rc);
      return;
    }
  }
  struct feed_ctx x = {.now = r->now, .practice = organisation_id > 0};
  fp_ical_begin(&x.cal, into_text, &x, x.practice ? "flexpool: the practice's sessions" : "flexpool: my sessions");
  fp_time from = r->now - (fp_time)FP_CAL_PAST_DAYS * 86400;
  rc = x.practice ? fp_store_calendar_org_rows(c, organisation_id, from, add_event, &x)
                  : fp_store_calendar_user_rows(c, user_id, from, add_event, &x);
  if (!rc) rc = fp_ical_end(&x.cal);
  if (rc) {
    free(x.text);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_text(r, 200, "text/calendar; charset=utf-8", x.text, x.len);
}
