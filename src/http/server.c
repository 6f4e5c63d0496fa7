/* The libmicrohttpd glue. See server.h. */
#include "http/server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "core/error.h"
#include "http/auth.h"
#include "http/events.h"
#include "http/fhir.h"
#include "http/json_out.h"
#include "http/prometheus.h"
#include "http/request.h"
#include "http/routes.h"

struct fp_server {
  struct MHD_Daemon *daemon;
  struct fp_http_app *app;
  char *cert;
  char *key;
};

/* Per-connection request state, kept across the access handler's calls. */
struct conn_state {
  struct fp_req req;
  const struct fp_route *route;
  bool path_known;
  size_t max_body;
  size_t cap;
  bool too_big;
  const char *bad_framing; /* why the body's framing is refused (a static string), or NULL */
  struct timespec started; /* when the headers were read (CLOCK_MONOTONIC) */
};

static const char *const CSP =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

static void add_common_headers(struct fp_req *r, struct MHD_Response *resp, bool api) {
  struct fp_http_app *app = r->app;
  MHD_add_response_header(resp, "X-Request-Id", r->request_id);
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  /* Under TLS the browser is told to come back only over TLS for a year. */
  if (app->cfg.tls_cert && app->cfg.tls_key)
    MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
  MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(resp, "Content-Security-Policy", CSP);
  MHD_add_response_header(resp, "X-Frame-Options", "DENY");
  if (api) MHD_add_response_header(resp, "Cache-Control", "no-store");
  /* Stopping: no further request on this connection (the client opens one to another server). */
  if (atomic_load(&app->draining)) MHD_add_response_header(resp, "Connection", "close");
}

static enum MHD_Result send_req(struct MHD_Connection *conn, struct fp_req *r) {
  struct MHD_Response *resp;
  if (r->stream) { /* a live stream (http/events.h): the response owns it from here */
    resp = fp_stream_response(r->stream);
    if (!resp) return MHD_NO; /* req_release discards the stream */
    r->stream = NULL;
  } else if (r->reply_raw) {
    resp = MHD_create_response_from_buffer(r->reply_raw_len, r->reply_raw, MHD_RESPMEM_MUST_FREE);
    r->reply_raw = NULL;
    MHD_add_response_header(resp, "Content-Type", r->reply_type ? r->reply_type : "application/octet-stream");
  } else if (r->reply) {
    size_t len = 0;
    char *text = fp_json_dump(r->reply, &len);
    if (!text) return MHD_NO;
    resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json");
  } else {
    resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  }
  if (!resp) return MHD_NO;
  add_common_headers(r, resp, true);
  for (int i = 0; i < r->n_extra; i++) {
    char *colon = strchr(r->extra_headers[i], ':');
    if (!colon) continue;
    *colon = 0;
    MHD_add_response_header(resp, r->extra_headers[i], colon + 2);
    *colon = ':';
  }
  enum MHD_Result ret = MHD_queue_response(conn, (unsigned)(r->status ? r->status : 500), resp);
  MHD_destroy_response(resp);
  return ret;
}

static void req_release(struct fp_req *r) {
  json_decref(r->json);
  json_decref(r->reply);
  free(r->body);
  free(r->reply_raw);
  for (int i = 0; i < r->n_extra; i++) free(r->extra_headers[i]);
  fp_stream_discard(r->stream);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe) {
  struct fp_http_app *app = cls;
  (void)conn;
  (void)toe;
  struct conn_state *cs = *con_cls;
  if (!cs) return;
  atomic_fetch_sub(&app->in_flight, 1);
  req_release(&cs->req);
  free(cs);
  *con_cls = NULL;
}

/* Static files ---------------------------------------------------------------------------- */

static const char *mime_of(const char *path) {
  const char *dot = strrchr(path, '.');
  if (!dot) return "application/octet-stream";
  static const struct { const char *ext, *type; } types[] = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"}, {".png", "image/png"}, {".ico", "image/x-icon"},
      {".json", "application/json"}, {".woff2", "font/woff2"}, {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"}, {".map", "application/json"}, {".webmanifest", "application/manifest+json"},
  };
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcasecmp(dot, types[i].ext) == 0) return types[i].type;
  return "application/octet-stream";
}

/* Text files are worth compressing; images (but SVG) and fonts are compressed already. */
static bool compressible(const char *type) {
  return strncmp(type, "text/", 5) == 0 || strcmp(type, "image/svg+xml") == 0 || strncmp(type, "application/json", 16) == 0 ||
         strcmp(type, "application/manifest+json") == 0;
}

/* Whether the client takes gzip: Accept-Encoding names gzip (or *) without q=0. */
static bool accepts_gzip(struct MHD_Connection *conn) {
  const char *ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
  if (!ae) return false;
  for (const char *p = ae; *p;) {
    while (*p == ' ' || *p == ',') p++;
    const char *end = p + strcspn(p, ",");
    size_t name = strcspn(p, ";, ");
    bool gzip = (name == 4 && strncasecmp(p, "gzip", 4) == 0) || (name == 1 && *p == '*');
    if (gzip) {
      const char *q = strstr(p, "q=");
      if (!q || q >= end) return true;
      return strtod(q + 2, NULL) > 0;
    }
    p = end;
  }
  return false;
}

/*
 * The web app's files compressed once: the first request that accepts gzip compresses the file
 * (zlib, level 9) and later ones are served from memory until the file changes (its ETag).
 */
