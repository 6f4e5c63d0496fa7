/*
 * events.h - live notifications: GET /api/v1/me/events, a Server-Sent Events stream (issue 12).
 *
 * One hub per server. Its thread reads the notifications table once a second while any stream is
 * open (one statement for the whole server, however many streams: store/outbox.h
 * fp_store_notifications_since), so that a notification written through any server reaches the
 * streams open on every server within about a second, and hands each row to the streams of its
 * user as an event `notification` (id: the notification's id; data: the notification and the
 * user's unread count). A stream starts with an event `unread` (the count), and one resumed with
 * Last-Event-ID first gets what it missed (the newest FP_EVENTS_RESUME_MAX after that id).
 *
 * Threads: with a thread per connection (the default) a stream's response callback waits on its
 * own condition variable in its own connection's thread; with --threads N (an epoll pool) the
 * callback suspends the connection (MHD_suspend_connection) when it has nothing to send, and the
 * hub resumes it when there is an event, a heartbeat due or the stream must end, so a waiting
 * stream never holds one of the pool's threads.
 *
 * Limits, refused at the door with 503 too_many_streams: at most cfg.event_streams_max streams on
 * a server, FP_EVENTS_PER_ACCOUNT per account. A stream ends (and the browser's EventSource comes
 * back with Last-Event-ID, losing nothing) after FP_EVENTS_MAX_SECONDS or when its session would
 * end unless used (the stream does not keep a session alive, and a session ended elsewhere stops
 * its streams within FP_EVENTS_MAX_SECONDS), when the server starts stopping (fp_events_close_all),
 * and when a client reads so slowly that FP_EVENTS_BUFFER_MAX bytes wait for it.
 */
#ifndef FP_HTTP_EVENTS_H
#define FP_HTTP_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "http/config.h"
#include "http/request.h"

#define FP_EVENTS_PER_ACCOUNT 8       /* streams one account may have open on a server */
#define FP_EVENTS_MAX_SECONDS 300     /* the longest a stream lasts before the client reconnects */
#define FP_EVENTS_RESUME_MAX 50       /* the notifications a resumed stream is sent at most */
#define FP_EVENTS_BUFFER_MAX (64 * 1024)
#define FP_EVENTS_RETRY_MS 3000       /* the reconnection delay the stream tells the browser */

struct fp_events;
struct fp_stream;

/* Starts the hub of app (its thread waits until a stream opens); suspend: the server multiplexes
   connections over a pool of threads (see above). NULL on failure. */
struct fp_events *fp_events_start(struct fp_http_app *app, bool suspend);
/* Ends every stream (each sends what it has and ends) and refuses new ones: before a drain and
   before the server stops. */
void fp_events_close_all(struct fp_events *ev);
/* Stops the hub's thread and frees it, once the server has stopped (no stream is left). */
void fp_events_free(struct fp_events *ev);
/* How many streams are open. */
int fp_events_open_count(struct fp_events *ev);

/* user_id's unread count changed on this server without a new notification (they marked some
   read): their streams here get an event `unread` (streams on other servers learn it with the next
   notification). */
void fp_events_unread(struct fp_events *ev, int64_t user_id, int64_t unread);

/* The handler's part: opens a stream for the signed-in caller, resumed after last_event_id (0:
   none), and sets it as r's answer (r->stream), or answers the refusal. */
void fp_events_open_or_respond(struct fp_req *r, int64_t last_event_id);
/* The response that sends s (a struct MHD_Response *; it owns s from then on), or NULL. */
void *fp_stream_response(struct fp_stream *s);
/* Ends and frees a stream that was never handed to a response. */
void fp_stream_discard(struct fp_stream *s);

#endif
