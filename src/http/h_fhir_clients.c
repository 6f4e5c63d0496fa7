/*
 * h_fhir_clients.c - the system administrator's register of the FHIR API's clients (docs/FHIR.md):
 *   POST   /api/v1/fhir-clients       registers one: {client_id, name, organisation_ids, scopes?};
 *                                     the answer holds its secret, shown this once
 *   GET    /api/v1/fhir-clients       lists them (never a secret)
 *   DELETE /api/v1/fhir-clients/{id}  deactivates one: its tokens stop working at once everywhere
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/fhir.h"
#include "http/auth.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/fhir.h"

#define SYSADMIN_ONLY "only a system administrator keeps the FHIR API's clients"

static json_t *client_json(const struct fp_fhir_client *cl) {
  json_t *orgs = json_array(), *scopes = json_array();
  for (int i = 0; i < cl->n_orgs; i++) json_array_append_new(orgs, json_integer(cl->orgs[i]));
  for (int t = 0; t < FP_FHIR_N_TYPES; t++)
    if (cl->scopes & (1u << t)) {
      char s[64];
      fp_fhir_scope_name((enum fp_fhir_type)t, s, sizeof s);
      json_array_append_new(scopes, json_string(s));
    }
  return json_pack("{s:I, s:s, s:s, s:o, s:o, s:b, s:o, s:o}", "id", (json_int_t)cl->id, "client_id", cl->client_id, "name",
                   cl->name, "organisation_ids", orgs, "scopes", scopes, "active", cl->active, "created_at",
                   fp_json_time(cl->created_at), "deactivated_at", fp_json_time_or_null(cl->deactivated_at));
}

static bool client_id_valid(const char *s) {
  size_t n = strlen(s);
  if (n < 3 || n > FP_FHIR_CLIENT_ID_MAX) return false;
  return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

struct create_tx {
  struct fp_fhir_client in;
  unsigned char hash[FP_FHIR_HASH_LEN];
  int64_t actor, now, id;
};

static int create_tx_fn(struct fp_conn *c, void *ctx) {
  struct create_tx *x = ctx;
  return fp_store_fhir_client_create(c, &x->in, x->hash, x->actor, x->now, &x->id);
}

void fp_h_fhir_client_create(struct fp_req *r) {
  if (fp_role_or_respond(r, FP_ROLE_SYSADMIN, SYSADMIN_ONLY) || fp_req_json_or_respond(r)) return;
  const char *client_id = NULL, *name = NULL;
  json_t *orgs = NULL, *scopes = NULL;
  struct fp_field spec[] = {
      {"client_id", FP_F_STRING, true, 3, FP_FHIR_CLIENT_ID_MAX, NULL, &client_id, NULL},
      {"name", FP_F_STRING, true, 1, FP_FHIR_CLIENT_NAME_MAX, NULL, &name, NULL},
      {"organisation_ids", FP_F_ARRAY, true, 1, FP_FHIR_CLIENT_ORGS_MAX, NULL, &orgs, NULL},
      {"scopes", FP_F_ARRAY, false, 1, 2 * FP_FHIR_N_TYPES + 2, NULL, &scopes, NULL},
      FP_FIELD_END,
  };
  if (fp_fields_parse_or_respond(r, r->json, spec)) return;
  if (!client_id_valid(client_id)) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "client_id", "a client id is 3 to %d letters, digits, '.', '_' or '-'",
                   FP_FHIR_CLIENT_ID_MAX);
    return;
  }
  struct create_tx x;
  memset(&x, 0, sizeof x);
  snprintf(x.in.client_id, sizeof x.in.client_id, "%s", client_id);
  snprintf(x.in.name, sizeof x.in.name, "%s", name);
  size_t i;
  json_t *v;
  json_array_foreach(orgs, i, v) {
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "organisation_ids", "organisation_ids holds organisation ids");
      return;
    }
    x.in.orgs[x.in.n_orgs++] = json_integer_value(v);
  }
  x.in.scopes = FP_FHIR_ALL_SCOPES;
  if (scopes) {
    x.in.scopes = 0;
    json_array_foreach(scopes, i, v) {
      unsigned m = 0;
      const char *bad = NULL;
      size_t bad_len = 0;
      if (!json_is_string(v) || strchr(json_string_value(v), ' ') ||
          fp_fhir_scopes_parse(json_string_value(v), &m, &bad, &bad_len) != 0 || !m) {
        fp_reply_error(r, FP_API_INVALID_FIELD, "scopes",
                       "scopes are SMART system scopes such as system/Slot.rs (or system/Slot.read)");
        return;
      }
      x.in.scopes |= m;
    }
  }
  char secret[48];
  fp_token_new(secret, x.hash); /* 256 random bits, kept as their hash */
  fp_fhir_secret_hash(secret, x.hash);
  x.actor = r->auth.user_id;
  x.now = r->now;
  int rc = fp_store_write(r->app->store, create_tx_fn, &x);
  struct fp_fhir_client cl;
  if (!rc) {
    struct fp_conn *c = fp_store_reader(r->app->store);
    rc = c ? fp_store_fhir_client_get(c, x.id, &cl) : FP_EIO;
  }
  if (rc == FP_ECONFLICT)
    fp_reply_error(r, FP_API_CONFLICT, "client_id", "a client with that id is registered already");
  else if (rc == FP_EINVAL)
    fp_reply_error(r, FP_API_INVALID_FIELD, "organisation_ids", "an organisation in organisation_ids does not exist");
  else if (rc)
    fp_reply_store_error(r, rc);
  else {
    json_t *j = client_json(&cl);
    json_object_set_new(j, "client_secret", json_string(secret)); /* shown this once */
    fp_reply_json(r, 201, j);
  }
  sodium_memzero(secret, sizeof secret);
}

static void add_client(const struct fp_fhir_client *cl, void *ctx) { json_array_append_new(ctx, client_json(cl)); }

void fp_h_fhir_client_list(struct fp_req *r) {
  if (fp_role_or_respond(r, FP_ROLE_SYSADMIN, SYSADMIN_ONLY)) return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  json_t *items = json_array();
  int rc = c ? fp_store_fhir_client_list(c, add_client, items) : FP_EIO;
  if (rc) {
    json_decref(items);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

struct delete_tx {
  int64_t id, actor, now;
};

static int delete_tx_fn(struct fp_conn *c, void *ctx) {
  struct delete_tx *x = ctx;
  return fp_store_fhir_client_deactivate(c, x->id, x->actor, x->now);
}

void fp_h_fhir_client_delete(struct fp_req *r) {
  if (fp_role_or_respond(r, FP_ROLE_SYSADMIN, SYSADMIN_ONLY)) return;
  struct delete_tx x = {r->params[0], r->auth.user_id, r->now};
  int rc = fp_store_write(r->app->store, delete_tx_fn, &x);
  if (rc == FP_ENOTFOUND)
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "no active FHIR client %lld", (long long)r->params[0]);
  else if (rc)
    fp_reply_store_error(r, rc);
  else
    fp_reply_empty(r);
}