#define GZ_SLOTS 64
static struct gz_entry {
  char path[4096];
  char etag[96];
  unsigned char *data;
  size_t len;
} gz_cache[GZ_SLOTS];
static pthread_mutex_t gz_lock = PTHREAD_MUTEX_INITIALIZER;

/* Compresses size bytes at in into a new buffer (gzip format); NULL on failure or when it does not shrink. */
static unsigned char *gzip_buf(const unsigned char *in, size_t size, size_t *out_len) {
  unsigned char *out = NULL;
  z_stream z = {0};
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK) {
    uLong cap = deflateBound(&z, (uLong)size);
    out = malloc(cap);
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)size;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (!out || deflate(&z, Z_FINISH) != Z_STREAM_END || z.total_out >= size) {
      free(out);
      out = NULL;
    } else {
      *out_len = z.total_out;
    }
    deflateEnd(&z);
  }
  return out;
}

/* Reads fd's size bytes into a new buffer; NULL when it cannot (or the file is shorter now). */
static unsigned char *read_fd(int fd, size_t size) {
  unsigned char *in = malloc(size ? size : 1);
  if (!in) return NULL;
  size_t got = 0;
  while (got < size) {
    ssize_t n = pread(fd, in + got, size - got, (off_t)got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  if (got != size) {
    free(in);
    return NULL;
  }
  return in;
}

/* A copy of the compressed file for (path, etag), made and remembered on first use; NULL to send it
   plain. The file's bytes are body (size of them) when given, else read from fd. */
static unsigned char *gzip_cached(const char *path, const char *etag, const unsigned char *body, int fd, size_t size,
                                  size_t *len) {
  unsigned char *copy = NULL;
  pthread_mutex_lock(&gz_lock);
  struct gz_entry *slot = NULL;
  for (int i = 0; i < GZ_SLOTS && !slot; i++)
    if (strcmp(gz_cache[i].path, path) == 0) slot = &gz_cache[i];
  if (slot && strcmp(slot->etag, etag) != 0) {
    free(slot->data);
    slot->data = NULL;
    slot->etag[0] = '\0';
  }
  if (!slot)
    for (int i = 0; i < GZ_SLOTS && !slot; i++)
      if (!gz_cache[i].path[0]) slot = &gz_cache[i];
  if (!slot) { /* full: forget the first (the app has far fewer files than slots) */
    slot = &gz_cache[0];
    free(slot->data);
    memset(slot, 0, sizeof *slot);
  }
  if (!slot->data) {
    size_t n = 0;
    unsigned char *in = body ? NULL : read_fd(fd, size);
    slot->data = body || in ? gzip_buf(body ? body : in, size, &n) : NULL;
    free(in);
    if (slot->data) {
      snprintf(slot->path, sizeof slot->path, "%s", path);
      snprintf(slot->etag, sizeof slot->etag, "%s", etag);
      slot->len = n;
    } else {
      memset(slot, 0, sizeof *slot);
    }
  }
  if (slot->data && (copy = malloc(slot->len))) {
    memcpy(copy, slot->data, slot->len);
    *len = slot->len;
  }
  pthread_mutex_unlock(&gz_lock);
  return copy;
}

static bool ends_with(const char *s, const char *tail) {
  size_t n = strlen(s), t = strlen(tail);
  return n >= t && strcmp(s + n - t, tail) == 0;
}

/*
 * The files the web app needs, and nothing else from web/ or the package (web/tools/, the
 * package's sources, maps and templates are not served): the page, its stylesheets and modules,
 * the stylesheet made from nhsuk-frontend, and the package's script and images.
 */
static bool app_file(const char *p) {
  static const struct { const char *prefix, *ext; } allowed[] = {
      {"/index.html", ""},
      {"/css/", ".css"},
      {"/js/", ".js"},
      {"/vendor/", ".css"},
      {"/nhsuk/nhsuk/nhsuk-frontend.min.js", ""},
      {"/nhsuk/nhsuk/assets/images/", ".svg"},
      {"/nhsuk/nhsuk/assets/images/", ".png"},
      {"/nhsuk/nhsuk/assets/images/", ".ico"},
  };
  for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
    size_t n = strlen(allowed[i].prefix);
    if (allowed[i].ext[0] ? strncmp(p, allowed[i].prefix, n) == 0 && ends_with(p, allowed[i].ext)
                          : strcmp(p, allowed[i].prefix) == 0)
      return true;
  }
  return false;
}

static bool safe_path(const char *p) {
  if (p[0] != '/') return false;
  if (strstr(p, "..") || strchr(p, '\\') || strstr(p, "//")) return false;
  for (const char *c = p; *c; c++)
    if ((unsigned char)*c < 0x20) return false;
  return true;
}

static enum MHD_Result serve_error(struct MHD_Connection *conn, struct fp_req *r, enum fp_api_error e,
                                   const char *msg) {
  fp_reply_error(r, e, NULL, "%s", msg);
  return send_req(conn, r);
}

/* Where the file for an allowed path lives: "/nhsuk/..." in the installed package, the rest in the web root. */
static void file_for(const char *root, const char *path, char *full, size_t len) {
  if (strncmp(path, "/nhsuk/", 7) == 0)
    snprintf(full, len, "%s/../node_modules/nhsuk-frontend/dist/%s", root, path + 7);
  else
    snprintf(full, len, "%s%s", root, path);
}

/*
 * The web app's version: a hash (BLAKE2b, 64 bits in hex) of the contents of every stylesheet and
 * module the page loads (web/css, web/js, web/vendor and the package's script: what app_file allows
 * there). The page refers to them under /v/<version>/..., so a changed file gives every one of them
 * a new address, and an address, once served, never changes what it holds: those answers are
 * `Cache-Control: immutable` and a browser never asks for them again. Modules import each other by
 * relative paths, which stay under the same /v/<version>/. The version is worked out again when a
 * file's size or modification time has changed (a stat of each file per page load or /v/ request).
 */
#define VERSION_HEX 16
#define VERSIONED_MAX 512
static const char *const versioned_dirs[] = {"/css", "/js", "/vendor"};
static const char versioned_package_file[] = "/nhsuk/nhsuk/nhsuk-frontend.min.js";
static struct {
  unsigned char sig[16]; /* of every file's path, size and modification time */
  char hex[VERSION_HEX + 1];
} version_cache;
static pthread_mutex_t version_lock = PTHREAD_MUTEX_INITIALIZER;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Adds the app files under root+dir (a path like "/js") to paths, recursively (depth levels at most);
   false when there are more than VERSIONED_MAX or deeper than that (then nothing is versioned). */
static bool collect_files(const char *root, const char *dir, char **paths, size_t *n, int depth) {
  char full[4096];
  snprintf(full, sizeof full, "%s%s", root, dir);
  DIR *d = opendir(full);
  if (!d) return true;
  bool ok = depth > 0;
  struct dirent *e;
  while (ok && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char rel[4096];
    if (snprintf(rel, sizeof rel, "%s/%s", dir, e->d_name) >= (int)sizeof rel) continue;
    struct stat st;
    snprintf(full, sizeof full, "%s%s", root, rel);
    if (stat(full, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) ok = collect_files(root, rel, paths, n, depth - 1);
    else if (S_ISREG(st.st_mode) && app_file(rel)) ok = *n < VERSIONED_MAX && (paths[*n] = strdup(rel)) && ++*n;
  }
  closedir(d);
  return ok;
}

/* The current version into hex (VERSION_HEX + 1 bytes); "" when there is none to be had. */
static void asset_version(const char *root, char *hex) {
  char *paths[VERSIONED_MAX];
  size_t n = 0;
  bool all = true;
  for (size_t i = 0; i < sizeof versioned_dirs / sizeof versioned_dirs[0] && all; i++)
    all = collect_files(root, versioned_dirs[i], paths, &n, 8);
  if (all) all = n < VERSIONED_MAX && (paths[n] = strdup(versioned_package_file)) && ++n;
  if (!all) { /* too many files, too deep (a link to a parent?) or no memory: no version, so nothing is immutable */
    for (size_t i = 0; i < n; i++) free(paths[i]);
    pthread_mutex_lock(&version_lock);
    version_cache.hex[0] = '\0';
    memcpy(hex, version_cache.hex, VERSION_HEX + 1);
    pthread_mutex_unlock(&version_lock);
    return;
  }
  qsort(paths, n, sizeof paths[0], cmp_str);
  crypto_generichash_state sig_state;
  crypto_generichash_init(&sig_state, NULL, 0, 16);
  for (size_t i = 0; i < n; i++) {
    char full[4096];
    file_for(root, paths[i], full, sizeof full);
    struct stat st;
    long long meta[3] = {-1, 0, 0};
    if (stat(full, &st) == 0) meta[0] = st.st_size, meta[1] = st.st_mtim.tv_sec, meta[2] = st.st_mtim.tv_nsec;
    crypto_generichash_update(&sig_state, (const unsigned char *)paths[i], strlen(paths[i]) + 1);
    crypto_generichash_update(&sig_state, (const unsigned char *)meta, sizeof meta);
  }
  unsigned char sig[16];
  crypto_generichash_final(&sig_state, sig, sizeof sig);
  pthread_mutex_lock(&version_lock);
  if (!version_cache.hex[0] || memcmp(sig, version_cache.sig, sizeof sig) != 0) {
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, VERSION_HEX / 2);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
      char full[4096];
      file_for(root, paths[i], full, sizeof full);
      int fd = open(full, O_RDONLY | O_CLOEXEC);
      struct stat st;
      unsigned char *body = fd >= 0 && fstat(fd, &st) == 0 ? read_fd(fd, (size_t)st.st_size) : NULL;
      if (fd >= 0) close(fd);
      if (!body) {
        ok = strcmp(paths[i], versioned_package_file) == 0; /* the package may not be installed */
        continue;
      }
      crypto_generichash_update(&h, (const unsigned char *)paths[i], strlen(paths[i]) + 1);
      crypto_generichash_update(&h, body, (size_t)st.st_size);
      free(body);
    }
    unsigned char out[VERSION_HEX / 2];
    crypto_generichash_final(&h, out, sizeof out);
    if (ok) {
      sodium_bin2hex(version_cache.hex, sizeof version_cache.hex, out, sizeof out);
      memcpy(version_cache.sig, sig, sizeof sig);
    } else {
      version_cache.hex[0] = '\0';
    }
  }
  memcpy(hex, version_cache.hex, VERSION_HEX + 1);
  pthread_mutex_unlock(&version_lock);
  for (size_t i = 0; i < n; i++) free(paths[i]);
}

