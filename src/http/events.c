/* Live notifications over Server-Sent Events. See events.h. */
#include "http/events.h"

#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/ids.h"
#include "http/codec.h"
#include "http/json_out.h"
#include "store/outbox.h"

#define SENT_RING 64        /* the ids a stream remembers sending, so none goes twice */
#define POLL_ROWS 500       /* rows a poll reads at most (more: the next poll follows at once) */
#define GAP_SECONDS 60.0    /* how long an id not seen below the mark is looked for again */
#define START_IDS 256       /* the newest ids read where polling starts, to know its gaps */

struct fp_stream {
  struct fp_events *ev;
  struct MHD_Connection *conn;
  int64_t user_id;
  int64_t session_id; /* the session it was opened with (0: none): it ends when that does */
  int64_t floor; /* the user's notifications up to this id were counted when it opened: not sent again */
  int64_t unread_sent; /* the unread count it was last sent */
  unsigned version;    /* moves with each count sent (a check read before it is stale) */
  unsigned checked, checked_version; /* the check that read this stream's user, and its version then */
  struct fp_stream *prev, *next;
  char *buf; /* what waits to be sent: buf[off..len) */
  size_t len, off, cap;
  int64_t sent[SENT_RING];
  int n_sent;
  double next_beat, ends_at; /* monotonic seconds */
  bool closing;   /* send what is buffered, then end */
  bool suspended; /* the connection is suspended (pool mode) */
  pthread_cond_t cond; /* thread-per-connection mode: the callback waits here */
};

struct gap {
  int64_t id;
  double until;
};

struct fp_events {
  struct fp_http_app *app;
  bool suspend;
  pthread_mutex_t lock;
  pthread_cond_t wake; /* the hub's thread waits here */
  pthread_t thread;
  bool thread_started, stop, closed;
  struct fp_stream *head;
  int n;
  /* Where the poll stands: every id up to mark has been seen but those in gaps. */
  bool have_mark;
  int64_t mark;
  struct gap gaps[FP_NOTIFICATION_GAPS];
  int n_gaps;
  unsigned check; /* the hub's checks of what other servers changed (check_streams) */
};

static double mono(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int heartbeat_seconds(const struct fp_events *ev) {
  int s = ev->app->cfg.event_heartbeat_seconds;
  return s > 0 ? s : 15;
}

/* Appends text to s's buffer; a stream whose reader lets more than FP_EVENTS_BUFFER_MAX wait is
   ended instead (its client reconnects with Last-Event-ID and is sent what it missed). */
static void put(struct fp_stream *s, const char *text, size_t n) {
  if (s->closing) return;
  if (s->len - s->off + n > FP_EVENTS_BUFFER_MAX) {
    fprintf(stderr, "events: a stream of user %lld reads too slowly: ended (it resumes from its last event)\n",
            (long long)s->user_id);
    s->closing = true;
    return;
  }
  if (s->off && s->off == s->len) s->off = s->len = 0;
  if (s->len + n + 1 > s->cap) { /* one more: the text is kept NUL-terminated */
    if (s->off) { /* move what waits to the front first */
      memmove(s->buf, s->buf + s->off, s->len - s->off);
      s->len -= s->off;
      s->off = 0;
    }
    size_t cap = s->cap ? s->cap : 1024;
    while (cap < s->len + n + 1) cap *= 2;
    char *b = realloc(s->buf, cap);
    if (!b) {
      s->closing = true;
      return;
    }
    s->buf = b;
    s->cap = cap;
  }
  memcpy(s->buf + s->len, text, n);
  s->len += n;
  s->buf[s->len] = '\0';
}

static bool was_sent(const struct fp_stream *s, int64_t id) {
  int k = s->n_sent < SENT_RING ? s->n_sent : SENT_RING;
  for (int i = 0; i < k; i++)
    if (s->sent[i] == id) return true;
  return false;
}

static void note_sent(struct fp_stream *s, int64_t id) { s->sent[s->n_sent++ % SENT_RING] = id; }

/* The event for notification n with the user's unread count, into a new string. */
static char *event_text(const struct fp_notification *n, int64_t unread) {
  json_t *data = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:b, s:I}", "id", (json_int_t)n->id, "kind", n->kind, "subject",
                           n->subject, "text", n->text, "link", n->link, "created_at", fp_json_time(n->created_at), "read",
                           n->read_at != 0, "unread", (json_int_t)unread);
  char *json = data ? json_dumps(data, JSON_COMPACT) : NULL; /* one line: a newline in a string is written \n */
  json_decref(data);
  if (!json) return NULL;
  size_t len = strlen(json) + 64;
  char *out = malloc(len);
  if (out) snprintf(out, len, "id: %lld\nevent: notification\ndata: %s\n\n", (long long)n->id, json);
  free(json);
  return out;
}

