/* test_json_write.c — the JSON writer: escaping, commas and nesting in both layouts, the
 * numbers, and that what it writes is read back by the strict reader (json.h) as written. */
#include "tests/testutil.h"

#include <math.h>

#include "sim/output/json.h"
#include "sim/output/json_write.h"

static void test_escaping(void **state) {
  g_autoptr(GString) out = g_string_new(NULL);
  g_autoptr(SimJsonWriter) w = sim_jw_new(out);
  sim_jw_begin_array(w, NULL, SIM_JW_INLINE);
  sim_jw_string(w, NULL, "say \"hi\"");
  sim_jw_string(w, NULL, "C:\\dir\\");
  sim_jw_string(w, NULL, "a\nb\tc\rd\x01\x1f\x7f");
  sim_jw_string(w, NULL, "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80"); /* é → 😀 */
  sim_jw_string(w, NULL, "bad \xff byte");
  sim_jw_string(w, NULL, "");
  sim_jw_string(w, NULL, NULL);
  sim_jw_end_array(w);
  assert_string_equal(out->str, "[\"say \\\"hi\\\"\", \"C:\\\\dir\\\\\", \"a\\u000ab\\u0009c\\u000dd\\u0001\\u001f\x7f\", "
                                "\"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80\", \"bad \xef\xbf\xbd byte\", \"\", null]");
  /* keys are strings too */
  g_string_truncate(out, 0);
  sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
  sim_jw_int(w, "a\"b\\c\n", 1);
  sim_jw_end_object(w);
  assert_string_equal(out->str, "{\"a\\\"b\\\\c\\u000a\": 1}");
}

static void test_layouts(void **state) {
  g_autoptr(GString) out = g_string_new(NULL);
  g_autoptr(SimJsonWriter) w = sim_jw_new(out);
  sim_jw_begin_object(w, NULL, SIM_JW_LINES);
  sim_jw_string(w, "name", "x");
  sim_jw_begin_object(w, "inline", SIM_JW_INLINE);
  sim_jw_int(w, "a", 1);
  sim_jw_begin_array(w, "b", SIM_JW_INLINE);
  sim_jw_int(w, NULL, 2);
  sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
  sim_jw_end_object(w);
  sim_jw_begin_array(w, NULL, SIM_JW_INLINE);
  sim_jw_end_array(w);
  sim_jw_end_array(w);
  sim_jw_end_object(w);
  sim_jw_begin_array(w, "rows", SIM_JW_LINES);
  for (int i = 0; i < 2; i++) {
    sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
    sim_jw_int(w, "i", i);
    sim_jw_newline(w, 5);
    sim_jw_begin_array(w, "hang", SIM_JW_INLINE);
    for (int k = 0; k < i; k++) {
      sim_jw_newline(w, 7);
      sim_jw_int(w, NULL, k);
    }
    sim_jw_end_array(w);
    sim_jw_end_object(w);
  }
  sim_jw_end_array(w);
  sim_jw_begin_array(w, "empty", SIM_JW_LINES);
  sim_jw_end_array(w);
  sim_jw_begin_object(w, "nested", SIM_JW_LINES);
  sim_jw_begin_array(w, "deeper", SIM_JW_LINES);
  sim_jw_bool(w, NULL, TRUE);
  sim_jw_null(w, NULL);
  sim_jw_end_array(w);
  sim_jw_end_object(w);
  sim_jw_end_object(w);
  assert_string_equal(out->str, "{\n"
                                "  \"name\": \"x\",\n"
                                "  \"inline\": {\"a\": 1, \"b\": [2, {}, []]},\n"
                                "  \"rows\": [\n"
                                "    {\"i\": 0,\n"
                                "     \"hang\": []},\n"
                                "    {\"i\": 1,\n"
                                "     \"hang\": [\n"
                                "       0]}\n"
                                "  ],\n"
                                "  \"empty\": [\n"
                                "  ],\n"
                                "  \"nested\": {\n"
                                "    \"deeper\": [\n"
                                "      true,\n"
                                "      null\n"
                                "    ]\n"
                                "  }\n"
                                "}");
  /* a line break before the closing bracket; several top-level values (JSONL) */
  g_string_truncate(out, 0);
  sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
  sim_jw_string(w, "k", "v");
  sim_jw_newline(w, 0);
  sim_jw_begin_array(w, "events", SIM_JW_INLINE);
  for (int i = 0; i < 2; i++) {
    sim_jw_newline(w, 0);
    sim_jw_int(w, NULL, i);
  }
  sim_jw_newline(w, 0);
  sim_jw_end_array(w);
  sim_jw_end_object(w);
  g_string_append_c(out, '\n');
  sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
  sim_jw_end_object(w);
  assert_string_equal(out->str, "{\"k\": \"v\",\n\"events\": [\n0,\n1\n]}\n{}");
}

static void test_numbers(void **state) {
  g_autoptr(GString) out = g_string_new(NULL);
  g_autoptr(SimJsonWriter) w = sim_jw_new(out);
  sim_jw_begin_array(w, NULL, SIM_JW_INLINE);
  sim_jw_int(w, NULL, G_MININT64);
  sim_jw_int(w, NULL, G_MAXINT64);
  sim_jw_uint(w, NULL, G_MAXUINT64);
  sim_jw_double(w, NULL, 2.5, 0);
  sim_jw_double(w, NULL, 1234.56, 1);
  sim_jw_double(w, NULL, -0.125, 2);
  sim_jw_double(w, NULL, 3.0, 3);
  sim_jw_double(w, NULL, NAN, 1);
  sim_jw_double(w, NULL, INFINITY, 0);
  sim_jw_milli(w, NULL, 0);
  sim_jw_milli(w, NULL, 5);
  sim_jw_milli(w, NULL, -5);
  sim_jw_milli(w, NULL, 1234567);
  sim_jw_milli(w, NULL, G_MININT64);
  sim_jw_bool(w, NULL, FALSE);
  sim_jw_end_array(w);
  assert_string_equal(out->str, "[-9223372036854775808, 9223372036854775807, 18446744073709551615, 2, 1234.6, -0.12, "
                                "3.000, null, null, 0.000, 0.005, -0.005, 1234.567, -9223372036854775.808, false]");
}

