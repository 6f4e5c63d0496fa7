/* The fast JSON writer: exact output for the shapes the API sends, written from a json_t or piece by
   piece (a shift, as shift search writes it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "http/codec.h"
#include "http/json_out.h"

static void expect(json_t *j, const char *want) {
  size_t len = 0;
  char *got = fp_json_dump(j, &len);
  assert_non_null(got);
  assert_string_equal(got, want);
  assert_int_equal(len, strlen(want));
  free(got);
  json_decref(j);
}

static void test_scalars(void **state) {
  (void)state;
  expect(json_integer(-42), "-42");
  expect(json_true(), "true");
  expect(json_false(), "false");
  expect(json_null(), "null");
  expect(json_real(2.5), "2.5");
  expect(json_real(3.0), "3.0");
  /* The shortest digits that read back as the same double: a rate to one decimal place is written
     as it is (jansson's %.17g would write 2.1000000000000001), and nothing is lost where it needs 17. */
  expect(json_real(2.1), "2.1");
  expect(json_real(42.9), "42.9");
  expect(json_real(0.1 + 0.2), "0.30000000000000004");
  expect(json_real(-53.8008), "-53.8008");
  expect(json_real(1e300), "1e+300");
}

static void test_strings_are_escaped(void **state) {
  (void)state;
  expect(json_string("plain"), "\"plain\"");
  expect(json_string("quote \" backslash \\ newline \n tab \t"), "\"quote \\\" backslash \\\\ newline \\n tab \\t\"");
  expect(json_stringn("a\0b", 3), "\"a\\u0000b\"");
  expect(json_string("\x01\x1f"), "\"\\u0001\\u001f\"");
  /* UTF-8 passes through as it is. */
  expect(json_string("caf\xc3\xa9 \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
  expect(json_string("</script>"), "\"</script>\"");
}

static void test_containers_keep_order(void **state) {
  (void)state;
  json_t *o = json_object();
  json_object_set_new(o, "id", json_integer(1));
  json_object_set_new(o, "items", json_pack("[i, s, {}]", 2, "x"));
  json_object_set_new(o, "next_cursor", json_null());
  expect(o, "{\"id\":1,\"items\":[2,\"x\",{}],\"next_cursor\":null}");
  expect(json_array(), "[]");
}

static void test_round_trip_through_jansson(void **state) {
  (void)state;
  const char *docs[] = {"{\"a\":[1,2.25,\"\\u00e9\",{\"b\":null}]}", "[\"\\\"\",\"\\\\\",\"\\/\"]", "-0.0", "1e+300"};
  for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
    json_t *j = json_loads(docs[i], JSON_DECODE_ANY, NULL);
    assert_non_null(j);
    size_t len;
    char *text = fp_json_dump(j, &len);
    json_t *back = json_loadb(text, len, JSON_DECODE_ANY, NULL);
    assert_true(json_equal(j, back));
    json_decref(back);
    json_decref(j);
    free(text);
  }
}

static void test_writer_pieces(void **state) {
  (void)state;
  struct fp_jw w = {0};
  fp_jw_lit(&w, "[");
  fp_jw_int(&w, 0);
  fp_jw_lit(&w, ",");
  fp_jw_int(&w, -7);
  fp_jw_lit(&w, ",");
  fp_jw_int(&w, INT64_MAX);
  fp_jw_lit(&w, ",");
  fp_jw_int(&w, INT64_MIN);
  fp_jw_lit(&w, ",");
  fp_jw_str(&w, NULL);
  fp_jw_lit(&w, ",");
  fp_jw_str(&w, "a \"b\"\n");
  fp_jw_lit(&w, ",");
  fp_jw_strn(&w, "x\0y", 3);
  fp_jw_lit(&w, ",");
  fp_jw_real(&w, 1.0);
  fp_jw_lit(&w, "]");
  size_t len = 0;
  char *text = fp_jw_take(&w, &len);
  assert_string_equal(text, "[0,-7,9223372036854775807,-9223372036854775808,null,\"a \\\"b\\\"\\n\",\"x\\u0000y\",1.0]");
  assert_int_equal(len, strlen(text));
  assert_null(w.p); /* taken: the writer is empty again */
  free(text);
  fp_jw_free(&w);
}

static void test_shift_text(void **state) {
  (void)state;
  struct fp_shift s;
  memset(&s, 0, sizeof s);
  s.id = 12;
  s.practice_id = 3;
  strcpy(s.role, "gp");
  s.starts_at = 1774774800; /* 2026-03-29T09:00:00Z */
  s.ends_at = 1774789200;
  s.break_minutes = 15;
  s.rate_pence = 9000;
  strcpy(s.rate_unit, "hour");
  s.hourly_pence = 9000;
  strcpy(s.booking_mode, "instant");
  strcpy(s.location_type, "site");
  strcpy(s.description, "Duty \"doctor\"\n\tcaf\xc3\xa9 \x01");
  strcpy(s.status, "open");
  strcpy(s.practice_name, "Park Lane Surgery");
  s.has_distance = true;
  s.distance_km = 2.34;
  s.created_at = s.updated_at = 1774700000;
  json_t *j = fp_json_shift(&s);
  assert_non_null(j);
  assert_int_equal(json_integer_value(json_object_get(j, "id")), 12);
  assert_string_equal(json_string_value(json_object_get(j, "description")), s.description);
  assert_string_equal(json_string_value(json_object_get(j, "starts_at")), "2026-03-29T09:00:00Z");
  assert_true(json_is_null(json_object_get(j, "series_id")));
  assert_true(json_is_null(json_object_get(j, "booking_id")));
  assert_true(json_is_null(json_object_get(json_object_get(j, "practice"), "postcode")));
  assert_string_equal(json_string_value(json_object_get(json_object_get(j, "practice"), "name")), "Park Lane Surgery");
  json_decref(j);
  /* Distances are written to one decimal place, exactly. */
  struct fp_jw w = {0};
  fp_jw_shift(&w, &s);
  size_t len = 0;
  char *text = fp_jw_take(&w, &len);
  assert_non_null(strstr(text, ",\"distance_km\":2.3,"));
  free(text);
  s.distance_km = 0.04;
  s.series_id = 5;
  fp_jw_shift(&w, &s);
  text = fp_jw_take(&w, &len);
  assert_non_null(strstr(text, ",\"distance_km\":0.0,"));
  assert_non_null(strstr(text, ",\"series_id\":5,"));
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scalars),
      cmocka_unit_test(test_strings_are_escaped),
      cmocka_unit_test(test_containers_keep_order),
      cmocka_unit_test(test_round_trip_through_jansson),
      cmocka_unit_test(test_writer_pieces),
      cmocka_unit_test(test_shift_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
