/* Register revalidation imports. See register.h. */
#include "app/register.h"

#include <csv.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app/csv_read.h"
#include "core/error.h"
#include "core/passport.h"
#include "store/passport.h"

#define MAX_FIELD 256

enum col { C_NUMBER, C_STATUS, C_GIVEN, C_FAMILY, C_FROM, C_UNTIL, N_COLS };
static const char *const col_names[N_COLS] = {"registration_number", "status", "given_name", "family_name",
                                              "registered_from", "registered_until"};

struct clin {
  int64_t id;
  char name[201];
  char regnum[33];          /* normalised */
  bool matched;
  char status[MAX_FIELD];   /* the row's, when matched */
  char given[MAX_FIELD], family[MAX_FIELD];
  fp_day from, until;
};

struct import {
  struct fp_conn *c;
  enum fp_register reg;
  fp_day today;
  struct clin *clins;
  size_t n, cap;
  int idx[N_COLS];
  int col;
  long row;
  char f[N_COLS][MAX_FIELD];
  int err;
  FILE *out;
  struct fp_register_report *rep;
};

/*
 * Registration numbers compare without spaces and case ("gmc 7123456" is not stripped: numbers
 * only). false when the number does not fit in len (out is then ""): a cut number could match
 * another clinician's.
 */
static bool normalise(const char *in, char *out, size_t len) {
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
    if (isspace(*p)) continue;
    if (n + 1 >= len) {
      out[0] = 0;
      return false;
    }
    out[n++] = (char)toupper(*p);
  }
  out[n] = 0;
  return true;
}

static void add_clin(int64_t id, const char *name, const char *regnum, void *ctx) {
  struct import *im = ctx;
  if (im->err) return;
  if (im->n == im->cap) {
    size_t cap = im->cap ? im->cap * 2 : 256;
    struct clin *nc = realloc(im->clins, cap * sizeof *nc);
    if (!nc) {
      im->err = FP_ENOMEM;
      return;
    }
    im->clins = nc;
    im->cap = cap;
  }
  struct clin *cl = &im->clins[im->n++];
  memset(cl, 0, sizeof *cl);
  cl->id = id;
  snprintf(cl->name, sizeof cl->name, "%s", name ? name : "");
  normalise(regnum ? regnum : "", cl->regnum, sizeof cl->regnum);
  cl->from = cl->until = FP_DAY_NONE;
}

static int by_regnum(const void *a, const void *b) {
  return strcmp(((const struct clin *)a)->regnum, ((const struct clin *)b)->regnum);
}

static void on_field(void *s, size_t len, void *data) {
  struct import *im = data;
  char v[MAX_FIELD];
  if (len >= MAX_FIELD) {
    /* Refused, not cut: a cut number or status could flag the wrong clinician. Nothing is changed. */
    if (!im->err)
      fprintf(stderr, "import: row %ld, column %d holds %zu bytes, more than %d: nothing imported\n", im->row + 1,
              im->col + 1, len, MAX_FIELD - 1);
    im->err = FP_EINVAL;
    len = 0;
  }
  memcpy(v, s, len);
  v[len] = 0;
  if (im->row == 0) {
    const char *h = v;
    if (im->col == 0 && strncmp(h, "\xEF\xBB\xBF", 3) == 0) h += 3; /* a byte-order mark */
    for (int i = 0; i < N_COLS; i++) {
      char name[MAX_FIELD];
      normalise(h, name, sizeof name);
      if (strcasecmp(name, col_names[i]) == 0) im->idx[i] = im->col;
    }
  } else {
    for (int i = 0; i < N_COLS; i++)
      if (im->idx[i] == im->col) snprintf(im->f[i], MAX_FIELD, "%s", v);
  }
  im->col++;
}

static fp_day date_or_none(struct import *im, const char *s, const char *what) {
  fp_day d;
  if (!*s) return FP_DAY_NONE;
  if (fp_date_parse(s, &d) == 0) return d;
  if (im->out) fprintf(im->out, "warning: row %ld: %s '%s' is not a date (YYYY-MM-DD); ignored\n", im->row, what, s);
  im->rep->warnings++;
  return FP_DAY_NONE;
}

