/* The OpenID Connect relying party from the command line's settings. See app.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "app/app.h"
#include "http/oidc.h"
#include "http/request.h"

#define SETTING_FILE_MAX 65536

/* A small file's whole text (trailing white space taken off), or NULL after saying why. */
static char *read_setting(const char *flag, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "flexpool: %s: cannot open %s\n", flag, path);
    return NULL;
  }
  char *buf = malloc(SETTING_FILE_MAX + 1);
  size_t n = buf ? fread(buf, 1, SETTING_FILE_MAX + 1, f) : 0;
  fclose(f);
  if (!buf || n == 0 || n > SETTING_FILE_MAX) {
    fprintf(stderr, "flexpool: %s: %s is empty or larger than 64 KiB\n", flag, path);
    free(buf);
    return NULL;
  }
  while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t')) n--;
  buf[n] = 0;
  if (strlen(buf) != n || n == 0) {
    fprintf(stderr, "flexpool: %s: %s holds a NUL byte or only white space\n", flag, path);
    free(buf);
    return NULL;
  }
  return buf;
}

static void wipe(char *s) {
  if (s) sodium_memzero(s, strlen(s));
  free(s);
}

int fp_app_oidc_make(const struct fp_config *cfg, struct fp_oidc **out) {
  *out = NULL;
  if (!cfg->oidc_issuer) {
    if (cfg->oidc_client_id || cfg->oidc_secret_file || cfg->oidc_key_file || cfg->oidc_mfa_acr || cfg->oidc_required_for ||
        cfg->oidc_match_org_code) {
      fprintf(stderr, "flexpool: the --oidc-* settings need --oidc-issuer\n");
      return -1;
    }
    return 0;
  }
  char *secret = cfg->oidc_secret_file ? read_setting("--oidc-client-secret-file", cfg->oidc_secret_file) : NULL;
  char *key = cfg->oidc_key_file ? read_setting("--oidc-client-key-file", cfg->oidc_key_file) : NULL;
  if ((cfg->oidc_secret_file && !secret) || (cfg->oidc_key_file && !key)) {
    wipe(secret);
    wipe(key);
    return -1;
  }
  struct fp_oidc_settings s = {cfg->oidc_issuer, cfg->oidc_client_id, secret, key, cfg->oidc_leeway_seconds,
                               cfg->oidc_mfa_acr};
  char why[300] = "";
  *out = fp_oidc_new(&s, why, sizeof why);
  wipe(secret);
  wipe(key);
  if (!*out) {
    fprintf(stderr, "flexpool: %s\n", why[0] ? why : "the OpenID Connect settings could not be used");
    return -1;
  }
  return 0;
}

int fp_app_oidc_roles(const struct fp_config *cfg, unsigned *mask) {
  *mask = 0;
  const char *p = cfg->oidc_required_for;
  if (!p) return 0;
  while (*(p += strspn(p, " ,"))) {
    size_t w = strcspn(p, " ,");
    char role[32];
    enum fp_role_kind k;
    snprintf(role, sizeof role, "%.*s", (int)(w < sizeof role ? w : sizeof role - 1), p);
    if (w >= sizeof role || fp_role_parse(role, &k) != 0) {
      fprintf(stderr, "flexpool: --oidc-required-for: '%.40s' is not a role (sysadmin, commissioner, pool_admin,"
                      " practice_manager, clinician)\n", role);
      return -1;
    }
    *mask |= 1u << k;
    p += w;
  }
  return 0;
}
