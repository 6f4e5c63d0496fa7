/* NHS ODS practice file import. See ods.h. */
#include "app/ods.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app/csv_read.h"
#include "core/error.h"
#include "core/validate.h"
#include "store/accounts.h"
#include "store/places.h"

/* The columns read (0-based) and the file's bounds. */
enum { C_CODE = 0, C_NAME = 1, C_ADDR1 = 4, C_ADDR5 = 8, C_POSTCODE = 9, C_STATUS = 12, C_COMMISSIONER = 14,
       C_SETTING = 25, MAX_FIELD = 256, MAX_ROWS = 200000 };

struct ods_row {
  char code[7], name[201], address[401], postcode[9], commissioner[6];
  bool open, practice, valid;
};

struct reader {
  struct fp_csv_rows kept; /* struct ods_row */
  struct ods_row cur;
  char status[4], setting[4];
  int col;
  long row;
  bool bad;   /* a field of this row did not fit or is malformed */
  int err;
};

static void put_text(char *dst, size_t cap, const char *s, size_t len, bool *bad) {
  if (len >= cap) {
    *bad = true;
    len = 0;
  }
  memcpy(dst, s, len);
  dst[len] = 0;
}

static void on_field(void *s, size_t len, void *data) {
  struct reader *x = data;
  const char *v = s ? s : "";
  if (!s) len = 0;
  if (len >= MAX_FIELD) x->bad = true;
  else if (x->col == C_CODE) put_text(x->cur.code, sizeof x->cur.code, v, len, &x->bad);
  else if (x->col == C_NAME) put_text(x->cur.name, sizeof x->cur.name, v, len, &x->bad);
  else if (x->col >= C_ADDR1 && x->col <= C_ADDR5 && len) {
    /* The address lines joined with ", ". */
    size_t used = strlen(x->cur.address);
    if (used + len + 3 > sizeof x->cur.address) x->bad = true;
    else {
      if (used) memcpy(x->cur.address + used, ", ", 2), used += 2;
      memcpy(x->cur.address + used, v, len);
      x->cur.address[used + len] = 0;
    }
  } else if (x->col == C_POSTCODE) {
    char raw[16];
    put_text(raw, sizeof raw, v, len, &x->bad);
    if (!x->bad && fp_postcode_normalise(raw, x->cur.postcode) != 0) x->cur.postcode[0] = 0;
  } else if (x->col == C_STATUS) put_text(x->status, sizeof x->status, v, len, &x->bad);
  else if (x->col == C_COMMISSIONER) put_text(x->cur.commissioner, sizeof x->cur.commissioner, v, len, &x->bad);
  else if (x->col == C_SETTING) put_text(x->setting, sizeof x->setting, v, len, &x->bad);
  x->col++;
}

static void on_row(int c, void *data) {
  (void)c;
  struct reader *x = data;
  x->row++;
  if (!x->err && x->col <= C_SETTING) {
    fprintf(stderr, "import: row %ld has %d columns, not the practice file's 27 (epraccur.csv)\n", x->row, x->col);
    x->err = FP_EINVAL;
  }
  if (!x->err) {
    struct ods_row *r = &x->cur;
    r->practice = strcmp(x->setting, "4") == 0;
    r->open = strcmp(x->status, "A") == 0;
    r->valid = !x->bad && fp_ods_valid(FP_ORG_PRACTICE, r->code) && r->name[0] &&
               fp_ods_valid(FP_ORG_PLACE, r->commissioner);
    x->err = fp_csv_rows_push(&x->kept, r);
  }
  memset(&x->cur, 0, sizeof x->cur);
  x->status[0] = x->setting[0] = 0;
  x->col = 0;
  x->bad = false;
}

struct apply {
  const struct ods_row *rows;
  size_t n;
  int64_t now;
  struct fp_ods_counts counts;
};

/* The place (or ICB) a row's commissioner names, with its ICB: 0, FP_ENOTFOUND, or FP_EIO. */
static int commissioner_of(struct fp_conn *c, const char *code, struct fp_org *parent) {
  int64_t id = 0;
  int rc = fp_store_org_by_ods(c, code, &id);
  if (rc) return rc;
  if ((rc = fp_store_org_get(c, id, parent)) != 0) return rc;
  if (strcmp(parent->level, "place") != 0 && strcmp(parent->level, "icb") != 0) {
    fp_org_clear(parent);
    return FP_ENOTFOUND;
  }
  return 0;
}

/* Sets o's location from its postcode, when the postcode table knows it. */
static int locate(struct fp_conn *c, struct fp_org *o) {
  double lat, lon;
  int rc = o->postcode[0] ? fp_store_postcode_get(c, o->postcode, &lat, &lon) : FP_ENOTFOUND;
  if (rc == FP_ENOTFOUND) return 0;
  if (rc) return rc;
  o->has_location = true;
  o->lat = lat;
  o->lon = lon;
  return 0;
}