static void on_row(int c, void *data) {
  (void)c;
  struct import *im = data;
  if (im->row == 0) {
    if (im->idx[C_NUMBER] < 0 || im->idx[C_STATUS] < 0) {
      fprintf(stderr, "import: the header must name the columns registration_number and status"
                      " (and given_name, family_name, registered_from, registered_until)\n");
      im->err = FP_EINVAL;
    }
  } else if (!im->err && im->col > 1) {
    im->rep->rows++;
    char num[33];
    if (!normalise(im->f[C_NUMBER], num, sizeof num)) {
      if (im->out)
        fprintf(im->out, "warning: row %ld: registration number '%.40s...' is longer than 32 characters: it matches nobody\n",
                im->row, im->f[C_NUMBER]);
      im->rep->warnings++;
    }
    struct clin key;
    snprintf(key.regnum, sizeof key.regnum, "%s", num);
    struct clin *hit = num[0] ? bsearch(&key, im->clins, im->n, sizeof *im->clins, by_regnum) : NULL;
    if (hit) {
      /* Several clinicians may share a number (a duplicate account): every one of them is matched. */
      while (hit > im->clins && strcmp(hit[-1].regnum, num) == 0) hit--;
      fp_day from = date_or_none(im, im->f[C_FROM], "registered_from");
      fp_day until = date_or_none(im, im->f[C_UNTIL], "registered_until");
      for (; hit < im->clins + im->n && strcmp(hit->regnum, num) == 0; hit++) {
        hit->matched = true;
        snprintf(hit->status, sizeof hit->status, "%s", im->f[C_STATUS]);
        snprintf(hit->given, sizeof hit->given, "%s", im->f[C_GIVEN]);
        snprintf(hit->family, sizeof hit->family, "%s", im->f[C_FAMILY]);
        hit->from = from;
        hit->until = until;
      }
    }
  }
  im->row++;
  im->col = 0;
  memset(im->f, 0, sizeof im->f);
}

static bool name_matches(const struct clin *cl) {
  if (!cl->family[0]) return true;
  char name[201], fam[MAX_FIELD];
  normalise(cl->name, name, sizeof name);
  normalise(cl->family, fam, sizeof fam);
  return strstr(name, fam) != NULL;
}

/* The latest flag of this register for the clinician, to avoid repeating the same one. */
struct last_flag {
  const char *reg;
  char status[16];
  bool found;
};

static void find_last(const struct fp_register_flag *f, void *ctx) {
  struct last_flag *l = ctx;
  if (!l->found && strcmp(f->register_name, l->reg) == 0) {
    snprintf(l->status, sizeof l->status, "%s", f->status);
    l->found = true;
  }
}

static int flag_one(struct import *im, struct clin *cl, const char *standing, int64_t now) {
  const char *reg = im->reg == FP_REGISTER_GMC ? "gmc" : "performers";
  const char *code = im->reg == FP_REGISTER_GMC ? "registration" : "performers_list";
  const char *label = im->reg == FP_REGISTER_GMC ? "GMC register" : "Performers List";
  char note[200];
  if (cl->matched)
    snprintf(note, sizeof note, "%s extract: '%.120s' (%s)", label, cl->status, standing);
  else
    snprintf(note, sizeof note, "%s extract: not on the register", label);
  int n = 0, rc;
  if ((rc = fp_store_checks_revoke(im->c, cl->id, code, note, now, &n)) != 0) return rc;
  struct last_flag last = {reg, "", false};
  if ((rc = fp_store_register_flags_of(im->c, cl->id, find_last, &last)) != 0) return rc;
  if (n > 0 || !last.found || strcmp(last.status, standing) != 0) {
    struct fp_register_flag f;
    memset(&f, 0, sizeof f);
    f.clinician_id = cl->id;
    snprintf(f.register_name, sizeof f.register_name, "%s", reg);
    snprintf(f.registration_number, sizeof f.registration_number, "%s", cl->regnum);
    snprintf(f.status, sizeof f.status, "%s", standing);
    snprintf(f.detail, sizeof f.detail, "%s", note);
    f.imported_at = now;
    if ((rc = fp_store_register_flag_add(im->c, &f)) != 0) return rc;
  }
  struct fp_reexam rx;
  memset(&rx, 0, sizeof rx);
  rc = fp_store_passport_reexamine(im->c, cl->id, now, 0, &rx);
  fp_reexam_release(&rx);
  if (rc) return rc;
  im->rep->flagged++;
  im->rep->bookings_lapsed += rx.n_flagged;
  if (im->out)
    fprintf(im->out, "flagged: clinician %lld (%s, %s %s): %s; %d %s record(s) rejected, %d future booking(s) flagged\n",
            (long long)cl->id, cl->name, reg, cl->regnum, standing, n, code, rx.n_flagged);
  return 0;
}

struct tx {
  struct import *im;
  FILE *in;
  bool full;
  int64_t now;
  int attempts;
};