/* The versioned files' addresses the page names: these get "/v/<version>" in front of them. */
static const char *const versioned_refs[] = {"=\"/css/", "=\"/js/", "=\"/vendor/", "=\"/nhsuk/nhsuk/nhsuk-frontend.min.js\""};

/* index.html (len bytes) with its references to the versioned files under /v/<version>/; a new buffer. */
static unsigned char *page_with_version(const unsigned char *page, size_t len, const char *version, size_t *out_len) {
  size_t extra = 3 + VERSION_HEX, n = 0;
  for (size_t i = 0; i < len; i++)
    for (size_t k = 0; k < sizeof versioned_refs / sizeof versioned_refs[0]; k++)
      if (len - i >= strlen(versioned_refs[k]) && memcmp(page + i, versioned_refs[k], strlen(versioned_refs[k])) == 0) n++;
  unsigned char *out = malloc(len + n * extra + 1);
  if (!out) return NULL;
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    out[o++] = page[i];
    if (page[i] != '=' || i + 2 >= len || page[i + 1] != '"') continue;
    for (size_t k = 0; k < sizeof versioned_refs / sizeof versioned_refs[0]; k++) {
      size_t rl = strlen(versioned_refs[k]);
      if (len - i >= rl && memcmp(page + i, versioned_refs[k], rl) == 0) {
        out[o++] = '"';
        o += (size_t)sprintf((char *)out + o, "/v/%s", version);
        i++;
        break;
      }
    }
  }
  *out_len = o;
  return out;
}

