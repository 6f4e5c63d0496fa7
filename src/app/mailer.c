/* The email delivery worker. See mailer.h. */
#include "app/mailer.h"

#include <curl/curl.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "http/prometheus.h"
#include "app/outbox_worker.h"
#include "store/outbox.h"

/* Writes s into f with every control character (a CR or LF that would start a new header) as a space. */
static void put_header_text(FILE *f, const char *s) {
  for (; *s; s++) fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
}

/* A subject in UTF-8 as RFC 2047 base64 words when it is not plain ASCII. */
static void put_subject(FILE *f, const char *s) {
  bool ascii = true;
  for (const char *p = s; *p; p++)
    if ((unsigned char)*p >= 0x80) ascii = false;
  if (ascii) {
    put_header_text(f, s);
    return;
  }
  char clean[FP_MSG_SUBJECT_MAX + 1];
  snprintf(clean, sizeof clean, "%s", s);
  for (char *p = clean; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = ' ';
  char b64[sodium_base64_ENCODED_LEN(FP_MSG_SUBJECT_MAX, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, (const unsigned char *)clean, strlen(clean), sodium_base64_VARIANT_ORIGINAL);
  fprintf(f, "=?UTF-8?B?%s?=", b64);
}

/* The whole message, headers and body with CRLF line ends (libcurl escapes a leading dot). */
static char *compose(const struct fp_mailer_config *cfg, const struct fp_outbox_msg *msg, size_t *len) {
  char *text = NULL;
  FILE *f = open_memstream(&text, len);
  if (!f) return NULL;
  char date[64];
  struct tm tm;
  time_t created = (time_t)msg->created_at;
  gmtime_r(&created, &tm);
  strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  fprintf(f, "Date: %s\r\nFrom: flexpool <", date);
  put_header_text(f, cfg->mail_from);
  fputs(">\r\nTo: <", f);
  put_header_text(f, msg->to);
  fputs(">\r\nSubject: ", f);
  put_subject(f, msg->subject);
  fprintf(f, "\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
             "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n", msg->message_id);
  for (const char *p = msg->text; *p; p++) {
    if (*p == '\n') fputs("\r\n", f);
    else if (*p != '\r') fputc(*p, f);
  }
  if (msg->link[0]) fprintf(f, "\r\n\r\n%s%s", cfg->public_url, msg->link);
  fputs("\r\n", f);
  if (fclose(f) != 0) {
    free(text);
    return NULL;
  }
  return text;
}

struct upload {
  const char *data;
  size_t len, at;
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg) {
  struct upload *u = arg;
  size_t n = size * nitems;
  if (n > u->len - u->at) n = u->len - u->at;
  memcpy(buf, u->data + u->at, n);
  u->at += n;
  return n;
}

/* One delivery: 0 when the relay took it; otherwise *permanent when it refused it for good (5xx). */
static int deliver(struct fp_store *store, const void *config, const struct fp_outbox_msg *msg, const atomic_bool *quit,
    bool *permanent, char *detail, size_t dlen) {
  (void)store;
  const struct fp_mailer_config *cfg = config;
  *permanent = false;
  size_t len = 0;
  char *body = compose(cfg, msg, &len);
  if (!body) {
    snprintf(detail, dlen, "out of memory");
    return -1;
  }
  CURL *curl = curl_easy_init();
  if (!curl) {
    free(body);
    snprintf(detail, dlen, "libcurl could not start");
    return -1;
  }
  char from[300], to[300];
  snprintf(from, sizeof from, "<%s>", cfg->mail_from);
  snprintf(to, sizeof to, "<%s>", msg->to);
  struct curl_slist *rcpt = curl_slist_append(NULL, to);
  struct upload u = {body, len, 0};
  char err[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_URL, cfg->smtp_url);
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt(curl, CURLOPT_READDATA, &u);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)cfg->timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY); /* STARTTLS when the relay offers it */
  long code;
  CURLcode res = fp_outbox_worker_perform(curl, quit, &code);
  if (res == CURLE_OK) snprintf(detail, dlen, "accepted (%ld)", code);
  else {
    snprintf(detail, dlen, "%s (%ld): %s", curl_easy_strerror(res), code, err);
    *permanent = code >= 500 && code < 600;
  }
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  free(body);
  return res == CURLE_OK ? 0 : -1;
}

struct fp_outbox_worker *fp_mailer_start(struct fp_store *store, const struct fp_mailer_config *cfg) {
  struct fp_outbox_worker_ops ops = {
      FP_OUTBOX_EMAIL, "email", cfg->timeout_seconds * 2 + 10, deliver, fp_prom_mail_attempt, cfg, sizeof *cfg};
  return fp_outbox_worker_start(store, &ops);
}
