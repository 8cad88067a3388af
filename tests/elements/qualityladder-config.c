/* camguard - qualityladder tests: configuration and validation (GstHarness +
 * GstTestClock)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cg-details.h"
#include "cg-error.h"
#include "qualityladder-harness.h"

/* Each encoder gets the bitrate in its own unit. */
static void
check_units (const gchar * encoder, const gchar * prop, gint64 top, gint64 low)
{
  Ctx c;
  GstElement *enc;
  GValue v = G_VALUE_INIT;
  gboolean ok;

  if (!have_factory (encoder)) {
    GST_WARNING ("%s not installed, skipped", encoder);
    return;
  }
  ctx_init (&c, encoder, "mode=manual");
  enc = gst_bin_get_by_name (GST_BIN (c.ladder), "encoder");
  run_ticks (&c, 1, 1);
  g_value_init (&v, G_TYPE_INT64);
  {
    GValue raw = G_VALUE_INIT;
    g_object_get_property (G_OBJECT (enc), prop, &raw);
    fail_unless (g_value_transform (&raw, &v));
    g_value_unset (&raw);
  }
  fail_unless_equals_int64 (g_value_get_int64 (&v), top);
  g_signal_emit_by_name (c.ladder, "set-step", 1, &ok);
  fail_unless (ok);
  push_frame (&c);
  fail_unless_equals_int (current_step (&c), 1);
  {
    GValue raw = G_VALUE_INIT;
    g_object_get_property (G_OBJECT (enc), prop, &raw);
    fail_unless (g_value_transform (&raw, &v));
    g_value_unset (&raw);
  }
  fail_unless_equals_int64 (g_value_get_int64 (&v), low);
  fail_unless (c.last_keyframe);
  g_value_unset (&v);
  gst_object_unref (enc);
  ctx_clear (&c);
}

GST_START_TEST (test_bitrate_units)
{
  check_units ("x264enc", "bitrate", 800, 300);
  check_units ("openh264enc", "bitrate", 800000, 300000);
  check_units ("vp8enc", "target-bitrate", 800000, 300000);
  check_units ("x265enc", "bitrate", 800, 300);
}

GST_END_TEST;