/*
 * Serves GET /... from the web root, only the files app_file() allows: "/" is index.html,
 * "/nhsuk/..." is the installed nhsuk-frontend dist/ folder (web_root/../node_modules/nhsuk-frontend/dist).
 * A path whose last part has no extension is one of the app's own routes: index.html, so it reloads.
 * "/v/<version>/<file>" is <file> at that version (see asset_version): immutable when it is the
 * current one; an older version's address gets today's file, revalidated like the rest.
 */
static enum MHD_Result serve_static(struct fp_http_app *app, struct MHD_Connection *conn, struct fp_req *r) {
  const char *path = r->path;
  if (!safe_path(path)) return serve_error(conn, r, FP_API_NOT_FOUND, "not found");
  char full[4096];
  const char *root = app->cfg.web_root;
  char version[VERSION_HEX + 1] = "";
  bool immutable = false;
  if (strncmp(path, "/v/", 3) == 0) {
    const char *v = path + 3;
    size_t hexlen = strspn(v, "0123456789abcdef");
    if (hexlen != VERSION_HEX || v[VERSION_HEX] != '/' || strcmp(v + VERSION_HEX, "/index.html") == 0 ||
        !app_file(v + VERSION_HEX))
      return serve_error(conn, r, FP_API_NOT_FOUND, "not found");
    asset_version(root, version);
    immutable = strncmp(v, version, VERSION_HEX) == 0;
    path = v + VERSION_HEX;
  }
  bool route = !strchr(strrchr(path, '/'), '.') && strncmp(path, "/nhsuk/", 7) != 0;
  bool is_page = route || strcmp(path, "/index.html") == 0;
  if (is_page)
    snprintf(full, sizeof full, "%s/index.html", root);
  else if (!app_file(path))
    return serve_error(conn, r, FP_API_NOT_FOUND, "not found");
  else
    file_for(root, path, full, sizeof full);
  int fd = open(full, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
    close(fd);
    fd = -1;
  }
  if (fd < 0) return serve_error(conn, r, FP_API_NOT_FOUND, "not found");
  /* The page names the versioned files at the current version: it is read and rewritten. */
  unsigned char *body = NULL;
  size_t body_len = (size_t)st.st_size;
  if (is_page) {
    asset_version(root, version);
    unsigned char *raw = read_fd(fd, (size_t)st.st_size);
    close(fd);
    fd = -1;
    if (raw && version[0]) body = page_with_version(raw, (size_t)st.st_size, version, &body_len);
    else body = raw, raw = NULL;
    free(raw);
    if (!body) return serve_error(conn, r, FP_API_UNAVAILABLE, "the page could not be read");
  }
  /*
   * The validator: the file's size and modification time (the page's also its version, and "-gz"
   * for the compressed form, a different representation); a client that has this version is told
   * 304 with no body.
   * Text files go gzip-compressed to a client that accepts it (never API answers: they carry the
   * CSRF token, and compressing secrets beside what an attacker sends invites BREACH).
   */
  const char *type = mime_of(full);
  bool gz = compressible(type) && accepts_gzip(conn);
  char tag[64], etag[96];
  snprintf(tag, sizeof tag, "%llx-%llx-%lx%s%s", (unsigned long long)st.st_size, (unsigned long long)st.st_mtim.tv_sec,
           (unsigned long)st.st_mtim.tv_nsec, is_page ? "-" : "", is_page ? version : "");
  snprintf(etag, sizeof etag, "\"%s%s\"", tag, gz ? "-gz" : "");
  const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
  bool fresh = inm && (strstr(inm, etag) || strcmp(inm, "*") == 0);
  unsigned char *zbuf = NULL;
  size_t zlen = 0;
  if (!fresh && gz && !(zbuf = gzip_cached(full, etag, body, fd, body_len, &zlen))) {
    gz = false; /* not smaller, or no memory: the file as it is, under its plain tag */
    snprintf(etag, sizeof etag, "\"%s\"", tag);
  }
  if (fd >= 0 && (fresh || zbuf)) {
    close(fd);
    fd = -1;
  }
  if (body && (fresh || zbuf)) {
    free(body);
    body = NULL;
  }
  struct MHD_Response *resp = fresh  ? MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT)
                              : zbuf ? MHD_create_response_from_buffer(zlen, zbuf, MHD_RESPMEM_MUST_FREE)
                              : body ? MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_MUST_FREE)
                                     : MHD_create_response_from_fd((size_t)st.st_size, fd);
  if (!resp) {
    free(zbuf);
    free(body);
    if (fd >= 0) close(fd);
    return MHD_NO;
  }
  if (!fresh) MHD_add_response_header(resp, "Content-Type", type);
  if (zbuf) MHD_add_response_header(resp, "Content-Encoding", "gzip");
  if (compressible(type)) MHD_add_response_header(resp, "Vary", "Accept-Encoding");
  MHD_add_response_header(resp, "ETag", etag);
  MHD_add_response_header(resp, "Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  add_common_headers(r, resp, false);
  r->status = fresh ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
  enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
  MHD_destroy_response(resp);
  return ret;
}

