/* camguard - CgLadder: parsing, validation, printing, lookup, fitting
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <camguard.h>

static void
test_parse_default (void)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (CgLadder) l = cg_ladder_parse (CG_LADDER_DEFAULT, &err);
  g_autofree gchar *back = NULL;
  gint w, h;

  g_assert_no_error (err);
  g_assert_cmpuint (cg_ladder_get_n_rungs (l), ==, 3);
  g_assert_cmpstr (cg_ladder_get_rung_name (l, 0), ==, "2160p");
  g_assert_cmpstr (cg_ladder_get_rung_name (l, 2), ==, "720p");
  g_assert_cmpuint (cg_ladder_get_rung_bitrate (l, 0), ==, 16000);
  g_assert_cmpuint (cg_ladder_get_rung_bitrate (l, 1), ==, 6000);
  cg_ladder_get_rung_box (l, 1, &w, &h);
  g_assert_cmpint (w, ==, 0);
  g_assert_cmpint (h, ==, 1080);
  g_assert_cmpint (cg_ladder_find_rung (l, "1080p"), ==, 1);
  g_assert_cmpint (cg_ladder_find_rung (l, "480p"), ==, -1);
  back = cg_ladder_to_string (l);
  g_assert_cmpstr (back, ==, CG_LADDER_DEFAULT);
}

/* Both forms, blanks, upper-case P: printed back canonically, and what is
 * printed parses to the same ladder. */
static void
test_forms_round_trip (void)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (CgLadder) l = cg_ladder_parse (" uhd:3840x2160@16000, "
      "fhd:1920x1080@6000 ,720P:2500,sd:640x480@800", &err);
  g_autoptr (CgLadder) again = NULL;
  g_autofree gchar *s = NULL;
  g_autofree gchar *s2 = NULL;
  gint w, h;

  g_assert_no_error (err);
  g_assert_cmpuint (cg_ladder_get_n_rungs (l), ==, 4);
  cg_ladder_get_rung_box (l, 0, &w, &h);
  g_assert_cmpint (w, ==, 3840);
  g_assert_cmpint (h, ==, 2160);
  g_assert_cmpstr (cg_ladder_get_rung_name (l, 2), ==, "720P");
  s = cg_ladder_to_string (l);
  g_assert_cmpstr (s, ==, "uhd:3840x2160@16000,fhd:1920x1080@6000,"
      "720P:2500,sd:640x480@800");
  again = cg_ladder_parse (s, &err);
  g_assert_no_error (err);
  s2 = cg_ladder_to_string (again);
  g_assert_cmpstr (s2, ==, s);
}

/* Every malformed ladder is a VALIDATION_ERROR whose message says what is
 * wrong. */
static void
test_invalid (void)
{
  static const struct
  {
    const gchar *text;
    const gchar *says;
  } bad[] = {
    {"", "empty"},
    {"bogus", "expected NAME:WIDTHxHEIGHT@KBPS"},
    {"720p:", "bitrate '' is not"},
    {"720p:abc", "bitrate 'abc'"},
    {"a:10x@5", "width and height"},
    {"a:0x0@1", "width and height"},
    {"a:640x360@0", "bitrate '0'"},
    {"x:640x360", "shorthand names are NNNp"},
    {"a:640-360@800", "is not WIDTHxHEIGHT"},
    {"720p:2500,1080p:6000", "best to lowest"},
    {"720p:2500,720p:2500", "the same as the rung before"},
    {"720p:0", "bitrate '0'"},
    {"720p:10000001", "1..10000000 kbit/s"},
    {"99999p:100", "height must be"},
    {"1080q:6000", "shorthand names"},
    {"a:640x360@800,,b:320x180@300", "rung 2"},
    {"waytoolongstepnamewaytoolongstepname:640x360@800", "longer than 31"},
    {"16p:16,15p:15,14p:14,13p:13,12p:12,11p:11,10p:10,9p:9,8p:8,7p:7,"
          "6p:6,5p:5,4p:4,3p:3,2p:2,1p:1,1p:1", "more than 16 rungs"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) err = NULL;
    CgLadder *l = cg_ladder_parse (bad[i].text, &err);

    g_assert_null (l);
    g_assert_error (err, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR);
    if (!strstr (err->message, bad[i].says))
      g_error ("'%s': message '%s' does not say '%s'", bad[i].text,
          err->message, bad[i].says);
  }
  g_assert_null (cg_ladder_parse (NULL, NULL));
}

static void
test_check_index (void)
{
  g_autoptr (CgLadder) l = cg_ladder_parse (CG_LADDER_DEFAULT, NULL);
  g_autoptr (GError) err = NULL;

  g_assert_true (cg_ladder_check_index (l, 0, NULL));
  g_assert_true (cg_ladder_check_index (l, 2, NULL));
  g_assert_false (cg_ladder_check_index (l, 5, &err));
  g_assert_error (err, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR);
  g_assert_nonnull (strstr (err->message, "0..2"));
  g_assert_nonnull (strstr (err->message, "step 5"));
  g_assert_false (cg_ladder_check_index (l, -1, NULL));
}

static void
assert_fit (const gchar * text, guint index, gint in_w, gint in_h,
    gboolean usable, gint ew, gint eh)
{
  g_autoptr (CgLadder) l = cg_ladder_parse (text, NULL);
  gint w = -1, h = -1;

  g_assert_nonnull (l);
  g_assert_cmpint (cg_ladder_resolve_rung (l, index, in_w, in_h, &w, &h), ==,
      usable);
  g_assert_cmpint (w, ==, ew);
  g_assert_cmpint (h, ==, eh);
}

/* Rungs fitted to the input: aspect ratio kept, no upscaling, the lowest
 * rung at the input size when everything would upscale. */
static void
test_resolve (void)
{
  const gchar *d = CG_LADDER_DEFAULT;

  /* 4K input */
  assert_fit (d, 0, 3840, 2160, TRUE, 3840, 2160);
  assert_fit (d, 2, 3840, 2160, TRUE, 1280, 720);
  /* 1080p input: 2160p would upscale */
  assert_fit (d, 0, 1920, 1080, FALSE, 3840, 2160);
  assert_fit (d, 1, 1920, 1080, TRUE, 1920, 1080);
  /* 4:3 input keeps its aspect ratio */
  assert_fit (d, 2, 1440, 1080, TRUE, 960, 720);
  /* smaller than every rung: the lowest at the input size */
  assert_fit (d, 0, 640, 360, FALSE, 3840, 2160);
  assert_fit (d, 2, 640, 360, TRUE, 640, 360);
  /* a box narrower than the aspect ratio */
  assert_fit ("a:1920x1080@6000,b:480x480@1000", 1, 1920, 1080, TRUE, 480, 270);
  /* no input yet: the box */
  assert_fit ("a:1920x1080@6000,b:480x480@1000", 1, 0, 0, TRUE, 480, 480);
  assert_fit (d, 1, 0, 0, TRUE, 0, 1080);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ladder/parse-default", test_parse_default);
  g_test_add_func ("/ladder/forms-round-trip", test_forms_round_trip);
  g_test_add_func ("/ladder/invalid", test_invalid);
  g_test_add_func ("/ladder/check-index", test_check_index);
  g_test_add_func ("/ladder/resolve", test_resolve);
  return g_test_run ();
}
