/* NHS ODS's PCN member lists. See ods.h (fp_ods_pcn_import). */
#include "app/ods.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/csv_read.h"
#include "core/eligibility.h"
#include "core/error.h"
#include "core/time.h"
#include "core/validate.h"
#include "store/accounts.h"
#include "store/places.h"

/* The columns read, by their names in the header (compared in lower case, runs of spaces and line
   breaks as one space: the spreadsheet's headings wrap). */
enum { C_PRACTICE, C_PCN_CODE, C_PCN_NAME, C_END, N_COLS };
static const char *const COL_NAMES[N_COLS] = {"partner organisation code", "pcn code", "pcn name",
                                              "practice to pcn relationship end date"};
enum { MAX_FIELD = 256, MAX_ROWS = 200000 };

struct pcn_row {
  char practice[7], pcn[7], name[201];
  fp_day ends; /* FP_DAY_NONE: still a member */
  bool valid;
};

struct reader {
  struct fp_csv_rows kept; /* struct pcn_row */
  int idx[N_COLS];
  char f[N_COLS][MAX_FIELD];
  int col;
  long row;
  bool bad;
  int err;
};

/* A heading as compared: lower case, a byte-order mark and outer spaces dropped, inner runs one space. */
static void heading(const char *s, size_t len, char *out, size_t cap) {
  if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, len -= 3;
  size_t n = 0;
  bool space = false;
  for (size_t i = 0; i < len && n + 1 < cap; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (isspace(ch)) {
      space = n > 0;
      continue;
    }
    if (space && n + 2 < cap) out[n++] = ' ';
    space = false;
    out[n++] = (char)tolower(ch);
  }
  out[n] = 0;
}

static void on_field(void *s, size_t len, void *data) {
  struct reader *x = data;
  const char *v = s ? s : "";
  if (!s) len = 0;
  if (x->row == 0) {
    char h[MAX_FIELD];
    heading(v, len < MAX_FIELD ? len : 0, h, sizeof h);
    for (int i = 0; i < N_COLS; i++)
      if (x->idx[i] < 0 && strcmp(h, COL_NAMES[i]) == 0) x->idx[i] = x->col;
  } else {
    for (int i = 0; i < N_COLS; i++)
      if (x->idx[i] == x->col) {
        if (len >= MAX_FIELD) x->bad = true;
        else {
          memcpy(x->f[i], v, len);
          x->f[i][len] = 0;
        }
      }
  }
  x->col++;
}

/* An end date as the file writes it: YYYYMMDD (ODS), YYYY-MM-DD or DD/MM/YYYY; "" is none. */
static bool end_date(const char *s, fp_day *out) {
  *out = FP_DAY_NONE;
  while (*s == ' ') s++;
  if (!*s) return true;
  int y, m, d;
  char tail;
  if (strlen(s) == 8 && sscanf(s, "%4d%2d%2d%c", &y, &m, &d, &tail) == 3) {
    char iso[11];
    snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
    return fp_date_parse(iso, out) == 0;
  }
  if (sscanf(s, "%2d/%2d/%4d%c", &d, &m, &y, &tail) == 3) {
    char iso[11];
    snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
    return fp_date_parse(iso, out) == 0;
  }
  return fp_date_parse(s, out) == 0;
}

static void trim_copy(char *dst, size_t cap, const char *src, bool *bad) {
  while (*src == ' ') src++;
  size_t len = strlen(src);
  while (len && src[len - 1] == ' ') len--;
  if (len >= cap) {
    *bad = true;
    len = 0;
  }
  memcpy(dst, src, len);
  dst[len] = 0;
}

static void on_row(int c, void *data) {
  (void)c;
  struct reader *x = data;
  if (x->err) return;
  x->row++;
  if (x->row == 1) {
    if (x->idx[C_PRACTICE] < 0 || x->idx[C_PCN_CODE] < 0 || x->idx[C_PCN_NAME] < 0) {
      fprintf(stderr, "import: the header must name the columns 'Partner Organisation Code', 'PCN Code' and 'PCN Name'"
                      " (the ePCN file's sheet 'PCN Core Partner Details', saved as CSV)\n");
      x->err = FP_EINVAL;
    }
  } else {
    struct pcn_row r;
    memset(&r, 0, sizeof r);
    bool bad = x->bad;
    trim_copy(r.practice, sizeof r.practice, x->f[C_PRACTICE], &bad);
    trim_copy(r.pcn, sizeof r.pcn, x->f[C_PCN_CODE], &bad);
    trim_copy(r.name, sizeof r.name, x->f[C_PCN_NAME], &bad);
    r.ends = FP_DAY_NONE;
    bool dated = x->idx[C_END] < 0 || end_date(x->f[C_END], &r.ends);
    r.valid = !bad && dated && fp_ods_valid(FP_ORG_PRACTICE, r.practice) && fp_ods_valid(FP_ORG_PCN, r.pcn) && r.name[0];
    x->err = fp_csv_rows_push(&x->kept, &r);
  }
  memset(x->f, 0, sizeof x->f);
  x->col = 0;
  x->bad = false;
}

struct apply {
  const struct pcn_row *rows;
  size_t n;
  int64_t now;
  struct fp_pcn_counts counts;
};

static int audit(struct fp_conn *c, int64_t now, int64_t id, const struct pcn_row *r) {
  char after[128];
  snprintf(after, sizeof after, "{\"ods_code\":\"%s\",\"pcn\":\"%s\"}", r->practice, r->pcn);
  return fp_store_audit(c, now, 0, "organisation.import_pcn", "organisation", id, NULL, after);
}