/* The access handler ----------------------------------------------------------------------- */

static bool is_safe_method(const char *m) { return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0; }

static void client_addr(struct MHD_Connection *conn, char *out, size_t len) {
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  out[0] = 0;
  if (!ci || !ci->client_addr) return;
  const struct sockaddr *sa = ci->client_addr;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)len);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)len);
}

struct header_count {
  const char *name;
  int n;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  (void)kind;
  (void)value;
  struct header_count *hc = cls;
  if (strcasecmp(key, hc->name) == 0) hc->n++;
  return MHD_YES;
}

static int header_count(struct MHD_Connection *conn, const char *name) {
  struct header_count hc = {name, 0};
  MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, &hc);
  return hc.n;
}

/*
 * The body's framing must be unambiguous, so that no proxy in front can read a different request
 * out of the same bytes (request smuggling, RFC 9112 6.1 and 6.3): a request with both
 * Content-Length and Transfer-Encoding, with Content-Length twice, or with a transfer coding other
 * than chunked is refused. NULL when the framing is fine, else why not.
 */
static const char *framing_problem(struct MHD_Connection *conn) {
  int n_cl = header_count(conn, MHD_HTTP_HEADER_CONTENT_LENGTH);
  int n_te = header_count(conn, MHD_HTTP_HEADER_TRANSFER_ENCODING);
  if (n_cl && n_te) return "a request may not carry both Content-Length and Transfer-Encoding";
  if (n_cl > 1) return "a request may carry Content-Length only once";
  if (n_te > 1) return "a request may carry Transfer-Encoding only once";
  const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
  if (te && strcasecmp(te, "chunked") != 0) return "the only transfer coding this server takes is chunked";
  return NULL;
}

/* The query against the route's list (routes.h fp_route.query): 0 when every parameter is one it
   takes, each once; 1 with name set to the first it does not take; 2 with the first given twice. */
struct query_check {
  const char *listed;
  const char *seen[FP_QUERY_MAX];
  int n_seen, problem;
  char *name;
  size_t len;
};

static enum MHD_Result check_query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  (void)kind;
  (void)value;
  struct query_check *q = cls;
  int problem = 0;
  if (!fp_route_query_listed(q->listed, key)) problem = 1;
  for (int i = 0; !problem && i < q->n_seen; i++)
    if (strcmp(q->seen[i], key) == 0) problem = 2;
  /* Each one seen is listed and distinct, and no route lists FP_QUERY_MAX (routes.h): never reached. */
  if (!problem && q->n_seen == FP_QUERY_MAX) problem = 2;
  if (problem) {
    q->problem = problem;
    snprintf(q->name, q->len, "%.40s%s", key, strlen(key) > 40 ? "..." : "");
    return MHD_NO;
  }
  q->seen[q->n_seen++] = key;
  return MHD_YES;
}

static int query_problem(struct MHD_Connection *conn, const char *listed, char *name, size_t len) {
  struct query_check q = {.listed = listed, .name = name, .len = len};
  MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, check_query_arg, &q);
  return q.problem;
}

/* How the request's errors are answered (routes.h): its route's way, or by its path when no route
   matched (under /fhir/r4/, FHIR's). */
static enum fp_route_dialect dialect_of(const struct conn_state *cs) {
  if (cs->route) return cs->route->dialect;
  const char *p = cs->req.path;
  if (strncmp(p, FP_FHIR_BASE "/", sizeof FP_FHIR_BASE) == 0 || strcmp(p, FP_FHIR_BASE) == 0) return FP_DIALECT_FHIR;
  if (strcmp(p, "/oauth/token") == 0) return FP_DIALECT_OAUTH;
  return FP_DIALECT_API;
}