/* Wakes the one who sends s: its waiting callback, or its suspended connection. Under ev->lock. */
static void wake(struct fp_stream *s) {
  if (s->ev->suspend) {
    if (s->suspended) {
      s->suspended = false;
      MHD_resume_connection(s->conn);
    }
  } else {
    pthread_cond_signal(&s->cond);
  }
}

/* Sends s the unread count. Under ev->lock. */
static void put_unread(struct fp_stream *s, int64_t unread) {
  char text[96];
  int k = snprintf(text, sizeof text, "event: unread\ndata: {\"unread\":%lld}\n\n", (long long)unread);
  put(s, text, (size_t)k);
  s->unread_sent = unread;
  s->version++;
  wake(s);
}

static void unlink_stream(struct fp_stream *s) {
  struct fp_events *ev = s->ev;
  if (s->prev) s->prev->next = s->next;
  else if (ev->head == s) ev->head = s->next;
  if (s->next) s->next->prev = s->prev;
  s->prev = s->next = NULL;
  ev->n--;
}

static void stream_free(struct fp_stream *s) {
  pthread_cond_destroy(&s->cond);
  free(s->buf);
  free(s);
}

/* ---------------------------------------------------------------------------- the hub's poll */

struct poll_ctx {
  struct fp_events *ev;
  int64_t last; /* the highest id read */
};

static bool is_gap(struct fp_events *ev, int64_t id, bool remove) {
  for (int i = 0; i < ev->n_gaps; i++)
    if (ev->gaps[i].id == id) {
      if (remove) ev->gaps[i] = ev->gaps[--ev->n_gaps];
      return true;
    }
  return false;
}

/* Remembers id as not seen (yet); the oldest gap makes room when there are FP_NOTIFICATION_GAPS. */
static void add_gap(struct fp_events *ev, int64_t id, double until) {
  if (ev->n_gaps == FP_NOTIFICATION_GAPS) {
    int oldest = 0;
    for (int i = 1; i < ev->n_gaps; i++)
      if (ev->gaps[i].id < ev->gaps[oldest].id) oldest = i;
    ev->gaps[oldest] = ev->gaps[--ev->n_gaps];
  }
  ev->gaps[ev->n_gaps++] = (struct gap){id, until};
}

/* Moves the mark over id (each id skipped becomes a gap). Under ev->lock. Whether id is new. */
static bool advance(struct fp_events *ev, int64_t id, double now) {
  if (id <= ev->mark) return is_gap(ev, id, true);
  /* Only the newest ids skipped can matter: older ones would push them out of the gaps. */
  int64_t from = id - ev->mark > FP_NOTIFICATION_GAPS ? id - FP_NOTIFICATION_GAPS : ev->mark + 1;
  for (int64_t g = from; g < id; g++) add_gap(ev, g, now + GAP_SECONDS);
  ev->mark = id;
  return true;
}

static void on_row(const struct fp_notification_event *e, void *vctx) {
  struct poll_ctx *x = vctx;
  struct fp_events *ev = x->ev;
  pthread_mutex_lock(&ev->lock);
  bool fresh = advance(ev, e->n.id, mono());
  char *text = NULL;
  for (struct fp_stream *s = fresh ? ev->head : NULL; s; s = s->next) {
    if (s->user_id != e->user_id || s->closing || e->n.id <= s->floor || was_sent(s, e->n.id)) continue;
    if (!text && !(text = event_text(&e->n, e->unread))) break;
    put(s, text, strlen(text));
    note_sent(s, e->n.id);
    s->unread_sent = e->unread;
    s->version++;
    wake(s);
  }
  pthread_mutex_unlock(&ev->lock);
  free(text);
  if (e->n.id > x->last) x->last = e->n.id;
}