/* The place a practice is under: its parent when a place, else its PCN's parent; 0 when none. */
static int place_of(struct fp_conn *c, const struct fp_org *practice, int64_t *place) {
  *place = 0;
  if (!practice->parent_id) return 0;
  struct fp_org p;
  memset(&p, 0, sizeof p);
  int rc = fp_store_org_get(c, practice->parent_id, &p);
  if (rc == FP_ENOTFOUND) return 0;
  if (rc) return rc;
  if (strcmp(p.level, "place") == 0) *place = p.id;
  else if (strcmp(p.level, "pcn") == 0) *place = p.parent_id;
  fp_org_clear(&p);
  return 0;
}

/* The PCN of code r->pcn in the practice's ICB, added under its place when new: 0 with *id, or
   FP_ENOTFOUND when the code is another kind of organisation's or another ICB's. */
static int pcn_of(struct fp_conn *c, struct apply *x, const struct pcn_row *r, const struct fp_org *practice,
                  int64_t *id) {
  int rc = fp_store_org_by_ods(c, r->pcn, id);
  if (rc == 0) {
    struct fp_org p;
    memset(&p, 0, sizeof p);
    if ((rc = fp_store_org_get(c, *id, &p)) != 0) return rc;
    bool ours = strcmp(p.level, "pcn") == 0 && p.icb_id == practice->icb_id;
    fp_org_clear(&p);
    return ours ? 0 : FP_ENOTFOUND;
  }
  if (rc != FP_ENOTFOUND) return rc;
  int64_t place = 0;
  if ((rc = place_of(c, practice, &place)) != 0) return rc;
  struct fp_org o;
  memset(&o, 0, sizeof o);
  snprintf(o.level, sizeof o.level, "pcn");
  snprintf(o.ods_code, sizeof o.ods_code, "%s", r->pcn);
  snprintf(o.name, sizeof o.name, "%s", r->name);
  o.parent_id = place ? place : practice->icb_id;
  o.icb_id = practice->icb_id;
  o.active = true;
  if ((rc = fp_store_org_insert(c, &o, x->now, id)) != 0) return rc;
  x->counts.pcns_added++;
  return fp_store_audit(c, x->now, 0, "organisation.import_pcn", "organisation", *id, NULL, "{\"added\":true}");
}

static int apply_row(struct fp_conn *c, struct apply *x, const struct pcn_row *r) {
  if (!r->valid) {
    x->counts.skipped++;
    return 0;
  }
  if (r->ends != FP_DAY_NONE && r->ends < fp_uk_day(x->now)) {
    x->counts.ended++; /* a membership that has ended: the practice's current row says where it is now */
    return 0;
  }
  int64_t id = 0;
  int rc = fp_store_org_by_ods(c, r->practice, &id);
  if (rc == FP_ENOTFOUND) {
    x->counts.skipped++; /* a practice this installation does not serve (import its practice file first) */
    return 0;
  }
  if (rc) return rc;
  struct fp_org o;
  memset(&o, 0, sizeof o);
  if ((rc = fp_store_org_get(c, id, &o)) != 0) return rc;
  int64_t pcn = 0;
  if (strcmp(o.level, "practice") != 0 || !o.icb_id || (rc = pcn_of(c, x, r, &o, &pcn)) == FP_ENOTFOUND) {
    fp_org_clear(&o);
    x->counts.skipped++;
    return 0;
  }
  if (rc || o.parent_id == pcn) {
    fp_org_clear(&o);
    if (!rc) x->counts.unchanged++;
    return rc;
  }
  o.parent_id = pcn;
  rc = fp_store_org_update(c, &o);
  fp_org_clear(&o);
  if (rc) return rc;
  x->counts.moved++;
  return audit(c, x->now, id, r);
}

static int apply_tx(struct fp_conn *c, void *ctx) {
  struct apply *x = ctx;
  memset(&x->counts, 0, sizeof x->counts); /* a transaction run again counts again */
  for (size_t i = 0; i < x->n; i++) {
    int rc = apply_row(c, x, &x->rows[i]);
    if (rc) return rc;
  }
  return 0;
}

int fp_ods_pcn_import_stream(struct fp_store *s, FILE *f, int64_t now, struct fp_pcn_counts *n) {
  memset(n, 0, sizeof *n);
  struct reader x;
  memset(&x, 0, sizeof x);
  for (int i = 0; i < N_COLS; i++) x.idx[i] = -1;
  /* A byte-order mark (a spreadsheet's "CSV UTF-8") goes before libcsv sees it: it would stand
     before the first heading's opening quote and unquote it. */
  unsigned char bom[3];
  if (fread(bom, 1, 3, f) != 3 || memcmp(bom, "\xEF\xBB\xBF", 3) != 0) {
    if (fseek(f, 0, SEEK_SET) != 0) {
      fprintf(stderr, "import: cannot read the file from its start\n");
      return FP_EIO;
    }
  }
  x.kept = (struct fp_csv_rows){.size = sizeof(struct pcn_row), .max = MAX_ROWS, .what = "the PCN member list"};
  int rc = fp_csv_read(f, on_field, on_row, &x, &x.row, &x.err);
  if (!rc) rc = fp_csv_rows_some(&x.kept);
  if (!rc) {
    struct apply a = {x.kept.rows, x.kept.n, now, {0}};
    rc = fp_store_write(s, apply_tx, &a);
    *n = a.counts;
  }
  free(x.kept.rows);
  return rc;
}

int fp_ods_pcn_import(struct fp_store *s, const char *path, struct fp_pcn_counts *n) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "import: cannot open '%s'\n", path);
    memset(n, 0, sizeof *n);
    return FP_EIO;
  }
  int rc = fp_ods_pcn_import_stream(s, f, (int64_t)time(NULL), n);
  fclose(f);
  return rc;
}