/* serve_error in the request's dialect. */
static enum MHD_Result serve_error_in(struct MHD_Connection *conn, struct conn_state *cs, enum fp_api_error e, const char *msg) {
  struct fp_req *r = &cs->req;
  switch (dialect_of(cs)) {
  case FP_DIALECT_FHIR:
    fp_fhir_reply_api_error(r, e, msg);
    fp_fhir_log_refusal(r); /* every FHIR answer is in the access log */
    return send_req(conn, r);
  case FP_DIALECT_OAUTH: fp_oauth_reply_error(r, fp_api_error_info(e)->status, "invalid_request", msg); return send_req(conn, r);
  case FP_DIALECT_API: break;
  }
  return serve_error(conn, r, e, msg);
}

static enum MHD_Result answer(struct fp_http_app *app, struct MHD_Connection *conn, struct conn_state *cs) {
  struct fp_req *r = &cs->req;
  if (cs->bad_framing) {
    fp_req_add_header(r, "Connection", "close");
    return serve_error_in(conn, cs, FP_API_BAD_REQUEST, cs->bad_framing);
  }
  if (cs->too_big) {
    fp_req_add_header(r, "Connection", "close"); /* the rest of the body is not read */
    return serve_error_in(conn, cs, FP_API_PAYLOAD_TOO_LARGE, "the request body is larger than this endpoint accepts");
  }
  if (!cs->route) {
    if (cs->path_known) {
      char allow[128];
      fp_route_allowed(r->path, allow, sizeof allow);
      fp_req_add_header(r, "Allow", allow);
      return serve_error_in(conn, cs, FP_API_METHOD_NOT_ALLOWED, "that method is not allowed on this resource");
    }
    if (dialect_of(cs) == FP_DIALECT_FHIR)
      return serve_error_in(conn, cs, FP_API_NOT_FOUND, "no such resource type or id on this server");
    if (strncmp(r->path, "/api/", 5) == 0 || strncmp(r->path, "/oauth/", 7) == 0)
      return serve_error(conn, r, FP_API_NOT_FOUND, "no such endpoint");
    if (!is_safe_method(r->method)) { /* the web app's files are only read */
      fp_req_add_header(r, "Allow", "GET, HEAD");
      return serve_error(conn, r, FP_API_METHOD_NOT_ALLOWED, "that method is not allowed on this resource");
    }
    return serve_static(app, conn, r);
  }
  if (cs->route->dialect != FP_DIALECT_API) {
    /* The FHIR API and its token endpoint: no session (a system's token is checked by the handler,
       and a person's session is not taken there), and their own query rules. */
    cs->route->handler(r);
    if (!r->status) fp_fhir_reply_api_error(r, FP_API_INTERNAL_ERROR, "the handler gave no answer");
    return send_req(conn, r);
  }
  enum fp_route_auth need = cs->route->auth;
  r->passive = need == FP_SIGNED_IN_PASSIVE;
  if (r->passive) need = FP_SIGNED_IN;
  if (fp_auth_resolve(r) != 0) return serve_error(conn, r, FP_API_UNAVAILABLE, "the store is not available");
  if (need != FP_PUBLIC && r->auth.user_id == 0)
    return serve_error(conn, r, FP_API_UNAUTHENTICATED, "sign in first (the session may have ended)");
  /* What the account owes comes first: nothing else until it is paid (see routes.h). */
  if ((need == FP_SIGNED_IN || need == FP_MFA_SETUP) && r->auth.must_change_password)
    return serve_error(conn, r, FP_API_PASSWORD_CHANGE_REQUIRED,
                       "your password was set by someone else: choose your own first (PUT /api/v1/me/password)");
  if (need == FP_SIGNED_IN && r->auth.mfa_enrolment_required)
    return serve_error(conn, r, FP_API_MFA_ENROLMENT_REQUIRED,
                       "a system administrator signs in with a second factor: set one up first (POST /api/v1/me/totp)");
  if (r->auth.via_cookie && !is_safe_method(r->method)) {
    const char *csrf = fp_req_header(r, "X-CSRF-Token");
    if (!csrf || strcmp(csrf, r->auth.csrf) != 0)
      return serve_error(conn, r, FP_API_CSRF_FAILED, "the X-CSRF-Token header is missing or wrong");
  }
  char unknown[64];
  int why = query_problem(conn, cs->route->query, unknown, sizeof unknown);
  if (why) { /* refused before the handler reads any of it: never a parameter dropped unread */
    if (why == 1)
      fp_reply_error(r, FP_API_UNKNOWN_PARAMETER, unknown, "this endpoint does not take the query parameter '%s'", unknown);
    else
      fp_reply_error(r, FP_API_INVALID_PARAMETER, unknown, "the query parameter '%s' is given more than once", unknown);
    return send_req(conn, r);
  }
  r->query_names = cs->route->query;
  fp_db_truncations_take();
  cs->route->handler(r);
  if (fp_db_truncations_take() && r->status < 400) {
    /* A stored value was longer than its buffer (said on stderr by the store): answer an error,
       never a response holding a cut value. */
    fp_reply_error(r, FP_API_INTERNAL_ERROR, NULL, "a stored value is longer than this server can return");
  }
  if (!r->status) fp_reply_error(r, FP_API_INTERNAL_ERROR, NULL, "the handler gave no answer");
  return send_req(conn, r);
}

/* The route a request is counted under: its pattern, never the path (which holds ids). */
static const char *route_label(const struct conn_state *cs) {
  if (cs->route) return cs->route->pattern;
  if (cs->path_known || strncmp(cs->req.path, "/api/", 5) == 0 || dialect_of(cs) == FP_DIALECT_FHIR)
    return FP_PROM_ROUTE_UNMATCHED;
  return FP_PROM_ROUTE_STATIC;
}

