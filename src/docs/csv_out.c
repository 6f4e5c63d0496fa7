/* csv_out.c - see csv_out.h. Quoting is libcsv's (csv_write); this file adds the byte-order mark,
   the line ends and the guard against formulas. */
#include "docs/csv_out.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

static bool grow(struct fp_csv_out *o, size_t more) {
  if (o->failed) return false;
  if (o->len + more <= o->cap) return true;
  size_t cap = o->cap ? o->cap : 4096;
  while (cap < o->len + more) cap *= 2;
  char *p = realloc(o->data, cap);
  if (!p) {
    o->failed = true;
    return false;
  }
  o->data = p;
  o->cap = cap;
  return true;
}

static void put(struct fp_csv_out *o, const char *s, size_t n) {
  if (!grow(o, n)) return;
  memcpy(o->data + o->len, s, n);
  o->len += n;
}

void fp_csv_out_begin(struct fp_csv_out *o) {
  memset(o, 0, sizeof *o);
  put(o, "\xEF\xBB\xBF", 3);
}

/* "12", "-12.50": digits with an optional sign and decimals, nothing else. */
static bool plain_number(const char *s) {
  if (*s == '-') s++;
  if (!*s) return false;
  size_t digits = strspn(s, "0123456789");
  if (!digits) return false;
  s += digits;
  if (*s == '.') {
    s++;
    size_t decimals = strspn(s, "0123456789");
    if (!decimals) return false;
    s += decimals;
  }
  return *s == '\0';
}

static bool may_run(const char *s) {
  return s[0] && strchr("=+-@\t\r", s[0]) && !plain_number(s);
}

static void cell(struct fp_csv_out *o, const char *s) {
  if (!s) s = "";
  size_t n = strlen(s);
  char *src = NULL;
  if (may_run(s)) {
    src = malloc(n + 2);
    if (!src) {
      o->failed = true;
      return;
    }
    src[0] = '\'';
    memcpy(src + 1, s, n + 1);
    s = src;
    n++;
  }
  size_t need = csv_write(NULL, 0, s, n); /* the quoted cell's length */
  if (grow(o, need)) o->len += csv_write(o->data + o->len, need, s, n);
  free(src);
}

void fp_csv_out_row(struct fp_csv_out *o, const char *const *cells, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (i) put(o, ",", 1);
    cell(o, cells[i]);
  }
  put(o, "\r\n", 2);
}
