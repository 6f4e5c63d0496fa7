/* The fast JSON writer: exact output for the shapes the API sends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scalars),
      cmocka_unit_test(test_strings_are_escaped),
      cmocka_unit_test(test_containers_keep_order),
      cmocka_unit_test(test_round_trip_through_jansson),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
