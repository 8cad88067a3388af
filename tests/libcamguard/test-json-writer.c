/* camguard - CgJsonWriter: the text it writes, against json-glib's own
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>
#include <camguard.h>

/* json-glib's generator on @node: what the writer must match (compact). */
static gchar *
generated (JsonNode * node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

/* A tree with every kind of value, nesting and awkward strings. */
static JsonNode *
make_tree (void)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "door");
  json_builder_set_member_name (b, "quote\"d\\name");
  json_builder_add_string_value (b, "a\"b\\c\n\t\r\b\f\x01\x7f/é✓");
  json_builder_set_member_name (b, "ints");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, 0);
  json_builder_add_int_value (b, -1);
  json_builder_add_int_value (b, G_MAXINT64);
  json_builder_add_int_value (b, G_MININT64);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "doubles");
  json_builder_begin_array (b);
  json_builder_add_double_value (b, 0.0);
  json_builder_add_double_value (b, 15.0);
  json_builder_add_double_value (b, 0.085469);
  json_builder_add_double_value (b, 1.0 / 3);
  json_builder_add_double_value (b, -2.5e-7);
  json_builder_add_double_value (b, -0.0);
  json_builder_add_double_value (b, -42.0);
  json_builder_add_double_value (b, 123456789012345.0);
  json_builder_add_double_value (b, 1e15);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "nested");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "empty_object");
  json_builder_begin_object (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "empty_array");
  json_builder_begin_array (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "t");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "f");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "n");
  json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* A tree written out is json-glib's text, byte for byte. */
static void
test_node_matches_generator (void)
{
  g_autoptr (JsonNode) tree = make_tree ();
  g_autofree gchar *ours = cg_json_to_string (tree, FALSE);
  g_autofree gchar *theirs = generated (tree);

  g_assert_cmpstr (ours, ==, theirs);
}

/* The same document written call by call is the same text. */
static void
test_calls_match_generator (void)
{
  g_autoptr (JsonNode) tree = make_tree ();
  g_autofree gchar *theirs = generated (tree);
  CgJsonWriter *w = cg_json_writer_new ();
  g_autofree gchar *ours = NULL;

  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "id", "door");
  cg_json_writer_member_string (w, "quote\"d\\name",
      "a\"b\\c\n\t\r\b\f\x01\x7f/é✓");
  cg_json_writer_member (w, "ints");
  cg_json_writer_begin_array (w);
  cg_json_writer_int (w, 0);
  cg_json_writer_int (w, -1);
  cg_json_writer_int (w, G_MAXINT64);
  cg_json_writer_int (w, G_MININT64);
  cg_json_writer_end_array (w);
  cg_json_writer_member (w, "doubles");
  cg_json_writer_begin_array (w);
  cg_json_writer_double (w, 0.0);
  cg_json_writer_double (w, 15.0);
  cg_json_writer_double (w, 0.085469);
  cg_json_writer_double (w, 1.0 / 3);
  cg_json_writer_double (w, -2.5e-7);
  cg_json_writer_double (w, -0.0);
  cg_json_writer_double (w, -42.0);
  cg_json_writer_double (w, 123456789012345.0);
  cg_json_writer_double (w, 1e15);
  cg_json_writer_end_array (w);
  cg_json_writer_member (w, "nested");
  cg_json_writer_begin_object (w);
  cg_json_writer_member (w, "empty_object");
  cg_json_writer_begin_object (w);
  cg_json_writer_end_object (w);
  cg_json_writer_member (w, "empty_array");
  cg_json_writer_begin_array (w);
  cg_json_writer_end_array (w);
  cg_json_writer_member_boolean (w, "t", TRUE);
  cg_json_writer_member_boolean (w, "f", FALSE);
  cg_json_writer_member_null (w, "n");
  cg_json_writer_end_object (w);
  cg_json_writer_end_object (w);
  ours = cg_json_writer_free_to_string (w, NULL);
  g_assert_cmpstr (ours, ==, theirs);
}

/* Pretty text parses back to the same tree. */
static void
test_pretty_round_trip (void)
{
  g_autoptr (JsonNode) tree = make_tree ();
  g_autofree gchar *pretty = cg_json_to_string (tree, TRUE);
  g_autoptr (JsonNode) back = json_from_string (pretty, NULL);

  g_assert_nonnull (back);
  g_assert_true (json_node_equal (tree, back));
  g_assert_nonnull (strstr (pretty, "\n  \"id\": \"door\",\n"));
  g_assert_nonnull (strstr (pretty, "\"empty_object\": {}"));
}