GST_START_TEST (test_jpegenc_quality_follows_bitrate)
{
  Ctx c;
  GstElement *enc;
  gint q_top, q_low;
  gboolean ok;

  if (!have_factory ("jpegenc"))
    return;
  ctx_init (&c, "jpegenc", "mode=manual ladder=a:640x360@40000,b:320x180@500");
  enc = gst_bin_get_by_name (GST_BIN (c.ladder), "encoder");
  run_ticks (&c, 1, 1);
  g_object_get (enc, "quality", &q_top, NULL);
  g_signal_emit_by_name (c.ladder, "set-step", 1, &ok);
  push_frame (&c);
  g_object_get (enc, "quality", &q_low, NULL);
  /* 40 Mbit/s at 640x360@10 is ~17 bit/pixel: the top quality; 500 kbit/s at
   * 320x180@10 is ~0.87 bit/pixel */
  fail_unless_equals_int (q_top, 95);
  fail_unless (q_low > 5 && q_low < q_top);
  gst_object_unref (enc);
  ctx_clear (&c);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* the ladder (its grammar and fitting are tested in test-ladder.c)         */

GST_START_TEST (test_ladder_property_and_stats)
{
  GstElement *el = gst_element_factory_make ("qualityladder", NULL);
  gchar *str;
  GstStructure *stats, *per;
  guint64 t;

  /* default: 4K / 1080p / 720p */
  g_object_get (el, "ladder", &str, NULL);
  fail_unless_equals_string (str, "2160p:16000,1080p:6000,720p:2500");
  g_free (str);
  g_object_get (el, "statistics", &stats, NULL);
  fail_unless (gst_structure_has_name (stats, "camguard-qualityladder-stats"));
  fail_unless (gst_structure_get (stats, "time-per-step", GST_TYPE_STRUCTURE,
          &per, NULL));
  fail_unless (gst_structure_get_uint64 (per, "2160p", &t));
  fail_unless (gst_structure_get_uint64 (per, "1080p", &t));
  fail_unless (gst_structure_get_uint64 (per, "720p", &t));
  fail_unless_equals_int (gst_structure_n_fields (per), 3);
  gst_structure_free (per);
  gst_structure_free (stats);

  /* read back as cg_ladder_to_string() prints it */
  g_object_set (el, "ladder", "uhd:3840x2160@16000, fhd:1920x1080@6000,"
      "hd:1280x720@2500,sd:640x480@800", NULL);
  g_object_get (el, "ladder", &str, NULL);
  fail_unless_equals_string (str, "uhd:3840x2160@16000,fhd:1920x1080@6000,"
      "hd:1280x720@2500,sd:640x480@800");
  g_free (str);
  gst_object_unref (el);
}

GST_END_TEST;

/* A bounding-box step narrower than the input's aspect ratio: the encoded
 * frames keep the aspect ratio inside the box. */
GST_START_TEST (test_step_fitted_to_input)
{
  Ctx c;
  gboolean ok;
  gint w, h;

  ctx_init (&c, "x264enc", "mode=manual ladder=a:640x360@800,b:240x240@300");
  run_ticks (&c, 1, 1);
  g_signal_emit_by_name (c.ladder, "set-step", 1, &ok);
  fail_unless (ok);
  push_frame (&c);
  fail_unless_equals_int (current_step (&c), 1);
  last_size (&c, &w, &h);
  fail_unless_equals_int (w, 240);
  fail_unless_equals_int (h, 136);
  ctx_clear (&c);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* bad input                                                                */

GST_START_TEST (test_bad_ladder_rejected)
{
  const gchar *bad[] = { "", "bogus", "720p:", "720p:abc", "a:10x@5",
    "a:0x0@1", "x:640x360", "720p:2500,1080p:6000", "720p:0",
    "1080q:6000", "a:640x360@800,,b:320x180@300",
    "waytoolongstepnamewaytoolongstepname:640x360@800",
  };
  Ctx c;
  guint i;
  gchar *str;

  ctx_init (&c, "x264enc", NULL);
  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    GstStructure *d;

    g_object_set (c.ladder, "ladder", bad[i], NULL);
    g_object_get (c.ladder, "ladder", &str, NULL);
    fail_unless_equals_string (str, SMALL_LADDER);
    g_free (str);
    d = pop_warning_details (&c);
    fail_unless (d != NULL, "no warning for '%s'", bad[i]);
    assert_code (d, CG_CODE_VALIDATION_ERROR);
    fail_unless_equals_string (gst_structure_get_string (d, "property"),
        "ladder");
    fail_unless_equals_string (gst_structure_get_string (d, "value"), bad[i]);
    gst_structure_free (d);
  }
  /* still streaming at the old ladder */
  run_ticks (&c, 1, 1);
  fail_unless_equals_int (current_step (&c), 0);
  /* a valid ladder replaces it live */
  g_object_set (c.ladder, "ladder", "a:640x360@700,b:320x180@200", NULL);
  g_object_get (c.ladder, "ladder", &str, NULL);
  fail_unless_equals_string (str, "a:640x360@700,b:320x180@200");
  g_free (str);
  ctx_clear (&c);
}

GST_END_TEST;

static GstMessage *
start_with (const gchar * desc, GstStateChangeReturn * ret)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstBus *bus;
  GstMessage *m;

  fail_unless (pipe != NULL);
  fail_unless (err == NULL);
  *ret = gst_element_set_state (pipe, GST_STATE_PAUSED);
  bus = gst_element_get_bus (pipe);
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  gst_object_unref (bus);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  return m;
}

