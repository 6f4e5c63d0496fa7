/* The demo's passports. See demo_passport.h. */
#include "app/demo_passport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/passport.h"
#include "store/passport.h"

#define DAY 86400

enum scenario { COMPLIANT, MISSING, SUBMITTED, EXPIRING, EXPIRED, REJECTED };

struct clin {
  int64_t id;
  int number;                 /* clinicianNNN, 0 for other accounts */
  bool generated;             /* one of --clinicians' (memberNNNNN) */
  int64_t joined;             /* when their account was made: the pool checked them then */
  char name[96];
  char profession[48];
};

struct load {
  struct clin *clins;
  size_t n, cap;
  int err;
  struct fp_check_type *types;
  size_t n_types, cap_types;
};

static void add_clin(int64_t id, const char *email, const char *name, const char *profession, bool active,
                     int64_t created_at, void *ctx) {
  (void)active;
  struct load *l = ctx;
  if (l->err) return;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 256;
    struct clin *nc = realloc(l->clins, cap * sizeof *nc);
    if (!nc) {
      l->err = FP_ENOMEM;
      return;
    }
    l->clins = nc;
    l->cap = cap;
  }
  struct clin *cl = &l->clins[l->n++];
  memset(cl, 0, sizeof *cl);
  cl->id = id;
  cl->joined = created_at;
  if (sscanf(email, "clinician%3d@", &cl->number) != 1) cl->number = 0;
  cl->generated = strncmp(email, "member", 6) == 0;
  snprintf(cl->name, sizeof cl->name, "%s", name);
  snprintf(cl->profession, sizeof cl->profession, "%s", profession);
}

static void add_type(const struct fp_check_type *t, void *ctx) {
  struct load *l = ctx;
  if (l->err) return;
  if (l->n_types == l->cap_types) {
    size_t cap = l->cap_types ? l->cap_types * 2 : 32;
    struct fp_check_type *nt = realloc(l->types, cap * sizeof *nt);
    if (!nt) {
      l->err = FP_ENOMEM;
      return;
    }
    l->types = nt;
    l->cap_types = cap;
  }
  l->types[l->n_types++] = *t;
}

static const struct fp_check_type *type_of(const struct load *l, const char *code) {
  for (size_t i = 0; i < l->n_types; i++)
    if (strcmp(l->types[i].code, code) == 0) return &l->types[i];
  return NULL;
}

