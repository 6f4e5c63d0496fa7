/* TOTP codes and recovery codes. See totp.h. */
#include "http/totp.h"

#include <ctype.h>
#include <liboath/oath.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fp_totp_init(void) { return oath_init() == OATH_OK ? 0 : -1; }
void fp_totp_done(void) { oath_done(); }

int fp_totp_secret_new(char *out, size_t len) {
  unsigned char raw[20];
  randombytes_buf(raw, sizeof raw);
  char *b32 = NULL;
  size_t n = 0;
  int rc = oath_base32_encode((const char *)raw, sizeof raw, &b32, &n);
  sodium_memzero(raw, sizeof raw);
  if (rc != OATH_OK || !b32 || n + 1 > len) {
    free(b32);
    return -1;
  }
  memcpy(out, b32, n);
  out[n] = 0;
  sodium_memzero(b32, n);
  free(b32);
  return 0;
}

/* The secret's bytes (malloc'd into *raw), from base32. */
static int decode(const char *secret, char **raw, size_t *n) {
  *raw = NULL;
  return oath_base32_decode(secret, strlen(secret), raw, n) == OATH_OK && *raw ? 0 : -1;
}

int fp_totp_code(const char *secret, int64_t t, char out[FP_TOTP_DIGITS + 1]) {
  char *raw;
  size_t n;
  if (decode(secret, &raw, &n)) return -1;
  int rc = oath_totp_generate(raw, n, (time_t)t, FP_TOTP_STEP, OATH_TOTP_DEFAULT_START_TIME, FP_TOTP_DIGITS, out);
  sodium_memzero(raw, n);
  free(raw);
  return rc == OATH_OK ? 0 : -1;
}

bool fp_totp_match(const char *secret, int64_t now, int64_t after_step, const char *code, int64_t *step) {
  if (strlen(code) != FP_TOTP_DIGITS) return false;
  char *raw;
  size_t n;
  if (decode(secret, &raw, &n)) return false;
  bool found = false;
  int64_t here = now / FP_TOTP_STEP;
  for (int64_t s = here - FP_TOTP_WINDOW; s <= here + FP_TOTP_WINDOW && !found; s++) {
    if (s <= after_step) continue;
    char expect[FP_TOTP_DIGITS + 1];
    if (oath_totp_generate(raw, n, (time_t)(s * FP_TOTP_STEP), FP_TOTP_STEP, OATH_TOTP_DEFAULT_START_TIME,
                           FP_TOTP_DIGITS, expect) != OATH_OK)
      break;
    if (sodium_memcmp(expect, code, FP_TOTP_DIGITS) == 0) {
      found = true;
      *step = s;
    }
  }
  sodium_memzero(raw, n);
  free(raw);
  return found;
}

/* Percent-encodes s into out (RFC 3986 unreserved characters kept). */
static size_t pct(const char *s, char *out, size_t len) {
  size_t k = 0;
  for (; *s && k + 4 < len; s++) {
    unsigned char ch = (unsigned char)*s;
    if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') out[k++] = (char)ch;
    else k += (size_t)snprintf(out + k, len - k, "%%%02X", ch);
  }
  out[k] = 0;
  return k;
}

void fp_totp_uri(const char *secret, const char *account, char *out, size_t len) {
  char label[800];
  pct(account, label, sizeof label);
  snprintf(out, len, "otpauth://totp/flexpool:%s?secret=%s&issuer=flexpool&algorithm=SHA1&digits=%d&period=%d", label,
           secret, FP_TOTP_DIGITS, FP_TOTP_STEP);
}

void fp_recovery_code_new(char out[FP_RECOVERY_CODE_LEN + 1]) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567"; /* base32: 5 bits a character */
  int k = 0;
  for (int i = 0; i < 12; i++) {
    if (i && i % 4 == 0) out[k++] = '-';
    out[k++] = alphabet[randombytes_uniform(32)];
  }
  out[k] = 0;
}

void fp_recovery_code_hash(const char *code, unsigned char out[FP_RECOVERY_HASH_LEN]) {
  char norm[64];
  size_t n = 0;
  for (const char *p = code; *p && n + 1 < sizeof norm; p++)
    if (*p != '-' && *p != ' ') norm[n++] = (char)tolower((unsigned char)*p);
  norm[n] = 0;
  static const unsigned char key[] = "flexpool recovery code";
  crypto_generichash(out, FP_RECOVERY_HASH_LEN, (const unsigned char *)norm, n, key, sizeof key - 1);
  sodium_memzero(norm, sizeof norm);
}