/*
 * The request's id: the client's X-Request-Id when it is 1 to FP_REQUEST_ID_MAX characters of
 * [A-Za-z0-9._-] (a proxy's or a caller's trace id, kept so one id follows the request through
 * both logs), else 128 random bits (libsodium) in hex. Answered in X-Request-Id, logged.
 */
static void request_id_for(struct MHD_Connection *conn, char *id) {
  const char *given = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id");
  size_t n = given ? strspn(given, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") : 0;
  if (n > 0 && n <= FP_REQUEST_ID_MAX && !given[n]) {
    memcpy(id, given, n + 1);
    return;
  }
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(id, 2 * sizeof raw + 1, raw, sizeof raw);
}

/*
 * The request's log line: one JSON object on stderr, written with one write() so that lines of
 * concurrent requests never interleave. It names the route's pattern, never the path or the query
 * (they hold ids and searched names), and who asked only by user id: never a name, an email, a
 * token or anything of a body.
 */
static void log_request(const struct conn_state *cs, const char *route, int status, double seconds) {
  const struct fp_req *r = &cs->req;
  struct timespec wall;
  clock_gettime(CLOCK_REALTIME, &wall);
  struct tm tm;
  gmtime_r(&wall.tv_sec, &tm);
  char when[40];
  size_t w = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(when + w, sizeof when - w, ".%03ldZ", wall.tv_nsec / 1000000);
  json_t *line = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:f}", "time", when, "level", status >= 500 ? "error" : "info",
                           "request_id", r->request_id, "method", r->method ? r->method : "", "route", route,
                           "status", status, "duration_ms", (double)(long long)(seconds * 1e6) / 1e3);
  if (!line) return;
  if (r->auth.user_id) json_object_set_new(line, "user_id", json_integer(r->auth.user_id));
  /* The duration to the microsecond, written so: 13.784, not 13.784000000000001 (jansson's
     default is the shortest text that reads back as the same double, 17 digits here). */
  char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
  json_decref(line);
  if (!text) return;
  size_t n = strlen(text);
  text[n] = '\n'; /* json_dumps' NUL is replaced, and the line written by length */
  ssize_t wrote = write(STDERR_FILENO, text, n + 1);
  (void)wrote;
  free(text);
}

/* Answers the request, then counts it (http/prometheus.h) and logs it. */
static enum MHD_Result dispatch(struct fp_http_app *app, struct MHD_Connection *conn, struct conn_state *cs) {
  enum MHD_Result ret = answer(app, conn, cs);
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double seconds = (double)(now.tv_sec - cs->started.tv_sec) + (double)(now.tv_nsec - cs->started.tv_nsec) / 1e9;
  int status = ret == MHD_YES && cs->req.status ? cs->req.status : 500;
  const char *route = route_label(cs);
  fp_prom_request(route, cs->req.method, status, seconds);
  if (app->cfg.access_log) log_request(cs, route, status, seconds);
  return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
  (void)version;
  struct fp_http_app *app = cls;
  struct conn_state *cs = *con_cls;
  if (!cs) {
    cs = calloc(1, sizeof *cs);
    if (!cs) return MHD_NO;
    *con_cls = cs;
    atomic_fetch_add(&app->in_flight, 1); /* until on_completed */
    clock_gettime(CLOCK_MONOTONIC, &cs->started);
    struct fp_req *r = &cs->req;
    r->app = app;
    r->conn = conn;
    r->method = method;
    r->path = url;
    r->now = (fp_time)time(NULL);
    request_id_for(conn, r->request_id);
    client_addr(conn, r->client_addr, sizeof r->client_addr);
    cs->route = fp_route_match(method, url, r->params, &r->n_params, &cs->path_known);
    cs->max_body = cs->route && cs->route->max_body ? cs->route->max_body : FP_DEFAULT_MAX_BODY;
    cs->bad_framing = framing_problem(conn);
    if (cs->bad_framing) return dispatch(app, conn, cs); /* answer before reading any body */
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
      char *end = NULL;
      errno = 0;
      unsigned long long n = strtoull(cl, &end, 10);
      if (errno || !end || *end || n > cs->max_body) cs->too_big = true;
    }
    if (cs->too_big) return dispatch(app, conn, cs); /* answer before reading the body */
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    struct fp_req *r = &cs->req;
    if (!cs->too_big) {
      if (r->body_len + *upload_data_size > cs->max_body) {
        cs->too_big = true;
        free(r->body);
        r->body = NULL;
        r->body_len = 0;
      } else {
        if (r->body_len + *upload_data_size + 1 > cs->cap) {
          size_t cap = cs->cap ? cs->cap : 4096;
          while (cap < r->body_len + *upload_data_size + 1) cap *= 2;
          char *b = realloc(r->body, cap);
          if (!b) return MHD_NO;
          r->body = b;
          cs->cap = cap;
        }
        memcpy(r->body + r->body_len, upload_data, *upload_data_size);
        r->body_len += *upload_data_size;
        r->body[r->body_len] = 0;
      }
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  return dispatch(app, conn, cs);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  if (buf) buf[n] = 0;
  fclose(f);
  return buf;
}

static void log_mhd(void *cls, const char *fm, va_list ap) {
  (void)cls;
  fputs("libmicrohttpd: ", stderr);
  vfprintf(stderr, fm, ap);
}

int fp_listen_addr(const char *listen, const char *option, struct sockaddr_in *sa) {
  char host[256];
  const char *colon = strrchr(listen, ':');
  if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof host) {
    fprintf(stderr, "flexpool: %s must be ADDR:PORT, got '%s'\n", option, listen);
    return -1;
  }
  memcpy(host, listen, (size_t)(colon - listen));
  host[colon - listen] = 0;
  char *end = NULL;
  long p = strtol(colon + 1, &end, 10);
  if (*end || p < 0 || p > 65535) {
    fprintf(stderr, "flexpool: bad port in %s '%s'\n", option, listen);
    return -1;
  }
  memset(sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  sa->sin_port = htons((uint16_t)p);
  if (strcmp(host, "localhost") == 0) snprintf(host, sizeof host, "127.0.0.1");
  if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
    fprintf(stderr, "flexpool: %s needs an IPv4 address, got '%s'\n", option, host);
    return -1;
  }
  return 0;
}

