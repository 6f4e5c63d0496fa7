/*
 * validate.c - formats of identifiers that arrive from outside. ASCII only, independent of locale.
 */
#include "core/validate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static char to_upper(char c) { return is_lower(c) ? (char)(c - 'a' + 'A') : c; }

/* ---- organisation levels ---- */

static const char *const level_names[] = {
    [FP_ORG_NATIONAL] = "national", [FP_ORG_ICB] = "icb",           [FP_ORG_PLACE] = "place",
    [FP_ORG_PCN] = "pcn",           [FP_ORG_PRACTICE] = "practice",
};

#define N_LEVELS ((int)(sizeof level_names / sizeof level_names[0]))

int fp_org_level_parse(const char *s, enum fp_org_level *out) {
  if (!s || !out)
    return FP_EINVAL;
  for (int i = 0; i < N_LEVELS; i++) {
    if (strcmp(s, level_names[i]) == 0) {
      *out = (enum fp_org_level)i;
      return FP_OK;
    }
  }
  return FP_EINVAL;
}

const char *fp_org_level_name(enum fp_org_level l) {
  if ((int)l < 0 || (int)l >= N_LEVELS)
    return "unknown";
  return level_names[l];
}

bool fp_org_parent_ok(enum fp_org_level parent, enum fp_org_level child) {
  switch (child) {
  case FP_ORG_NATIONAL: return false; /* the top of the tree */
  case FP_ORG_ICB: return parent == FP_ORG_NATIONAL;
  case FP_ORG_PLACE: return parent == FP_ORG_ICB;
  case FP_ORG_PCN: return parent == FP_ORG_PLACE || parent == FP_ORG_ICB;
  case FP_ORG_PRACTICE: return parent == FP_ORG_PCN;
  }
  return false;
}

/* ---- ODS codes ---- */

static bool all_upper_alnum(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!is_upper(s[i]) && !is_digit(s[i]))
      return false;
  return true;
}

static bool all_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!is_digit(s[i]))
      return false;
  return true;
}

bool fp_ods_valid(enum fp_org_level level, const char *code) {
  if (level == FP_ORG_NATIONAL)
    return true; /* unchecked */
  if (!code)
    return false;
  const size_t n = strlen(code);
  switch (level) {
  case FP_ORG_NATIONAL: return true;
  case FP_ORG_ICB: return n == 3 && all_upper_alnum(code, n);
  case FP_ORG_PLACE: return n >= 3 && n <= 5 && all_upper_alnum(code, n);
  case FP_ORG_PCN: return n == 6 && code[0] == 'U' && all_digits(code + 1, 5);
  case FP_ORG_PRACTICE: return n == 6 && is_upper(code[0]) && all_digits(code + 1, 5);
  }
  return false;
}

/* ---- postcodes ---- */

/* Whether the upper-cased outward code o (2 to 4 characters) is A9, A99, AA9, AA99, A9A or AA9A. */
static bool outward_ok(const char *o, size_t n) {
  char shape[5];
  for (size_t i = 0; i < n; i++)
    shape[i] = is_upper(o[i]) ? 'A' : is_digit(o[i]) ? '9' : '?';
  shape[n] = '\0';
  static const char *const shapes[] = {"A9", "A99", "AA9", "AA99", "A9A", "AA9A"};
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
    if (strcmp(shape, shapes[i]) == 0)
      return true;
  return false;
}

/* The digits of s, with sep (and nothing else) allowed between them, into out (at most max). The
   number of digits, or -1 for any other character, a separator first or last, or too many. */
static int digits_of(const char *s, const char *seps, char *out, int max) {
  int n = 0;
  bool sep_last = false;
  for (const char *p = s; *p; p++) {
    if (*p >= '0' && *p <= '9') {
      if (n == max) return -1;
      out[n++] = *p;
      sep_last = false;
    } else if (strchr(seps, *p) && n > 0 && !sep_last) {
      sep_last = true;
    } else {
      return -1;
    }
  }
  return sep_last ? -1 : n;
}

int fp_text_lines(const char *s) {
  if (!s || !*s) return 0;
  int n = 1;
  for (; *s; s++) n += *s == '\n';
  return n;
}

int fp_sort_code_normalise(const char *in, char out[9]) {
  char d[6];
  if (out) out[0] = '\0';
  if (!in || !out || strlen(in) > 8 || digits_of(in, "- ", d, 6) != 6) return FP_EINVAL;
  snprintf(out, 9, "%.2s-%.2s-%.2s", d, d + 2, d + 4);
  return 0;
}