static int import_tx(struct fp_conn *c, void *vctx) {
  struct tx *t = vctx;
  struct import *im = t->im;
  /* A retried transaction (PostgreSQL: a serialization failure) starts again from the file's start
     with nothing kept from the attempt before: reading on from where that attempt stopped would see
     an empty register and, with --full-register, flag every clinician as missing. A stream that
     cannot be rewound (a pipe) fails instead. */
  if (t->attempts++ > 0) {
    if (fseek(t->in, 0, SEEK_SET) != 0) return FP_EIO;
    im->n = 0;
    im->col = 0;
    im->row = 0;
    im->err = 0;
    for (int i = 0; i < N_COLS; i++) im->idx[i] = -1;
    memset(im->rep, 0, sizeof *im->rep);
  }
  im->c = c;
  static const char *const gmc[] = {"gp", "physician_associate", NULL};
  static const char *const performers[] = {"gp", NULL};
  int rc = fp_store_clinicians_registered(c, im->reg == FP_REGISTER_GMC ? gmc : performers, add_clin, im);
  if (rc || im->err) return rc ? rc : im->err;
  qsort(im->clins, im->n, sizeof *im->clins, by_regnum);
  if ((rc = fp_csv_read(t->in, on_field, on_row, im, &im->row, &im->err)) != 0) return rc;
  for (size_t i = 0; i < im->n; i++) {
    struct clin *cl = &im->clins[i];
    if (!cl->regnum[0]) continue; /* no number to check */
    im->rep->checked++;
    if (!cl->matched) {
      if (t->full && (rc = flag_one(im, cl, "missing", t->now)) != 0) return rc;
      continue;
    }
    im->rep->matched++;
    enum fp_standing s = fp_register_standing(cl->status, cl->from, cl->until, im->today);
    if (fp_standing_revokes(s)) {
      if ((rc = flag_one(im, cl, fp_standing_name(s), t->now)) != 0) return rc;
    } else if (s != FP_STANDING_OK) {
      im->rep->warnings++;
      if (im->out)
        fprintf(im->out, "warning: clinician %lld (%s, %s): the register says '%s' (%s); not revoked\n",
                (long long)cl->id, cl->name, cl->regnum, cl->status, fp_standing_name(s));
    }
    if (!name_matches(cl)) {
      im->rep->warnings++;
      if (im->out)
        fprintf(im->out, "warning: clinician %lld (%s, %s): the register's name is %s %s\n", (long long)cl->id,
                cl->name, cl->regnum, cl->given, cl->family);
    }
  }
  return 0;
}

int fp_register_import_stream(struct fp_store *s, enum fp_register reg, FILE *in, bool full_register, int64_t now,
                              FILE *out, struct fp_register_report *rep) {
  struct import im;
  memset(&im, 0, sizeof im);
  memset(rep, 0, sizeof *rep);
  im.reg = reg;
  im.today = fp_uk_day(now);
  im.out = out;
  im.rep = rep;
  for (int i = 0; i < N_COLS; i++) im.idx[i] = -1;
  struct tx t = {&im, in, full_register, now, 0};
  int rc = fp_store_write(s, import_tx, &t);
  free(im.clins);
  if (rc) memset(rep, 0, sizeof *rep); /* rolled back: nothing happened */
  return rc;
}

int fp_cli_import_register(int argc, char **argv) {
  const char *usage = "usage: flexpool import register gmc|performers FILE.csv [--full-register] [--data-dir DIR] [--database URL]\n";
  const char *data_dir = "./flexpool-data", *which = NULL, *file = NULL;
  const char *database = getenv("FLEXPOOL_DATABASE");
  bool full = false;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) data_dir = argv[++i];
    else if (strcmp(argv[i], "--database") == 0 && i + 1 < argc) database = argv[++i];
    else if (strcmp(argv[i], "--full-register") == 0) full = true;
    else if (!which) which = argv[i];
    else if (!file) file = argv[i];
    else {
      fputs(usage, stderr);
      return 2;
    }
  }
  enum fp_register reg;
  if (which && strcmp(which, "gmc") == 0) reg = FP_REGISTER_GMC;
  else if (which && strcmp(which, "performers") == 0) reg = FP_REGISTER_PERFORMERS;
  else {
    fputs(usage, stderr);
    return 2;
  }
  if (!file) {
    fputs(usage, stderr);
    return 2;
  }
  FILE *in = fopen(file, "rb");
  if (!in) {
    fprintf(stderr, "import: cannot open '%s'\n", file);
    return 1;
  }
  struct fp_store store;
  if (fp_store_open(&store, data_dir, database) != 0) {
    fclose(in);
    return 1;
  }
  struct fp_register_report rep;
  int rc = fp_register_import_stream(&store, reg, in, full, (int64_t)time(NULL), stdout, &rep);
  fclose(in);
  fp_store_release(&store);
  if (rc) {
    fprintf(stderr, "import: nothing was changed (%s)\n", fp_strerror(rc));
    return 1;
  }
  printf("read %ld rows; checked %ld clinicians (%ld found in the file): %ld flagged, %ld warnings,"
         " %ld future bookings flagged passport_lapsed\n",
         rep.rows, rep.checked, rep.matched, rep.flagged, rep.warnings, rep.bookings_lapsed);
  return 0;
}