/* A deterministic spread per clinician and check (FNV-1a). */
static uint32_t spread(int64_t id, const char *code) {
  uint32_t h = 2166136261u ^ (uint32_t)id;
  for (const char *p = code; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u;
  return h;
}

/* A minimal one-page PDF saying what it is, so the demo's evidence opens in a viewer. */
static size_t make_pdf(const char *line, char *buf, size_t cap) {
  char content[300];
  int clen = snprintf(content, sizeof content, "BT /F1 14 Tf 72 720 Td (%s) Tj ET", line);
  size_t n = 0, off[6];
  n += (size_t)snprintf(buf + n, cap - n, "%%PDF-1.4\n");
  off[1] = n;
  n += (size_t)snprintf(buf + n, cap - n, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
  off[2] = n;
  n += (size_t)snprintf(buf + n, cap - n, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
  off[3] = n;
  n += (size_t)snprintf(buf + n, cap - n,
                        "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
                        " /Resources << /Font << /F1 5 0 R >> >> >> endobj\n");
  off[4] = n;
  n += (size_t)snprintf(buf + n, cap - n, "4 0 obj << /Length %d >> stream\n%s\nendstream endobj\n", clen, content);
  off[5] = n;
  n += (size_t)snprintf(buf + n, cap - n, "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n");
  size_t xref = n;
  n += (size_t)snprintf(buf + n, cap - n, "xref\n0 6\n0000000000 65535 f \n");
  for (int i = 1; i <= 5; i++) n += (size_t)snprintf(buf + n, cap - n, "%010zu 00000 n \n", off[i]);
  n += (size_t)snprintf(buf + n, cap - n, "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
  return n < cap ? n : cap;
}

/* Dates of a verified record valid for at least a year from today. A document that never expires
   (references, a registration) was in hand before the clinician joined. */
static void valid_dates(const struct fp_check_type *t, fp_day today, fp_day joined, uint32_t h, fp_day *issued,
                        fp_day *expires) {
  fp_day stated = FP_DAY_NONE;
  switch (t->validity) {
  case FP_VALIDITY_NONE:
    *issued = today - 60 - (fp_day)(h % 1500);
    if (*issued >= joined) *issued = joined - 1 - (fp_day)(h % 90);
    break;
  case FP_VALIDITY_EXPLICIT:
    *issued = today - (fp_day)(h % 200);
    stated = today + 366 + (fp_day)(h % 300);
    break;
  case FP_VALIDITY_PERIOD: {
    /* Done no earlier than the renewal period less a year ago (a yearly course: today). */
    fp_day earliest = fp_day_add_months(today, 12 - t->renewal_months);
    fp_day span = today - earliest;
    *issued = today - (span > 0 ? (fp_day)(h % (uint32_t)(span + 1)) : 0);
    break;
  }
  }
  if (fp_check_expiry(t->validity, t->renewal_months, *issued, stated, expires) != FP_EXPIRY_OK) *expires = stated;
}

/* The pool decides a record a few days after the document's date, and not before the clinician
   joined (what they had before, they brought then): `joined` plus half a day to two days. */
static int insert(struct fp_conn *c, struct fp_check_row *k, int64_t now, int64_t joined, int64_t verifier, uint32_t h,
                  int64_t *id) {
  int64_t decided = k->issued_on != FP_DAY_NONE ? (int64_t)k->issued_on * DAY + DAY / 2 + (int64_t)(h % 9) * DAY : now;
  int64_t onboarded = joined + DAY / 2 + (int64_t)(h % 36) * 3600;
  if (decided < onboarded) decided = onboarded;
  if (decided > now - 600) decided = now - 600 - (int64_t)(h % 3000);
  if (strcmp(k->status, "submitted") == 0) {
    k->decided_by = 0;
    k->decided_at = 0;
    k->created_at = now - (int64_t)(h % 4 + 1) * DAY - (int64_t)(h % 7000);
  } else {
    k->decided_by = verifier;
    k->decided_at = decided;
    k->created_at = decided - (int64_t)(h % 3 + 1) * 3600;
  }
  return fp_store_passport_demo_check(c, k, id);
}

static void reference_for(const char *code, uint32_t h, struct fp_check_row *k);

/*
 * The verified records that a verified record k renewed, newest first, into earlier[] (at most
 * `cap`): each one valid until a few weeks after the next was issued, back to one in hand when the
 * clinician joined. So that, as the records stood on any day since they joined, the check was met
 * (the pool's figures read them so: a month's "onboarded" is counted from its records at its end).
 */
static size_t earlier_records(const struct fp_check_type *t, const struct fp_check_row *k, fp_day joined, uint32_t h,
                              struct fp_check_row *earlier, size_t cap) {
  if (t->validity == FP_VALIDITY_NONE || strcmp(k->status, "verified") != 0) return 0;
  size_t n = 0;
  const struct fp_check_row *next = k;
  while (n < cap && next->issued_on != FP_DAY_NONE && next->issued_on > joined) {
    struct fp_check_row *e = &earlier[n];
    *e = *next;
    uint32_t hn = h * 2654435761u + (uint32_t)n;
    fp_day ends = next->issued_on + 14 + (fp_day)(hn % 28); /* renewed two to six weeks before it ran out */
    if (t->validity == FP_VALIDITY_PERIOD) {
      e->issued_on = fp_day_add_months(ends + 1, -t->renewal_months);
      if (fp_check_expiry(t->validity, t->renewal_months, e->issued_on, FP_DAY_NONE, &e->expires_on) != FP_EXPIRY_OK)
        break;
    } else {
      e->issued_on = ends - 730 - (fp_day)(hn % 365);
      e->expires_on = ends;
    }
    reference_for(e->code, hn, e);
    next = e;
    n++;
  }
  return n;
}

static void reference_for(const char *code, uint32_t h, struct fp_check_row *k) {
  static const char *const indemnifiers[] = {"MDU", "MPS", "MDDUS"};
  k->reference[0] = 0;
  if (strcmp(code, "dbs") == 0) {
    snprintf(k->reference, sizeof k->reference, "00%010u", h % 1000000000u);
    snprintf(k->update_service, sizeof k->update_service, "%s", h % 5 ? "subscribed" : "not_subscribed");
  } else if (strcmp(code, "indemnity") == 0) {
    snprintf(k->reference, sizeof k->reference, "%s-%06u", indemnifiers[h % 3], h % 1000000u);
  } else if (strcmp(code, "registration") == 0) {
    snprintf(k->reference, sizeof k->reference, "Checked on the register");
  } else if (strncmp(code, "cstf_", 5) == 0) {
    snprintf(k->reference, sizeof k->reference, "eLfH certificate %06u", h % 1000000u);
  }
}

static int passport_of(struct fp_conn *c, const struct load *l, const struct clin *cl, struct fp_checks *req,
                       int64_t now, int64_t verifier) {
  fp_day today = fp_uk_day(now), joined = fp_uk_day(cl->joined);
  enum scenario sc = cl->number >= 101 && cl->number <= 150 ? (enum scenario)((cl->number - 101) % 6) : COMPLIANT;
  if (cl->generated) {
    /* --clinicians: about two in three complete, the rest spread over the other states. */
    static const enum scenario SPREAD[] = {COMPLIANT, COMPLIANT, COMPLIANT, COMPLIANT, COMPLIANT, COMPLIANT, COMPLIANT,
                                           COMPLIANT, COMPLIANT, COMPLIANT, EXPIRING, EXPIRING, MISSING, MISSING,
                                           SUBMITTED, EXPIRED, REJECTED};
    sc = SPREAD[spread(cl->id, "scenario") % (sizeof SPREAD / sizeof SPREAD[0])];
  }
  /* What the baseline requires (the demo's pool adds nothing of its own). */
  int rc = fp_store_checks_load(c, cl->id, cl->profession, 0, req);
  if (rc) return rc;
  for (size_t i = 0; i < req->n_required; i++) {
    const char *code = req->required[i];
    const struct fp_check_type *t = type_of(l, code);
    if (!t) continue;
    uint32_t h = spread(cl->id, code);
    if (sc == MISSING && (strcmp(code, "dbs") == 0 || strcmp(code, "indemnity") == 0)) continue;
    struct fp_check_row k;
    memset(&k, 0, sizeof k);
    k.clinician_id = cl->id;
    snprintf(k.code, sizeof k.code, "%s", code);
    snprintf(k.status, sizeof k.status, "verified");
    reference_for(code, h, &k);
    valid_dates(t, today, joined, h, &k.issued_on, &k.expires_on);
    bool evidence = false;
    if (sc == SUBMITTED && (strcmp(code, "dbs") == 0 || strcmp(code, "references") == 0)) {
      snprintf(k.status, sizeof k.status, "submitted");
      k.expires_on = FP_DAY_NONE; /* the pool sets it on verification */
      evidence = true;
    } else if ((sc == EXPIRING || sc == EXPIRED) && strcmp(code, "cstf_basic_life_support") == 0) {
      /* A yearly course: ending 10-24 days from now, or 20-40 days ago. */
      fp_day end = sc == EXPIRING ? today + 10 + (fp_day)(h % 15) : today - 20 - (fp_day)(h % 21);
      k.issued_on = fp_day_add_months(end + 1, -12);
      fp_check_expiry(t->validity, t->renewal_months, k.issued_on, FP_DAY_NONE, &k.expires_on);
    } else if (sc == REJECTED && strcmp(code, "occupational_health") == 0) {
      snprintf(k.status, sizeof k.status, "rejected");
      snprintf(k.note, sizeof k.note, "The clearance letter is unsigned and does not list hepatitis B immunity: please "
                                       "upload the signed letter from your occupational health provider.");
      evidence = true;
    }
    /* What it renewed first, oldest first (the newest record has the highest id). */
    struct fp_check_row earlier[8];
    size_t n_earlier = earlier_records(t, &k, joined, h, earlier, sizeof earlier / sizeof earlier[0]);
    int64_t id;
    while (n_earlier > 0) {
      n_earlier--;
      if ((rc = insert(c, &earlier[n_earlier], now, cl->joined, verifier, spread(cl->id + (int64_t)n_earlier + 1, code), &id)) != 0)
        return rc;
    }
    if ((rc = insert(c, &k, now, cl->joined, verifier, h, &id)) != 0) return rc;
    if (evidence) {
      char line[200], pdf[2048], file[80];
      snprintf(line, sizeof line, "Demo evidence: %.80s for %.80s", t->name, cl->name);
      for (char *p = line; *p; p++)
        if (*p == '(' || *p == ')' || *p == '\\') *p = ' ';
      size_t len = make_pdf(line, pdf, sizeof pdf);
      snprintf(file, sizeof file, "%s.pdf", code);
      if ((rc = fp_store_passport_demo_evidence(c, id, pdf, len, "application/pdf", file, 0, k.created_at)) != 0)
        return rc;
    }
  }
  return 0;
}

int fp_demo_passports(struct fp_conn *c, int64_t now, int64_t verifier) {
  struct load l;
  memset(&l, 0, sizeof l);
  struct fp_checks checks, *req = &checks;
  fp_checks_init(req);
  int rc = fp_store_check_types(c, add_type, &l);
  if (!rc) rc = l.err;
  if (!rc) rc = fp_store_passport_demo_clinicians(c, add_clin, &l);
  if (!rc) rc = l.err;
  for (size_t i = 0; !rc && i < l.n; i++) rc = passport_of(c, &l, &l.clins[i], req, now, verifier);
  /* Bookings the demo made for clinicians whose passport no longer covers them are flagged. */
  struct fp_reexam rx;
  memset(&rx, 0, sizeof rx);
  if (!rc) rc = fp_store_passport_reexamine_all(c, NULL, 0, now, 0, &rx);
  fp_reexam_release(&rx);
  fp_checks_release(req);
  free(l.types);
  free(l.clins);
  return rc;
}