int fp_account_number_normalise(const char *in, char out[9]) {
  char d[8];
  if (out) out[0] = '\0';
  if (!in || !out || strlen(in) > 15 || digits_of(in, " ", d, 8) != 8) return FP_EINVAL;
  memcpy(out, d, 8);
  out[8] = '\0';
  return 0;
}

int fp_postcode_normalise(const char *in, char out[9]) {
  if (out)
    out[0] = '\0';
  if (!in || !out)
    return FP_EINVAL;
  /* Trim surrounding white space; the rest may be at most 10 characters. */
  const char *b = in;
  while (is_space(*b))
    b++;
  size_t n = strlen(b);
  while (n > 0 && is_space(b[n - 1]))
    n--;
  if (n == 0 || n > 10)
    return FP_EINVAL;
  /* Drop inner spaces and upper-case letters; anything but letters, digits and spaces is refused. */
  char c[8];
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    const char ch = b[i];
    if (ch == ' ')
      continue;
    if (!is_upper(ch) && !is_lower(ch) && !is_digit(ch))
      return FP_EINVAL;
    if (k == 7)
      return FP_EINVAL;
    c[k++] = to_upper(ch);
  }
  if (k < 5)
    return FP_EINVAL;
  /* The inward code is the last three: a digit and two letters. */
  const char *inward = c + k - 3;
  if (!is_digit(inward[0]) || !is_upper(inward[1]) || !is_upper(inward[2]))
    return FP_EINVAL;
  if (!outward_ok(c, k - 3))
    return FP_EINVAL;
  memcpy(out, c, k - 3);
  out[k - 3] = ' ';
  memcpy(out + k - 2, inward, 3);
  out[k + 1] = '\0';
  return FP_OK;
}

/* ---- email ---- */

bool fp_email_valid(const char *s) {
  if (!s)
    return false;
  const size_t n = strlen(s);
  if (n == 0 || n > 254)
    return false;
  const char *at = NULL;
  for (size_t i = 0; i < n; i++) {
    const unsigned char ch = (unsigned char)s[i];
    if (ch <= ' ' || ch == 0x7f) /* spaces and control characters */
      return false;
    if (ch == '@') {
      if (at)
        return false;
      at = s + i;
    }
  }
  if (!at || at == s)
    return false;
  const char *dom = at + 1;
  const size_t dn = strlen(dom);
  /* A dot in the domain, with a label on either side of every dot. */
  if (dn < 3 || dom[0] == '.' || dom[dn - 1] == '.' || !strchr(dom, '.') || strstr(dom, ".."))
    return false;
  return true;
}

/* ---- distance ---- */

double fp_distance_km(double lat1, double lon1, double lat2, double lon2) {
  static const double r_km = 6371.0088;
  static const double rad = 3.14159265358979323846 / 180.0;
  const double dlat = (lat2 - lat1) * rad;
  const double dlon = (lon2 - lon1) * rad;
  const double s1 = sin(dlat / 2.0), s2 = sin(dlon / 2.0);
  double h = s1 * s1 + cos(lat1 * rad) * cos(lat2 * rad) * s2 * s2;
  if (h > 1.0)
    h = 1.0;
  if (h < 0.0)
    h = 0.0;
  return 2.0 * r_km * asin(sqrt(h));
}

bool fp_phone_valid(const char *s) {
  if (!s || strlen(s) > 40)
    return false;
  char digits[24];
  size_t n = 0;
  bool plus = false;
  for (const char *p = s; *p; p++) {
    const char ch = *p;
    if (is_digit(ch)) {
      if (n + 1 >= sizeof digits)
        return false;
      digits[n++] = ch;
    } else if (ch == '+') {
      if (n > 0 || plus || p != s)
        return false;
      plus = true;
    } else if (ch != ' ' && ch != '-' && ch != '(' && ch != ')') {
      return false;
    }
  }
  digits[n] = '\0';
  if (plus) {
    if (n < 2 || digits[0] != '4' || digits[1] != '4')
      return false;
    /* "+44 (0)113 ...": the trunk 0 written after the country code is not dialled. */
    const char *rest = digits + 2;
    size_t m = n - 2;
    if (m == 11 && rest[0] == '0') {
      rest++;
      m--;
    }
    return m == 10 && rest[0] != '0';
  }
  return digits[0] == '0' && (n == 10 || n == 11);
}