/* Heartbeats due, streams whose time is up; expired gaps forgotten. Under ev->lock. */
static void tick(struct fp_events *ev, double now) {
  for (int i = 0; i < ev->n_gaps;)
    if (ev->gaps[i].until <= now) ev->gaps[i] = ev->gaps[--ev->n_gaps];
    else i++;
  for (struct fp_stream *s = ev->head; s; s = s->next) {
    if (now >= s->ends_at && !s->closing) {
      s->closing = true;
      wake(s);
    } else if (now >= s->next_beat) {
      wake(s); /* the callback writes the heartbeat */
    }
  }
}


/*
 * What another server may have changed for this server's open streams since they opened: their
 * users' unread counts (notifications marked read there: sent as an `unread` event when it differs
 * from the count a stream was last sent) and their sessions (signed out, or ended by a password
 * reset or a deactivation there: the stream ends, as it would on the server that ended it). Read in
 * the poll's read transaction c, each poll (every second). The streams are noted under ev->lock,
 * read without it, and a count applied only to a stream sent none since it was noted.
 */
static int check_streams(struct fp_events *ev, struct fp_conn *c) {
  pthread_mutex_lock(&ev->lock);
  size_t n = (size_t)ev->n, nu = 0, ns = 0;
  int64_t *users = n ? malloc(2 * n * sizeof *users) : NULL, *sessions = users ? users + n : NULL;
  unsigned check = ++ev->check;
  for (struct fp_stream *s = ev->head; users && s; s = s->next) {
    users[nu++] = s->user_id;
    if (s->session_id) sessions[ns++] = s->session_id;
    s->checked = check;
    s->checked_version = s->version;
  }
  pthread_mutex_unlock(&ev->lock);
  if (!n) return 0;
  if (!users) return FP_ENOMEM;
  nu = fp_ids_sort_unique(users, nu);
  ns = fp_ids_sort_unique(sessions, ns);
  int64_t *unread = malloc((nu ? nu : 1) * sizeof *unread);
  bool *live = malloc((ns ? ns : 1) * sizeof *live);
  int rc = unread && live ? fp_store_streams_check(c, users, nu, unread, sessions, ns, live) : FP_ENOMEM;
  pthread_mutex_lock(&ev->lock);
  for (struct fp_stream *s = ev->head; !rc && s; s = s->next) {
    if (s->checked != check || s->closing) continue; /* opened since: its own count is newer */
    ptrdiff_t at = s->session_id ? fp_ids_find(sessions, ns, s->session_id) : -1;
    if (at >= 0 && !live[at]) {
      s->closing = true;
      wake(s);
      continue;
    }
    at = fp_ids_find(users, nu, s->user_id);
    if (at >= 0 && s->version == s->checked_version && unread[at] != s->unread_sent) put_unread(s, unread[at]);
  }
  pthread_mutex_unlock(&ev->lock);
  free(live);
  free(unread);
  free(users);
  return rc;
}