GST_START_TEST (test_bad_config_fails_at_start)
{
  GstStateChangeReturn ret;
  GstMessage *m;
  const GstStructure *d;
  GError *err;

  m = start_with ("videotestsrc num-buffers=1 ! qualityladder ladder=720p:x ! "
      "fakesink", &ret);
  fail_unless_equals_int (ret, GST_STATE_CHANGE_FAILURE);
  fail_unless (m != NULL);
  gst_message_parse_error (m, &err, NULL);
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS));
  g_error_free (err);
  gst_message_parse_error_details (m, &d);
  fail_unless (d != NULL);
  assert_code (d, CG_CODE_VALIDATION_ERROR);
  gst_message_unref (m);

  m = start_with ("videotestsrc num-buffers=1 ! qualityladder "
      "encoder=avenc_mpeg4 ! fakesink", &ret);
  fail_unless_equals_int (ret, GST_STATE_CHANGE_FAILURE);
  fail_unless (m != NULL);
  gst_message_parse_error_details (m, &d);
  fail_unless (d != NULL);
  assert_code (d, CG_CODE_VALIDATION_ERROR);
  gst_message_unref (m);

  /* a later valid value clears the error */
  m = start_with ("videotestsrc num-buffers=1 ! qualityladder ladder=720p:x "
      "ladder=720p:2500 ! fakesink", &ret);
  fail_unless (ret != GST_STATE_CHANGE_FAILURE);
  fail_unless (m == NULL);
}

GST_END_TEST;

GST_START_TEST (test_unsupported_encoder_rejected)
{
  Ctx c;
  GstStructure *d;
  gchar *str;
  GstElement *enc;

  ctx_init (&c, "x264enc", NULL);
  /* not in NULL/READY any more */
  g_object_set (c.ladder, "encoder", "vp8enc", NULL);
  d = pop_warning_details (&c);
  fail_unless (d != NULL);
  fail_unless_equals_string (gst_structure_get_string (d, "property"),
      "encoder");
  gst_structure_free (d);
  g_object_get (c.ladder, "encoder", &str, NULL);
  fail_unless_equals_string (str, "x264enc");
  g_free (str);
  ctx_clear (&c);

  enc = gst_element_factory_make ("qualityladder", NULL);
  {
    GstBus *bus = gst_bus_new ();
    gst_element_set_bus (enc, bus);
    g_object_set (enc, "encoder", "avenc_mpeg4", NULL);
    g_object_get (enc, "encoder", &str, NULL);
    fail_unless_equals_string (str, "x264enc");
    g_free (str);
    {
      GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
      const GstStructure *dd;
      GError *err;
      gchar *dbg;

      fail_unless (m != NULL);
      gst_message_parse_warning (m, &err, &dbg);
      fail_unless (strstr (dbg, "not supported") != NULL);
      fail_unless (strstr (dbg, "openh264enc") != NULL);
      g_error_free (err);
      g_free (dbg);
      gst_message_parse_warning_details (m, &dd);
      assert_code (dd, CG_CODE_VALIDATION_ERROR);
      gst_message_unref (m);
    }
    gst_element_set_bus (enc, NULL);
    gst_object_unref (bus);
  }
  gst_object_unref (enc);
}

GST_END_TEST;

GST_START_TEST (test_step_out_of_range)
{
  Ctx c;
  gboolean ok = TRUE;
  GstStructure *d;
  gint s;

  ctx_init (&c, "x264enc", "mode=manual");
  run_ticks (&c, 1, 1);
  g_signal_emit_by_name (c.ladder, "set-step", 3, &ok);
  fail_if (ok);
  d = pop_warning_details (&c);
  fail_unless (d != NULL);
  assert_code (d, CG_CODE_VALIDATION_ERROR);
  fail_unless_equals_string (gst_structure_get_string (d, "property"), "step");
  fail_unless_equals_string (gst_structure_get_string (d, "value"), "3");
  fail_unless (strstr (gst_structure_get_string (d, "problem"), "0..2"));
  gst_structure_free (d);
  g_signal_emit_by_name (c.ladder, "set-step", -1, &ok);
  fail_if (ok);
  d = pop_warning_details (&c);
  fail_unless (d != NULL);
  gst_structure_free (d);
  g_object_set (c.ladder, "step", 100, NULL);
  d = pop_warning_details (&c);
  fail_unless (d != NULL);
  gst_structure_free (d);
  g_object_get (c.ladder, "step", &s, NULL);
  fail_unless_equals_int (s, 0);
  push_frame (&c);
  fail_unless_equals_int (current_step (&c), 0);
  ctx_clear (&c);
}

GST_END_TEST;