/* Everything the writer can write, read back by the reader as the values it was given. */
static void test_round_trip(void **state) {
  static const char *const strings[] = {"plain", "q\"b\\s/", "\x01\x02\n\t\x1f", "caf\xc3\xa9 \xf0\x9f\x98\x80", ""};
  g_autoptr(GString) out = g_string_new(NULL);
  g_autoptr(SimJsonWriter) w = sim_jw_new(out);
  for (SimJwLayout layout = SIM_JW_INLINE; layout <= SIM_JW_LINES; layout++) {
    g_string_truncate(out, 0);
    sim_jw_begin_object(w, NULL, layout);
    sim_jw_begin_array(w, "strings", layout);
    for (guint i = 0; i < G_N_ELEMENTS(strings); i++) sim_jw_string(w, NULL, strings[i]);
    sim_jw_end_array(w);
    sim_jw_int(w, "min", G_MININT64);
    sim_jw_int(w, "max", G_MAXINT64);
    sim_jw_double(w, "d", -12.75, 2);
    sim_jw_milli(w, "us", -1234567);
    sim_jw_bool(w, "t", TRUE);
    sim_jw_bool(w, "f", FALSE);
    sim_jw_null(w, "n");
    sim_jw_begin_object(w, "o", layout);
    sim_jw_begin_object(w, "deep", layout);
    sim_jw_uint(w, "u", 7);
    sim_jw_end_object(w);
    sim_jw_newline(w, 3);
    sim_jw_begin_array(w, "empty", layout);
    sim_jw_end_array(w);
    sim_jw_end_object(w);
    sim_jw_end_object(w);

    g_autoptr(GError) err = NULL;
    g_autoptr(SimJson) j = sim_json_parse(out->str, out->len, &err);
    if (!j) fail_msg("%s\n%s", err->message, out->str);
    assert_int_equal(j->type, SIM_JSON_OBJECT);
    static const char *const keys[] = {"strings", "min", "max", "d", "us", "t", "f", "n", "o"};
    assert_int_equal(j->keys->len, G_N_ELEMENTS(keys));
    for (guint i = 0; i < G_N_ELEMENTS(keys); i++) assert_string_equal(j->keys->pdata[i], keys[i]);
    const SimJson *a = sim_json_get(j, "strings");
    assert_int_equal(a->items->len, G_N_ELEMENTS(strings));
    for (guint i = 0; i < G_N_ELEMENTS(strings); i++) {
      const SimJson *s = a->items->pdata[i];
      assert_int_equal(s->type, SIM_JSON_STRING);
      assert_string_equal(s->text, strings[i]);
    }
    int64_t v;
    assert_true(sim_json_int(sim_json_get(j, "min"), &v));
    assert_true(v == G_MININT64);
    assert_true(sim_json_int(sim_json_get(j, "max"), &v));
    assert_true(v == G_MAXINT64);
    assert_true(sim_json_double(sim_json_get(j, "d")) == -12.75);
    assert_true(sim_json_milli(sim_json_get(j, "us"), &v));
    assert_int_equal(v, -1234567);
    assert_true(sim_json_get(j, "t")->type == SIM_JSON_BOOL && sim_json_get(j, "t")->boolean);
    assert_true(sim_json_get(j, "f")->type == SIM_JSON_BOOL && !sim_json_get(j, "f")->boolean);
    assert_int_equal(sim_json_get(j, "n")->type, SIM_JSON_NULL);
    const SimJson *o = sim_json_get(j, "o");
    assert_true(sim_json_int(sim_json_get(sim_json_get(o, "deep"), "u"), &v));
    assert_int_equal(v, 7);
    assert_int_equal(sim_json_get(o, "empty")->type, SIM_JSON_ARRAY);
    assert_int_equal(sim_json_get(o, "empty")->items->len, 0);
  }
}

/* Every byte from 1 to 255 in one string: valid JSON, and the valid UTF-8 part unchanged. */
static void test_every_byte(void **state) {
  char all[256];
  for (int i = 1; i < 256; i++) all[i - 1] = (char)i;
  all[255] = '\0';
  g_autoptr(GString) out = g_string_new(NULL);
  g_autoptr(SimJsonWriter) w = sim_jw_new(out);
  sim_jw_string(w, NULL, all);
  g_autoptr(GError) err = NULL;
  g_autoptr(SimJson) j = sim_json_parse(out->str, out->len, &err);
  if (!j) fail_msg("%s", err->message);
  assert_int_equal(j->type, SIM_JSON_STRING);
  g_autofree char *valid = g_utf8_make_valid(all, -1);
  assert_string_equal(j->text, valid);
  assert_memory_equal(j->text, all, 127); /* ASCII passes through, control characters via escapes */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_escaping),   cmocka_unit_test(test_layouts),   cmocka_unit_test(test_numbers),
      cmocka_unit_test(test_round_trip), cmocka_unit_test(test_every_byte),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