static void *hub_main(void *arg) {
  struct fp_events *ev = arg;
  pthread_mutex_lock(&ev->lock);
  while (!ev->stop) {
    if (ev->n == 0 || !ev->have_mark) {
      /* Nobody listens: no polling. The next stream's opening reads where to start. */
      if (ev->n == 0) {
        ev->have_mark = false;
        ev->n_gaps = 0;
      }
      pthread_cond_wait(&ev->wake, &ev->lock);
      continue;
    }
    int64_t mark = ev->mark, gaps[FP_NOTIFICATION_GAPS];
    int n_gaps = ev->n_gaps;
    for (int i = 0; i < n_gaps; i++) gaps[i] = ev->gaps[i].id;
    pthread_mutex_unlock(&ev->lock);
    struct poll_ctx x = {ev, 0};
    int rows = 0;
    struct fp_conn *c = fp_store_reader(ev->app->store);
    int rc = c ? fp_store_read_begin(c) : FP_EIO;
    if (!rc) {
      rc = fp_store_notifications_since(c, mark, gaps, n_gaps, POLL_ROWS, on_row, &x, &rows);
      if (!rc) rc = check_streams(ev, c);
      fp_store_read_end(c);
    }
    if (rc)
      fprintf(stderr, "events: the poll (new notifications, the streams' counts and sessions) failed: %s (again in a second)\n",
              fp_strerror(rc));
    pthread_mutex_lock(&ev->lock);
    tick(ev, mono());
    if (rows == POLL_ROWS) continue; /* more are waiting */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    while (!ev->stop && pthread_cond_timedwait(&ev->wake, &ev->lock, &until) != ETIMEDOUT) {}
  }
  pthread_mutex_unlock(&ev->lock);
  return NULL;
}

struct fp_events *fp_events_start(struct fp_http_app *app, bool suspend) {
  struct fp_events *ev = calloc(1, sizeof *ev);
  if (!ev) return NULL;
  ev->app = app;
  ev->suspend = suspend;
  pthread_mutex_init(&ev->lock, NULL);
  pthread_cond_init(&ev->wake, NULL);
  if (pthread_create(&ev->thread, NULL, hub_main, ev) != 0) {
    fp_events_free(ev);
    return NULL;
  }
  ev->thread_started = true;
  return ev;
}

void fp_events_close_all(struct fp_events *ev) {
  if (!ev) return;
  pthread_mutex_lock(&ev->lock);
  ev->closed = true;
  for (struct fp_stream *s = ev->head; s; s = s->next) {
    s->closing = true;
    wake(s);
  }
  pthread_mutex_unlock(&ev->lock);
}

void fp_events_free(struct fp_events *ev) {
  if (!ev) return;
  pthread_mutex_lock(&ev->lock);
  ev->stop = true;
  pthread_cond_broadcast(&ev->wake);
  pthread_mutex_unlock(&ev->lock);
  if (ev->thread_started) pthread_join(ev->thread, NULL);
  while (ev->head) { /* none should be left once the server has stopped */
    struct fp_stream *s = ev->head;
    unlink_stream(s);
    stream_free(s);
  }
  pthread_cond_destroy(&ev->wake);
  pthread_mutex_destroy(&ev->lock);
  free(ev);
}

int fp_events_open_count(struct fp_events *ev) {
  if (!ev) return 0;
  pthread_mutex_lock(&ev->lock);
  int n = ev->n;
  pthread_mutex_unlock(&ev->lock);
  return n;
}

void fp_events_unread(struct fp_events *ev, int64_t user_id, int64_t unread) {
  if (!ev) return;
  pthread_mutex_lock(&ev->lock);
  for (struct fp_stream *s = ev->head; s; s = s->next)
    if (s->user_id == user_id && !s->closing) put_unread(s, unread);
  pthread_mutex_unlock(&ev->lock);
}

/* ------------------------------------------------------------------------- the response */

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max) {
  (void)pos;
  struct fp_stream *s = cls;
  struct fp_events *ev = s->ev;
  pthread_mutex_lock(&ev->lock);
  for (;;) {
    if (s->len > s->off) {
      size_t n = s->len - s->off < max ? s->len - s->off : max;
      memcpy(out, s->buf + s->off, n);
      s->off += n;
      pthread_mutex_unlock(&ev->lock);
      return (ssize_t)n;
    }
    if (s->closing) break;
    double now = mono();
    if (now >= s->ends_at) {
      s->closing = true;
      continue;
    }
    if (now >= s->next_beat) { /* a comment, so proxies and the client see the connection alive */
      static const char beat[] = ": keep-alive\n\n";
      put(s, beat, sizeof beat - 1);
      s->next_beat = now + heartbeat_seconds(ev);
      continue;
    }
    if (ev->suspend) { /* the pool's thread goes on to other connections; the hub resumes this one */
      s->suspended = true;
      MHD_suspend_connection(s->conn);
      pthread_mutex_unlock(&ev->lock);
      return 0;
    }
    double until = s->next_beat < s->ends_at ? s->next_beat : s->ends_at;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double wait = until - now + 0.001;
    ts.tv_sec += (time_t)wait;
    ts.tv_nsec += (long)((wait - (double)(time_t)wait) * 1e9);
    if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
    pthread_cond_timedwait(&s->cond, &ev->lock, &ts);
  }
  pthread_mutex_unlock(&ev->lock);
  return MHD_CONTENT_READER_END_OF_STREAM;
}

