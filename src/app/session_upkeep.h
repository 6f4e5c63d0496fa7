/*
 * session_upkeep.h - the sessions' step in the server's background upkeep (app/sweeper.h), run at
 * start-up and then every --upkeep-interval seconds in its own write transaction:
 *   - "expired sessions": a session not used for --session-idle seconds can no longer sign anyone
 *     in (store/accounts.h fp_store_session_find); its row (the token's hash, the user, the times)
 *     is deleted rather than kept for ever.
 */
#ifndef FP_APP_SESSION_UPKEEP_H
#define FP_APP_SESSION_UPKEEP_H

#include "app/app.h"
#include "app/sweeper.h"

/* Registers the step; app must outlive the sweeper. 0, or FP_ENOMEM when it could not be added. */
int fp_session_upkeep_add(struct fp_sweeper *s, struct fp_app *app);

#endif
