/* The FHIR API's rules. See fhir.h. */
#include "core/fhir.h"

#include <stdio.h>
#include <string.h>

#include "core/release.h"

static const char *const TYPE_NAMES[] = {
#define XX(name, text) text,
    FP_FHIR_TYPES(XX)
#undef XX
};

const char *fp_fhir_type_name(enum fp_fhir_type t) {
  return (unsigned)t < FP_FHIR_N_TYPES ? TYPE_NAMES[t] : NULL;
}

int fp_fhir_type_parse(const char *s, enum fp_fhir_type *out) {
  for (int t = 0; t < FP_FHIR_N_TYPES; t++)
    if (strcmp(s, TYPE_NAMES[t]) == 0) {
      *out = (enum fp_fhir_type)t;
      return 0;
    }
  return -1;
}

/* The mask of one scope word [w, w + n): 0 when it is not one. */
static unsigned scope_word(const char *w, size_t n) {
  static const char prefix[] = "system/";
  size_t p = sizeof prefix - 1;
  if (n <= p || memcmp(w, prefix, p) != 0) return 0;
  const char *dot = NULL;
  for (const char *c = w + p; c < w + n && !dot; c++)
    if (*c == '.') dot = c;
  if (!dot) return 0;
  size_t tn = (size_t)(dot - (w + p)), an = n - p - tn - 1;
  const char *act = dot + 1;
  if (!((an == 2 && memcmp(act, "rs", 2) == 0) || (an == 4 && memcmp(act, "read", 4) == 0))) return 0;
  if (tn == 1 && w[p] == '*') return FP_FHIR_ALL_SCOPES;
  for (int t = 0; t < FP_FHIR_N_TYPES; t++)
    if (strlen(TYPE_NAMES[t]) == tn && memcmp(w + p, TYPE_NAMES[t], tn) == 0) return 1u << t;
  return 0;
}

int fp_fhir_scopes_parse(const char *text, unsigned *mask, const char **bad, size_t *bad_len) {
  *mask = 0;
  const char *s = text;
  while (*s) {
    while (*s == ' ') s++;
    if (!*s) break;
    size_t n = strcspn(s, " ");
    unsigned m = scope_word(s, n);
    if (!m) {
      *bad = s;
      *bad_len = n;
      return -1;
    }
    *mask |= m;
    s += n;
  }
  return 0;
}

void fp_fhir_scope_name(enum fp_fhir_type t, char *out, size_t len) {
  snprintf(out, len, "system/%s.rs", (unsigned)t < FP_FHIR_N_TYPES ? TYPE_NAMES[t] : "");
}

void fp_fhir_scopes_text(unsigned mask, char *out, size_t len) {
  size_t at = 0;
  if (len) out[0] = 0;
  for (int t = 0; t < FP_FHIR_N_TYPES; t++) {
    if (!(mask & (1u << t))) continue;
    char one[64];
    fp_fhir_scope_name((enum fp_fhir_type)t, one, sizeof one);
    int n = snprintf(out + at, len - at, "%s%s", at ? " " : "", one);
    if (n < 0 || (size_t)n >= len - at) {
      out[at] = 0; /* cut at the last whole word */
      return;
    }
    at += (size_t)n;
  }
}

static const struct {
  enum fp_regulator reg;
  const char *system;
} SYSTEMS[] = {
    {FP_REG_GMC, "https://fhir.hl7.org.uk/Id/gmc-number"},
    {FP_REG_NMC, "https://fhir.hl7.org.uk/Id/nmc-number"},
    {FP_REG_GPHC, "https://fhir.hl7.org.uk/Id/gphc-number"},
    {FP_REG_HCPC, "https://fhir.hl7.org.uk/Id/hcpc-number"},
};

const char *fp_fhir_registration_system(enum fp_regulator reg) {
  for (size_t i = 0; i < sizeof SYSTEMS / sizeof SYSTEMS[0]; i++)
    if (SYSTEMS[i].reg == reg) return SYSTEMS[i].system;
  return NULL;
}

int fp_fhir_registration_system_parse(const char *s, enum fp_regulator *out) {
  for (size_t i = 0; i < sizeof SYSTEMS / sizeof SYSTEMS[0]; i++)
    if (strcmp(SYSTEMS[i].system, s) == 0) {
      *out = SYSTEMS[i].reg;
      return 0;
    }
  return -1;
}

enum fp_fhir_slot_status fp_fhir_slot_status(enum fp_shift_status s, fp_time pool_opens_at, fp_time now) {
  switch (s) {
  case FP_SHIFT_OPEN: {
    struct fp_release rel;
    fp_release_at(pool_opens_at, FP_RELEASE_NEVER, now, &rel);
    return rel.tier >= FP_TIER_POOL ? FP_SLOT_FREE : FP_SLOT_BUSY_UNAVAILABLE;
  }
  case FP_SHIFT_AWAITING_APPROVAL: return FP_SLOT_BUSY_UNAVAILABLE;
  case FP_SHIFT_BOOKED:
  case FP_SHIFT_COMPLETED: return FP_SLOT_BUSY;
  case FP_SHIFT_WITHDRAWN:
  case FP_SHIFT_CANCELLED:
  case FP_SHIFT_N_STATUSES: break;
  }
  return FP_SLOT_GONE;
}