static void stream_release(void *cls) {
  struct fp_stream *s = cls;
  struct fp_events *ev = s->ev;
  pthread_mutex_lock(&ev->lock);
  unlink_stream(s);
  pthread_mutex_unlock(&ev->lock);
  stream_free(s);
}

void *fp_stream_response(struct fp_stream *s) {
  struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 8192, stream_read, s, stream_release);
  if (!resp) return NULL;
  MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
  MHD_add_response_header(resp, "X-Accel-Buffering", "no"); /* nginx: pass each event on at once */
  return resp;
}

void fp_stream_discard(struct fp_stream *s) {
  if (s) stream_release(s);
}

/* ------------------------------------------------------------------------- opening a stream */

struct opening {
  int64_t unread;
  int n;
  int64_t ids[FP_EVENTS_RESUME_MAX];
  char *texts[FP_EVENTS_RESUME_MAX]; /* each missed notification's event */
};

static void on_missed(const struct fp_notification *n, void *vctx) {
  struct opening *o = vctx;
  if (o->n == FP_EVENTS_RESUME_MAX) return;
  o->ids[o->n] = n->id;
  o->texts[o->n] = event_text(n, o->unread);
  if (o->texts[o->n]) o->n++;
}

static void opening_release(struct opening *o) {
  for (int i = 0; i < o->n; i++) free(o->texts[i]);
}

