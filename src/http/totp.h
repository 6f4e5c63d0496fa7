/*
 * totp.h - TOTP second-factor codes (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps), computed
 * by liboath, and the recovery codes that stand in for them. Secrets are 20 random bytes, handled
 * as base32 text (RFC 4648), the form authenticator apps take.
 */
#ifndef FP_HTTP_TOTP_H
#define FP_HTTP_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/mfa.h"

#define FP_TOTP_STEP 30
#define FP_TOTP_DIGITS 6
/* Codes of the step before and after now are taken too (clocks drift; people type slowly). */
#define FP_TOTP_WINDOW 1
#define FP_RECOVERY_CODE_LEN 14 /* "abcd-efgh-ijkm" */

/* Initialises liboath; once, at start-up. 0 or -1. */
int fp_totp_init(void);
void fp_totp_done(void);

/* A new random secret as base32 text into out (at least 33 bytes). 0 or -1. */
int fp_totp_secret_new(char *out, size_t len);
/*
 * Whether code is the code of secret at a time step within FP_TOTP_WINDOW of now and later than
 * after_step (a code is taken once: RFC 6238 section 5.2). On a match *step receives its step.
 */
bool fp_totp_match(const char *secret, int64_t now, int64_t after_step, const char *code, int64_t *step);
/* The code of secret at time t into out (7 bytes). 0 or -1. (For tests and the demo's tools.) */
int fp_totp_code(const char *secret, int64_t t, char out[FP_TOTP_DIGITS + 1]);
/* The otpauth:// URI an authenticator app reads (as a QR code or a link). */
void fp_totp_uri(const char *secret, const char *account, char *out, size_t len);

/* A new recovery code ("xxxx-xxxx-xxxx", 60 random bits) into out (FP_RECOVERY_CODE_LEN + 1). */
void fp_recovery_code_new(char out[FP_RECOVERY_CODE_LEN + 1]);
/* The hash stored for a recovery code, ignoring case, spaces and dashes. */
void fp_recovery_code_hash(const char *code, unsigned char out[FP_RECOVERY_HASH_LEN]);

#endif