struct fp_server *fp_server_start(struct fp_http_app *app, uint16_t *port) {
  struct sockaddr_in sa;
  if (fp_listen_addr(app->cfg.listen, "--listen", &sa) != 0) return NULL;
  char host[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &sa.sin_addr, host, sizeof host);
  uint16_t p = ntohs(sa.sin_port);
  bool loopback = (ntohl(sa.sin_addr.s_addr) >> 24) == 127;
  bool tls = app->cfg.tls_cert && app->cfg.tls_key;
  if (!tls && !loopback && !app->cfg.insecure_http) {
    fprintf(stderr, "flexpool: refusing plain HTTP on non-loopback address %s: give --tls-cert and --tls-key, "
                    "or --insecure-http behind a TLS proxy\n", host);
    return NULL;
  }
  struct fp_server *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->app = app;
  bool pool_mode = app->cfg.threads > 0;
  if (!(app->events = fp_events_start(app, pool_mode))) {
    fprintf(stderr, "flexpool: the live updates' thread did not start\n");
    free(s);
    return NULL;
  }
  /*
   * A thread per connection by default: handlers block (on the store's writer above all), and a
   * booking waiting for its commit must not hold up the other connections a pooled thread serves
   * (that, not the writer, was the booking benchmark's slow tail). --threads N: a pool of N threads
   * multiplexing every connection with epoll instead.
   */
  bool pool = app->cfg.threads > 0;
  /* MHD_USE_ITC: MHD_quiesce_daemon (fp_server_quiesce) needs it in these modes. */
  /* MHD_ALLOW_SUSPEND_RESUME: in the pool, a live stream with nothing to send is suspended so that it
     holds no thread (http/events.h); with a thread per connection its own thread waits instead. */
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC |
                   (pool ? MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME : MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL);
  if (tls) {
    s->cert = slurp(app->cfg.tls_cert);
    s->key = slurp(app->cfg.tls_key);
    if (!s->cert || !s->key) {
      fprintf(stderr, "flexpool: cannot read --tls-cert or --tls-key\n");
      fp_server_stop(s);
      return NULL;
    }
    flags |= MHD_USE_TLS;
  }
  struct MHD_OptionItem tls_opts[] = {
      {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->cert},
      {tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, s->key},
      {MHD_OPTION_END, 0, NULL},
  };
  struct MHD_OptionItem pool_opts[] = {
      {pool ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, pool ? app->cfg.threads : 0, NULL},
      {MHD_OPTION_END, 0, NULL},
  };
  s->daemon = MHD_start_daemon(flags, (uint16_t)p, NULL, NULL, on_request, app,
                               MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
                               MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                               MHD_OPTION_ARRAY, pool_opts,
                               MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
                               MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                               MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
                               MHD_OPTION_ARRAY, tls_opts,
                               MHD_OPTION_END);
  if (!s->daemon) {
    fprintf(stderr, "flexpool: cannot listen on %s\n", app->cfg.listen);
    fp_server_stop(s);
    return NULL;
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  *port = di ? di->port : (uint16_t)p;
  return s;
}

bool fp_server_quiesce(struct fp_server *s) {
  if (!s || !s->daemon) return false;
  atomic_store(&s->app->draining, true);
  fp_events_close_all(s->app->events); /* live streams end now: their clients reconnect elsewhere */
  /* MHD accepts no more connections and hands the listening socket back: closed, so a client
     connecting now is refused at once (and a load balancer sends it to another server). */
  MHD_socket fd = MHD_quiesce_daemon(s->daemon);
  if (fd == MHD_INVALID_SOCKET) {
    fprintf(stderr, "flexpool: could not stop accepting connections; stopping without draining\n");
    return false;
  }
  close(fd);
  return true;
}

int fp_server_in_flight(struct fp_server *s) { return s ? atomic_load(&s->app->in_flight) : 0; }

void fp_server_stop(struct fp_server *s) {
  if (!s) return;
  /* No stream may be waiting or suspended when the daemon stops (MHD requires every suspended
     connection resumed first); the streams' responses are freed while it stops, then the hub. */
  fp_events_close_all(s->app->events);
  if (s->daemon) MHD_stop_daemon(s->daemon);
  fp_events_free(s->app->events);
  s->app->events = NULL;
  free(s->cert);
  free(s->key);
  free(s);
}