static int audit(struct fp_conn *c, int64_t now, int64_t id, const struct ods_row *r) {
  char after[160];
  snprintf(after, sizeof after, "{\"ods_code\":\"%s\",\"commissioner\":\"%s\",\"open\":%s}", r->code, r->commissioner,
           r->open ? "true" : "false");
  return fp_store_audit(c, now, 0, "organisation.import", "organisation", id, NULL, after);
}

static int apply_row(struct fp_conn *c, struct apply *x, const struct ods_row *r) {
  if (!r->practice || !r->valid) {
    x->counts.skipped++;
    return 0;
  }
  struct fp_org parent;
  memset(&parent, 0, sizeof parent);
  int rc = commissioner_of(c, r->commissioner, &parent);
  if (rc == FP_ENOTFOUND) {
    x->counts.skipped++; /* an area this installation does not serve */
    return 0;
  }
  if (rc) return rc;
  int64_t icb = parent.icb_id, place = parent.id;
  fp_org_clear(&parent);
  int64_t id = 0;
  rc = fp_store_org_by_ods(c, r->code, &id);
  if (rc == FP_ENOTFOUND) {
    if (!r->open) {
      x->counts.skipped++; /* closed before flexpool knew it */
      return 0;
    }
    struct fp_org o;
    memset(&o, 0, sizeof o);
    snprintf(o.level, sizeof o.level, "practice");
    snprintf(o.ods_code, sizeof o.ods_code, "%s", r->code);
    snprintf(o.name, sizeof o.name, "%s", r->name);
    snprintf(o.address, sizeof o.address, "%s", r->address);
    snprintf(o.postcode, sizeof o.postcode, "%s", r->postcode);
    o.parent_id = place;
    o.icb_id = icb;
    o.active = true;
    if ((rc = locate(c, &o)) != 0 || (rc = fp_store_org_insert(c, &o, x->now, &id)) != 0) return rc;
    x->counts.added++;
    return audit(c, x->now, id, r);
  }
  if (rc) return rc;
  struct fp_org o;
  memset(&o, 0, sizeof o);
  if ((rc = fp_store_org_get(c, id, &o)) != 0) return rc;
  if (strcmp(o.level, "practice") != 0 || o.icb_id != icb) {
    /* Another kind of organisation with the code, or a practice of another ICB: left alone. */
    fp_org_clear(&o);
    x->counts.skipped++;
    return 0;
  }
  bool changed = false, closing = o.active && !r->open;
  /* Its PCN is kept while the PCN is in this place; otherwise it moves under the place. */
  bool keeps_parent = o.parent_id == place;
  if (!keeps_parent && o.parent_id) {
    struct fp_org pcn;
    memset(&pcn, 0, sizeof pcn);
    if ((rc = fp_store_org_get(c, o.parent_id, &pcn)) != 0 && rc != FP_ENOTFOUND) {
      fp_org_clear(&o);
      return rc;
    }
    keeps_parent = rc == 0 && strcmp(pcn.level, "pcn") == 0 && pcn.parent_id == place;
    fp_org_clear(&pcn);
  }
  if (!keeps_parent) o.parent_id = place, changed = true;
  /* The file's name in capitals does not replace the same name written in mixed case. */
  if (strcasecmp(o.name, r->name) != 0) snprintf(o.name, sizeof o.name, "%s", r->name), changed = true;
  if (r->address[0] && strcasecmp(o.address, r->address) != 0)
    snprintf(o.address, sizeof o.address, "%s", r->address), changed = true;
  if (r->postcode[0] && strcmp(o.postcode, r->postcode) != 0) {
    snprintf(o.postcode, sizeof o.postcode, "%s", r->postcode);
    if ((rc = locate(c, &o)) != 0) {
      fp_org_clear(&o);
      return rc;
    }
    changed = true;
  }
  if (o.active != r->open) o.active = r->open, changed = true;
  rc = changed ? fp_store_org_update(c, &o) : 0;
  fp_org_clear(&o);
  if (rc) return rc;
  if (!changed) {
    x->counts.unchanged++;
    return 0;
  }
  if (closing) x->counts.closed++;
  else x->counts.updated++;
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

int fp_ods_import_stream(struct fp_store *s, FILE *f, struct fp_ods_counts *n) {
  memset(n, 0, sizeof *n);
  struct reader x;
  memset(&x, 0, sizeof x);
  x.kept = (struct fp_csv_rows){.size = sizeof(struct ods_row), .max = MAX_ROWS, .what = "the practice file (epraccur.csv)"};
  int rc = fp_csv_read(f, on_field, on_row, &x, &x.row, &x.err);
  if (!rc) rc = fp_csv_rows_some(&x.kept);
  if (!rc) {
    struct apply a = {x.kept.rows, x.kept.n, (int64_t)time(NULL), {0}};
    rc = fp_store_write(s, apply_tx, &a);
    *n = a.counts;
  }
  free(x.kept.rows);
  return rc;
}

int fp_ods_import(struct fp_store *s, const char *path, struct fp_ods_counts *n) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "import: cannot open '%s'\n", path);
    memset(n, 0, sizeof *n);
    return FP_EIO;
  }
  int rc = fp_ods_import_stream(s, f, n);
  fclose(f);
  return rc;
}
