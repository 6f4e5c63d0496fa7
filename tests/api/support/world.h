/*
 * world.h - a small, fully known world built through the API for the marketplace tests: one ICB,
 * a place, a PCN, two practices (only the first in the pool), a pool, and one account per role.
 * Everything is created over HTTP exactly as a user would.
 */
#ifndef FPT_WORLD_H
#define FPT_WORLD_H

#include <time.h>

#include "fpt.h"

struct fpt_world {
  struct fpt_server *srv;
  const char *admin;            /* tokens */
  const char *commissioner;
  const char *pool_admin;
  const char *pm1;              /* manager of practice1 (in the pool) */
  const char *pm2;              /* manager of practice2 (not in the pool) */
  long long icb, place, pcn, practice1, practice2, other_icb, pool;
  long long pm1_user;
  bool verify_passports;        /* fpt_world_clinician makes each passport complete (default true) */
};

/* Builds the world on a running server. Fails the test on any unexpected answer. */
void fpt_world_build(struct fpt_world *w, struct fpt_server *srv);

/* The password of every clinician fpt_world_clinician registers. */
#define FPT_CLINICIAN_PASSWORD "clinician-pass-7"

/* Registers a clinician (profession, registration number), admits them to the pool when
 * in_pool, makes their passport complete when w->verify_passports (fpt_world_compliant), and
 * signs them in. Returns the token; *clinician_id receives the id. */
const char *fpt_world_clinician(struct fpt_world *w, const char *email, const char *profession, const char *regnum,
                                bool in_pool, long long *clinician_id);

/* The same with their home postcode and travel radius (fpt_world_clinician: LS1 4AP, 20 km). */
const char *fpt_world_clinician_at(struct fpt_world *w, const char *email, const char *profession, const char *regnum,
                                   bool in_pool, const char *home_postcode, int travel_radius_km, long long *clinician_id);

/*
 * Makes the clinician's passport complete as a pool would, through the API: each check their
 * passport requires that is not verified and in date is uploaded by the clinician (a small PDF with
 * dates its rule accepts) and verified by the system administrator. Nothing is waived.
 */
void fpt_world_compliant(struct fpt_world *w, const char *token, long long clinician_id);

/* Lifts the pool's working-time guards (any hours, no rest required: PATCH /pools/{id}), for tests
   of races that book many sessions close together and count on every free clinician booking. */
void fpt_world_no_working_time_guards(struct fpt_world *w);
/* A GP shift at practice1 (posted by pm1) from `from` to `to`, at GBP 80 an hour, booked "instant"
   or on "approval". Returns the id. */
long long fpt_world_gp_shift_at(struct fpt_world *w, time_t from, time_t to, const char *mode);
/* Time passes (for the figures' tests): shift and its bookings start at `start`, keeping their
   length; the shift posted 30 days before, its bookings made 2 days before (SQL, either engine). */
void fpt_world_move_shift(struct fpt_world *w, long long shift, long long start);
/* Books shift as the clinician token (201 expected). Returns the booking's id. */
long long fpt_world_book(struct fpt_world *w, const char *token, long long shift);

/* Posts a shift at practice as manager token; days/hours from now, length in hours. Returns the id. */
long long fpt_world_shift(struct fpt_world *w, const char *token, long long practice, const char *role, int days,
                          int hour, int hours, const char *mode);

#endif