static const char *const SLOT_NAMES[] = {"free", "busy-unavailable", "busy"};

const char *fp_fhir_slot_status_name(enum fp_fhir_slot_status s) {
  return (unsigned)s < sizeof SLOT_NAMES / sizeof SLOT_NAMES[0] ? SLOT_NAMES[s] : NULL;
}

int fp_fhir_slot_status_parse(const char *s, enum fp_fhir_slot_status *out) {
  for (size_t i = 0; i < sizeof SLOT_NAMES / sizeof SLOT_NAMES[0]; i++)
    if (strcmp(s, SLOT_NAMES[i]) == 0) {
      *out = (enum fp_fhir_slot_status)i;
      return 0;
    }
  return -1;
}

int fp_fhir_service_id(int64_t practice_id, const char *role, char *out, size_t len) {
  int n = snprintf(out, len, "%lld-%s", (long long)practice_id, role);
  if (n < 0 || (size_t)n >= len || n > FP_FHIR_ID_MAX) return -1;
  for (char *c = strchr(out, '-') + 1; *c; c++)
    if (*c == '_') *c = '-';
  return 0;
}

int fp_fhir_int_id_parse(const char *id, int64_t *out) {
  if (!id[0] || id[0] == '0' || strlen(id) > 18) return -1;
  int64_t v = 0;
  for (const char *c = id; *c; c++) {
    if (*c < '0' || *c > '9') return -1;
    v = v * 10 + (*c - '0');
  }
  *out = v;
  return 0;
}

int fp_fhir_service_id_parse(const char *id, int64_t *practice_id, char *role, size_t role_len) {
  const char *dash = strchr(id, '-');
  if (!dash || strlen(id) > FP_FHIR_ID_MAX) return -1;
  char num[20];
  size_t n = (size_t)(dash - id);
  if (n == 0 || n >= sizeof num) return -1;
  memcpy(num, id, n);
  num[n] = 0;
  if (fp_fhir_int_id_parse(num, practice_id) != 0) return -1;
  const char *r = dash + 1;
  size_t rn = strlen(r);
  if (rn == 0 || rn >= role_len) return -1;
  for (size_t i = 0; i < rn; i++) {
    char ch = r[i];
    if (ch == '-') ch = '_';
    else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) return -1;
    role[i] = ch;
  }
  role[rn] = 0;
  return 0;
}

/* The text a role is shown by: a built-in profession's name, else its code ([a-z0-9_]: a pool's
   own role). Both need no escaping in JSON; anything else is refused. */
static const char *role_text(const char *code) {
  const struct fp_profession *p = fp_profession_find(code);
  const char *t = p ? p->name : code;
  for (const char *c = t; *c; c++)
    if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20) return NULL;
  return t;
}

int fp_fhir_slot_json(const struct fp_fhir_slot_facts *s, fp_time now, char *out, size_t len) {
  const char *status = fp_fhir_slot_status_name(fp_fhir_slot_status(s->status, s->pool_opens_at, now));
  const char *role = role_text(s->role);
  char schedule[FP_FHIR_ID_MAX + 1], start[FP_TIME_STRLEN], end[FP_TIME_STRLEN];
  if (!status || !role || fp_fhir_service_id(s->practice_id, s->role, schedule, sizeof schedule) != 0) return -1;
  fp_time_format(s->starts_at, start);
  fp_time_format(s->ends_at, end);
  int n = snprintf(out, len,
                   "{\"resourceType\":\"Slot\",\"id\":\"%lld\",\"serviceType\":[{\"text\":\"%s\"}],"
                   "\"schedule\":{\"reference\":\"Schedule/%s\"},\"status\":\"%s\",\"start\":\"%s\",\"end\":\"%s\"}",
                   (long long)s->id, role, schedule, status, start, end);
  return n < 0 || (size_t)n >= len ? -1 : 0;
}

int fp_fhir_date_narrow(const char *value, fp_time *from, fp_time *before) {
  static const char *const prefixes[] = {"eq", "ge", "gt", "lt", "le"};
  int op = 0; /* eq */
  if (value[0] >= 'a' && value[0] <= 'z') {
    op = -1;
    for (int i = 0; i < 5 && op < 0; i++)
      if (strncmp(value, prefixes[i], 2) == 0) op = i;
    if (op < 0) return -1;
    value += 2;
  }
  fp_time lo, hi; /* the value's range, [lo, hi) */
  fp_day d;
  if (strlen(value) == 10 && fp_date_parse(value, &d) == 0) {
    lo = fp_uk_local_to_utc(d, 0, 0, 0);
    hi = fp_uk_local_to_utc(d + 1, 0, 0, 0);
  } else if (fp_time_parse(value, &lo) == 0) {
    hi = lo + 1; /* whole seconds */
  } else {
    return -1;
  }
  fp_time f = *from, b = *before;
  if (op == 0 || op == 1) f = lo > f ? lo : f; /* eq, ge */
  if (op == 2) f = hi > f ? hi : f;            /* gt */
  if (op == 0 || op == 4) b = hi < b ? hi : b; /* eq, le */
  if (op == 3) b = lo < b ? lo : b;            /* lt */
  *from = f;
  *before = b;
  return 0;
}