/* What JSON cannot carry: NaN and infinities are null, a double that
 * g_ascii_dtostr writes with an exponent gets no ".0" after it (json-glib
 * 1.6 writes "1e+20.0"), invalid UTF-8 is made valid. */
static void
test_edges (void)
{
  CgJsonWriter *w = cg_json_writer_new ();
  g_autofree gchar *text = NULL;
  g_autoptr (JsonNode) back = NULL;
  JsonArray *a;

  cg_json_writer_begin_array (w);
  cg_json_writer_double (w, NAN);
  cg_json_writer_double (w, INFINITY);
  cg_json_writer_double (w, 1e20);
  cg_json_writer_string (w, "bad \xff\xfe utf8");
  cg_json_writer_string (w, NULL);
  cg_json_writer_node (w, NULL);
  cg_json_writer_string (w, "\x1f");    /* json-glib 1.6 leaves it raw */
  cg_json_writer_raw (w, "{\"pre\":1}");
  cg_json_writer_end_array (w);
  text = cg_json_writer_free_to_string (w, NULL);
  g_assert_true (g_str_has_prefix (text, "[null,null,1e+20,\"bad "));
  g_assert_true (g_str_has_suffix (text,
          " utf8\",null,null,\"\\u001f\",{\"pre\":1}]"));
  back = json_from_string (text, NULL);
  g_assert_nonnull (back);
  a = json_node_get_array (back);
  g_assert_cmpfloat (json_array_get_double_element (a, 2), ==, 1e20);
  g_assert_true (g_utf8_validate (json_array_get_string_element (a, 3), -1,
          NULL));
}

/* Rounded doubles: the digits asked for, no trailing zeros, a fraction
 * always; no "-0.0"; too large for it: the exact form. */
static void
test_rounded (void)
{
  static const struct
  {
    gdouble v;
    guint decimals;
    const gchar *text;
  } cases[] = {
    {0.085469000000000003, 3, "0.085"},
    {15.0, 2, "15.0"},
    {14.996, 2, "15.0"},
    {14.994, 2, "14.99"},
    {0.0, 3, "0.0"},
    {-0.0001, 3, "0.0"},
    {-2.5, 1, "-2.5"},
    {1234.5678, 0, "1235.0"},
    {0.1, 9, "0.1"},
    {1e300, 3, "1.0000000000000001e+300"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    CgJsonWriter *w = cg_json_writer_new ();
    g_autofree gchar *text = NULL;

    cg_json_writer_double_rounded (w, cases[i].v, cases[i].decimals);
    text = cg_json_writer_free_to_string (w, NULL);
    g_assert_cmpstr (text, ==, cases[i].text);
  }
}

/* Misuse is reported and changes nothing. */
static void
test_misuse (void)
{
  if (g_test_subprocess ()) {
    CgJsonWriter *w = cg_json_writer_new ();

    cg_json_writer_begin_object (w);
    cg_json_writer_int (w, 1);  /* a value without a member name */
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*without a member name*");
}

static void
test_misuse_recovers (void)
{
  CgJsonWriter *w = cg_json_writer_new ();
  g_autofree gchar *text = NULL;

  cg_json_writer_begin_object (w);
  g_test_expect_message ("camguard", G_LOG_LEVEL_CRITICAL,
      "*end of an array out of place*");
  cg_json_writer_end_array (w);
  g_test_assert_expected_messages ();
  cg_json_writer_member_int (w, "a", 1);
  cg_json_writer_end_object (w);
  text = cg_json_writer_free_to_string (w, NULL);
  g_assert_cmpstr (text, ==, "{\"a\":1}");
}

/* free_to_node parses what was written; the log escaper is the same. */
static void
test_to_node_and_append (void)
{
  CgJsonWriter *w = cg_json_writer_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GString) s = g_string_new (NULL);

  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "k", "v");
  cg_json_writer_end_object (w);
  node = cg_json_writer_free_to_node (w);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object
          (node), "k"), ==, "v");
  cg_json_append_string (s, "x\"\n");
  g_assert_cmpstr (s->str, ==, "\"x\\\"\\n\"");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-writer/node-matches-generator",
      test_node_matches_generator);
  g_test_add_func ("/json-writer/calls-match-generator",
      test_calls_match_generator);
  g_test_add_func ("/json-writer/pretty-round-trip", test_pretty_round_trip);
  g_test_add_func ("/json-writer/edges", test_edges);
  g_test_add_func ("/json-writer/rounded", test_rounded);
  g_test_add_func ("/json-writer/misuse", test_misuse);
  g_test_add_func ("/json-writer/misuse-recovers", test_misuse_recovers);
  g_test_add_func ("/json-writer/to-node-and-append", test_to_node_and_append);
  return g_test_run ();
}
