/* The PostgreSQL engine's placeholder rewriter: the store's `?` and `?N` become libpq's `$N`. See pg.h. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg.h"

static bool ident_start(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || (unsigned char)ch >= 0x80; }
static bool ident_char(char ch) { return ident_start(ch) || (ch >= '0' && ch <= '9') || ch == '$'; }

/* The length of a dollar-quote opening tag at p ("$$" or "$tag$"), or 0. */
static size_t dollar_tag(const char *p) {
  if (p[0] != '$') return 0;
  size_t n = 1;
  if (p[n] == '$') return 2;
  if (!ident_start(p[n])) return 0;
  while (p[n] && ident_char(p[n]) && p[n] != '$') n++;
  return p[n] == '$' ? n + 1 : 0;
}

char *fp_pg_rewrite_params(const char *sql, int *nparams) { return fp_pg_rewrite_params_used(sql, nparams, NULL); }

/* Marks parameter n in *used (grown to cover 1..n; 0 when out of memory, with *used freed). */
static bool mark_used(unsigned char **used, int *cap, long n) {
  if (!used) return true;
  if (n > *cap) {
    int want = *cap ? *cap : 16;
    while (want < n) want *= 2;
    unsigned char *more = realloc(*used, (size_t)want + 1);
    if (!more) return false;
    memset(more + *cap + (*cap ? 1 : 0), 0, (size_t)(want - *cap) + (*cap ? 0 : 1));
    *used = more;
    *cap = want;
  }
  (*used)[n] = 1;
  return true;
}

char *fp_pg_rewrite_params_used(const char *sql, int *nparams, unsigned char **used) {
  size_t len = strlen(sql);
  int cap = 0;
  if (used) *used = NULL;
  /* Each '?' (one byte) becomes at most "$32766" (six): the output never needs more than 6x. */
  char *out = malloc(len * 6 + 1);
  if (!out) return NULL;
  size_t o = 0;
  int max = 0;
  const char *p = sql;
  while (*p) {
    char ch = *p;
    if (ch == '\'' || ch == '"') { /* a string literal or a quoted identifier: doubled quotes inside */
      out[o++] = *p++;
      while (*p) {
        if (*p == ch && p[1] == ch) {
          out[o++] = *p++;
          out[o++] = *p++;
        } else if (*p == ch) {
          out[o++] = *p++;
          break;
        } else {
          out[o++] = *p++;
        }
      }
    } else if (ch == '-' && p[1] == '-') { /* a comment to the end of the line */
      while (*p && *p != '\n') out[o++] = *p++;
    } else if (ch == '/' && p[1] == '*') { /* a block comment (PostgreSQL's nest) */
      int depth = 0;
      do {
        if (p[0] == '/' && p[1] == '*') {
          depth++;
          out[o++] = *p++;
        } else if (p[0] == '*' && p[1] == '/') {
          depth--;
          out[o++] = *p++;
        }
        out[o++] = *p++;
      } while (*p && depth > 0);
    } else if (ch == '$' && (p == sql || !ident_char(p[-1])) && dollar_tag(p)) { /* $tag$ ... $tag$ */
      size_t t = dollar_tag(p);
      const char *tag = p;
      memcpy(out + o, p, t);
      o += t;
      p += t;
      while (*p && !(p[0] == '$' && strncmp(p, tag, t) == 0)) out[o++] = *p++;
      if (*p) {
        memcpy(out + o, p, t);
        o += t;
        p += t;
      }
    } else if (ch == '?') {
      p++;
      long n;
      if (*p >= '0' && *p <= '9') {
        n = 0;
        while (*p >= '0' && *p <= '9') {
          n = n * 10 + (*p++ - '0');
          if (n > FP_PG_MAX_PARAMS) break;
        }
        if (n < 1 || n > FP_PG_MAX_PARAMS) { /* SQLite refuses these too */
          if (used) {
            free(*used);
            *used = NULL;
          }
          free(out);
          return NULL;
        }
      } else {
        n = max + 1; /* SQLite: a bare ? takes the number after the largest so far */
        if (n > FP_PG_MAX_PARAMS) {
          if (used) {
            free(*used);
            *used = NULL;
          }
          free(out);
          return NULL;
        }
      }
      if (n > max) max = (int)n;
      if (!mark_used(used, &cap, n)) {
        free(*used);
        *used = NULL;
        free(out);
        return NULL;
      }
      out[o++] = '$';
      char digits[8];
      int k = 0;
      do {
        digits[k++] = (char)('0' + n % 10);
        n /= 10;
      } while (n);
      while (k) out[o++] = digits[--k];
    } else {
      out[o++] = *p++;
    }
  }
  out[o] = 0;
  *nparams = max;
  return out;
}