void fp_events_open_or_respond(struct fp_req *r, int64_t last_event_id) {
  struct fp_events *ev = r->app->events;
  int max = r->app->cfg.event_streams_max;
  if (!ev || max <= 0) {
    fp_reply_error(r, FP_API_UNAVAILABLE, NULL, "live updates are turned off on this server");
    return;
  }
  struct fp_stream *s = calloc(1, sizeof *s);
  if (!s) {
    fp_reply_error(r, FP_API_INTERNAL_ERROR, NULL, "out of memory");
    return;
  }
  s->ev = ev;
  s->conn = r->conn;
  s->user_id = r->auth.user_id;
  s->session_id = r->auth.session_id;
  pthread_cond_init(&s->cond, NULL);
  double now = mono();
  int64_t life = FP_EVENTS_MAX_SECONDS;
  if (r->session_ends_at > r->now && r->session_ends_at - r->now < life) life = r->session_ends_at - r->now;
  s->ends_at = now + (double)life;
  s->next_beat = now + heartbeat_seconds(ev);
  /* Counted at once, so that the limits hold however many open together; taking part in the hub's
     deliveries from now on (what the reads below also find is sent once: was_sent). */
  pthread_mutex_lock(&ev->lock);
  int mine = 0;
  for (struct fp_stream *o = ev->head; o; o = o->next) mine += o->user_id == s->user_id;
  bool closed = ev->closed;
  const char *refusal = closed                          ? "the server is stopping: connect again"
                        : ev->n >= max                  ? "this server has as many live update streams open as it takes"
                        : mine >= FP_EVENTS_PER_ACCOUNT ? "this account has as many live update streams open as one may"
                                                        : NULL;
  if (!refusal) {
    s->next = ev->head;
    if (ev->head) ev->head->prev = s;
    ev->head = s;
    ev->n++;
  }
  bool need_mark = !ev->have_mark;
  pthread_mutex_unlock(&ev->lock);
  if (refusal) {
    stream_free(s);
    fp_req_add_header(r, "Retry-After", "30");
    if (closed) fp_reply_error(r, FP_API_NOT_READY, NULL, "%s", refusal);
    else fp_reply_error(r, FP_API_TOO_MANY_STREAMS, NULL, "%s (at most %d on this server, %d an account)", refusal, max,
                        FP_EVENTS_PER_ACCOUNT);
    return;
  }
  /* One snapshot: the count, what a resumed stream missed, and (for the first stream after none)
     where the hub starts polling: every notification is then either in this snapshot or after it. */
  struct opening o = {0};
  int64_t user_last = 0, start_last = 0, ids[START_IDS];
  int n_ids = 0;
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? fp_store_read_begin(c) : FP_EIO;
  if (!rc) {
    rc = fp_store_notifications_state(c, s->user_id, &o.unread, &user_last);
    if (!rc && last_event_id > 0 && last_event_id < user_last)
      rc = fp_store_notifications_after(c, s->user_id, last_event_id, FP_EVENTS_RESUME_MAX, on_missed, &o);
    if (!rc && need_mark) rc = fp_store_notification_ids(c, &start_last, ids, START_IDS, &n_ids);
    fp_store_read_end(c);
  }
  /* With a thread per connection this thread now waits on the stream for minutes: its database
     connection goes back for the others (500 streams must not hold 500 PostgreSQL connections). */
  if (!ev->suspend) fp_store_reader_set_aside(r->app->store);
  if (rc) {
    opening_release(&o);
    fp_stream_discard(s);
    fp_reply_store_error(r, rc);
    return;
  }
  /* The opening: the reconnection delay and the unread count, with the user's newest id (so that a
     reconnection asks for what came after it), then what was missed. */
  char head[160];
  int k = user_last > last_event_id
              ? snprintf(head, sizeof head, "retry: %d\nid: %lld\nevent: unread\ndata: {\"unread\":%lld}\n\n",
                         FP_EVENTS_RETRY_MS, (long long)user_last, (long long)o.unread)
              : snprintf(head, sizeof head, "retry: %d\nevent: unread\ndata: {\"unread\":%lld}\n\n", FP_EVENTS_RETRY_MS,
                         (long long)o.unread);
  pthread_mutex_lock(&ev->lock);
  /* Where the hub starts: from this snapshot when it has none, or when another stream opening at
     the same time installed a later one (what came between is read again; the streams' floors and
     sent ids keep it from being sent twice). */
  if (need_mark && (!ev->have_mark || start_last < ev->mark)) {
    ev->mark = 0;
    ev->n_gaps = 0;
    double t = mono();
    for (int i = 0; i < n_ids; i++) advance(ev, ids[i], t);
    ev->mark = start_last;
    ev->have_mark = true;
    pthread_cond_signal(&ev->wake);
  }
  /* From now on the hub sends only what came after the snapshot (as far as ids tell: a
     notification of this user committed late under a lower id than one counted here is counted at
     the next event, not sent). What the hub has put there already (the events it wrote, one
     "id: N\n..." block each) goes after the opening, less what the snapshot counted or sent. */
  s->floor = user_last > last_event_id ? user_last : last_event_id;
  s->unread_sent = o.unread;
  s->version++;
  char *hub = s->buf;
  size_t hub_off = s->off, hub_len = s->len;
  s->buf = NULL;
  s->len = s->off = s->cap = 0;
  put(s, head, (size_t)k);
  for (int i = 0; i < o.n; i++) {
    if (was_sent(s, o.ids[i])) continue;
    put(s, o.texts[i], strlen(o.texts[i]));
    note_sent(s, o.ids[i]);
  }
  for (size_t at = hub_off; at < hub_len;) {
    const char *end = strstr(hub + at, "\n\n"); /* hub is NUL-terminated below */
    size_t block = end ? (size_t)(end - (hub + at)) + 2 : hub_len - at;
    if (strncmp(hub + at, "id: ", 4) != 0 || strtoll(hub + at + 4, NULL, 10) > s->floor) put(s, hub + at, block);
    at += block;
  }
  pthread_mutex_unlock(&ev->lock);
  free(hub);
  opening_release(&o);
  r->stream = s;
  r->status = 200;
}