/* step=5 on a 3-rung ladder from a launch line, whose warning has no bus
 * yet: the start fails with the VALIDATION_ERROR naming the range instead
 * of running silently at another step. */
GST_START_TEST (test_step_out_of_range_fails_start)
{
  GstStateChangeReturn ret;
  GstMessage *m;
  const GstStructure *d;

  m = start_with ("videotestsrc num-buffers=1 ! qualityladder step=5 ! "
      "fakesink", &ret);
  fail_unless_equals_int (ret, GST_STATE_CHANGE_FAILURE);
  fail_unless (m != NULL);
  gst_message_parse_error_details (m, &d);
  assert_code (d, CG_CODE_VALIDATION_ERROR);
  fail_unless_equals_string (gst_structure_get_string (d, "property"), "step");
  fail_unless_equals_string (gst_structure_get_string (d, "value"), "5");
  fail_unless (strstr (gst_structure_get_string (d, "problem"), "0..2"));
  gst_message_unref (m);

  /* a later valid step clears it */
  m = start_with ("videotestsrc num-buffers=1 ! qualityladder step=5 step=1 "
      "! fakesink", &ret);
  fail_unless (ret != GST_STATE_CHANGE_FAILURE);
  fail_unless (m == NULL);
}

GST_END_TEST;

/* A new ladder with fewer rungs than the requested step: the step moves to
 * its lowest rung, with a warning, not silently. */
GST_START_TEST (test_ladder_shrink_warns_about_step)
{
  Ctx c;
  GstStructure *d;
  gint s;

  ctx_init (&c, "x264enc", "mode=manual step=2");
  run_ticks (&c, 1, 1);
  fail_unless_equals_int (current_step (&c), 2);
  g_object_set (c.ladder, "ladder", "360p:800,180p:300", NULL);
  d = pop_warning_details (&c);
  fail_unless (d != NULL);
  assert_code (d, CG_CODE_VALIDATION_ERROR);
  fail_unless_equals_string (gst_structure_get_string (d, "property"), "step");
  fail_unless (strstr (gst_structure_get_string (d, "problem"), "0..1"));
  gst_structure_free (d);
  g_object_get (c.ladder, "step", &s, NULL);
  fail_unless_equals_int (s, 1);
  push_frame (&c);
  fail_unless_equals_int (current_step (&c), 1);
  ctx_clear (&c);
}

GST_END_TEST;

/* A property that only takes effect at start is refused while PLAYING,
 * with a warning naming it. */
GST_START_TEST (test_ready_only_refused_when_playing)
{
  Ctx c;
  GstStructure *d;
  guint k;

  ctx_init (&c, "x264enc", NULL);
  run_ticks (&c, 1, 1);
  g_object_set (c.ladder, "key-int-max", 5, NULL);
  d = pop_warning_details (&c);
  fail_unless (d != NULL);
  assert_code (d, CG_CODE_VALIDATION_ERROR);
  fail_unless_equals_string (gst_structure_get_string (d, "property"),
      "key-int-max");
  gst_structure_free (d);
  g_object_get (c.ladder, "key-int-max", &k, NULL);
  fail_unless_equals_int (k, 1000);
  ctx_clear (&c);
}

GST_END_TEST;

static Suite *
qualityladder_config_suite (void)
{
  Suite *s = suite_create ("qualityladder-config");
  TCase *tc = tcase_create ("config");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_bitrate_units);
  tcase_add_test (tc, test_jpegenc_quality_follows_bitrate);
  tcase_add_test (tc, test_ladder_property_and_stats);
  tcase_add_test (tc, test_step_fitted_to_input);
  tcase_add_test (tc, test_bad_ladder_rejected);
  tcase_add_test (tc, test_bad_config_fails_at_start);
  tcase_add_test (tc, test_unsupported_encoder_rejected);
  tcase_add_test (tc, test_step_out_of_range);
  tcase_add_test (tc, test_step_out_of_range_fails_start);
  tcase_add_test (tc, test_ladder_shrink_warns_about_step);
  tcase_add_test (tc, test_ready_only_refused_when_playing);
  return s;
}

GST_CHECK_MAIN (qualityladder_config);
