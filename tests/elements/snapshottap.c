/* camguard - snapshottap tests: snapshots of raw frames, requests and
 * properties (GstHarness)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *
 * Frames carry their identity in their luma: frame n of a test is a flat
 * picture of value 16 + 4n. A snapshot is decoded back with TurboJPEG and
 * its mean luma says which frame it shows.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/video/video.h>

#include "cgsnapshottap.h"
#include "snapshottap-harness.h"


GST_START_TEST (test_passthrough_exact)
{
  GstElement *tap;
  GstHarness *h = raw_harness ("snapshottap", &tap);
  GstBuffer *in, *out, *in2, *out2;
  GstCaps *caps;

  in = make_frame (W, H, 0);
  gst_buffer_ref (in);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  out = gst_harness_pull (h);
  /* the very same buffer, not a copy */
  fail_unless (out == in);
  /* ours, the pulled one, and the tap's hold */
  fail_unless_equals_int (GST_MINI_OBJECT_REFCOUNT_VALUE (in), 3);

  in2 = make_frame (W, H, 1);
  fail_unless_equals_int (gst_harness_push (h, in2), GST_FLOW_OK);
  out2 = gst_harness_pull (h);
  fail_unless (out2 == in2);
  /* the tap let go of the first frame when the second came */
  fail_unless_equals_int (GST_MINI_OBJECT_REFCOUNT_VALUE (in), 2);

  caps = gst_pad_get_current_caps (h->sinkpad);
  {
    GstCaps *expected = gst_caps_from_string (RAW_CAPS);

    fail_unless (gst_caps_is_equal (caps, expected));
    gst_caps_unref (expected);
  }
  gst_caps_unref (caps);

  gst_buffer_unref (out);
  gst_buffer_unref (out2);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_shows_nth_frame)
{
  GstElement *tap;
  GstHarness *h = raw_harness ("snapshottap max-age=0", &tap);
  GstSample *sample;
  guint n;

  for (n = 0; n < 10; n++) {
    fail_unless_equals_int (gst_harness_push (h, make_frame (W, H, n)),
        GST_FLOW_OK);
    gst_buffer_unref (gst_harness_pull (h));
  }
  sample = snapshot (tap, "image/jpeg", 0, 0);
  assert_shows (sample, 9, W, H);
  fail_unless_equals_uint64 (info_u64 (sample, "pts"), 9 * FRAME);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (gst_sample_get_buffer (sample)),
      9 * FRAME);
  fail_unless_equals_string (info_str (sample, "origin"), "frame");
  gst_sample_unref (sample);

  /* one more frame: the next snapshot follows it */
  gst_harness_push (h, make_frame (W, H, 10));
  sample = snapshot (tap, NULL, 0, 0);
  assert_shows (sample, 10, W, H);
  gst_sample_unref (sample);

  fail_unless_equals_uint64 (stat_u64 (tap, "snapshots-served"), 2);
  fail_unless_equals_uint64 (stat_u64 (tap, "frames-held"), 1);
  fail_unless_equals_uint64 (stat_u64 (tap, "frames-received"), 11);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_scaled_and_png)
{
  GstElement *tap;
  GstHarness *h = raw_harness ("snapshottap max-age=0", &tap);
  GstSample *sample;
  GstMapInfo map;
  gint w, hh;

  gst_harness_push (h, make_frame (W, H, 5));
  sample = snapshot (tap, "image/jpeg", 160, 0);
  assert_shows (sample, 5, 160, 120);
  gst_sample_unref (sample);

  /* the element's defaults apply when the request gives none */
  g_object_set (tap, "max-height", 60, NULL);
  sample = snapshot (tap, "image/jpeg", 0, 0);
  assert_shows (sample, 5, 80, 60);
  gst_sample_unref (sample);

  sample = snapshot (tap, "image/png", 0, 0);
  fail_unless (gst_sample_get_buffer (sample) != NULL);
  fail_unless (gst_structure_has_name (gst_caps_get_structure
          (gst_sample_get_caps (sample), 0), "image/png"));
  gst_structure_get_int (gst_caps_get_structure (gst_sample_get_caps
          (sample), 0), "height", &hh);
  gst_structure_get_int (gst_caps_get_structure (gst_sample_get_caps
          (sample), 0), "width", &w);
  fail_unless_equals_int (w, 80);
  fail_unless_equals_int (hh, 60);
  gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ);
  fail_unless (map.size > 8 && memcmp (map.data, "\x89PNG", 4) == 0);
  gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
  gst_sample_unref (sample);

  /* a format the element cannot make is a request error */
  sample = snapshot (tap, "image/webp", 0, 0);
  fail_unless (gst_sample_get_buffer (sample) == NULL);
  fail_unless_equals_int (info_code (sample), CG_CODE_VALIDATION_ERROR);
  gst_sample_unref (sample);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_caps_change)
{
  GstElement *tap;
  GstHarness *h = raw_harness ("snapshottap max-age=0", &tap);
  GstSample *sample;

  gst_harness_push (h, make_frame (W, H, 3));
  /* qualityladder steps down: new caps, then smaller frames */
  gst_harness_set_src_caps_str (h,
      "video/x-raw,format=I420,width=160,height=120,framerate=25/1");
  /* until a new frame comes, the held one keeps its own size */
  sample = snapshot (tap, "image/jpeg", 0, 0);
  assert_shows (sample, 3, W, H);
  gst_sample_unref (sample);

  gst_harness_push (h, make_frame (160, 120, 4));
  sample = snapshot (tap, "image/jpeg", 0, 0);
  assert_shows (sample, 4, 160, 120);
  fail_unless_equals_int (info_u64 (sample, "pts"), 4 * FRAME);
  gst_sample_unref (sample);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_no_frame)
{
  GstElement *tap;
  GstHarness *h = raw_harness ("snapshottap", &tap);
  GstSample *sample;
  GError *err = NULL;
  guint64 received = 99;

  sample = snapshot (tap, "image/jpeg", 0, 0);
  fail_unless (gst_sample_get_buffer (sample) == NULL);
  fail_unless (gst_structure_has_name (gst_sample_get_info (sample),
          "camguard-snapshot-error"));
  fail_unless_equals_int (info_code (sample), CG_CODE_SNAPSHOT_FAILED);
  fail_unless_equals_string (info_str (sample, "reason"), "no-frame");
  fail_unless (gst_structure_get_uint64 (gst_sample_get_info (sample),
          "frames-received", &received));
  fail_unless_equals_uint64 (received, 0);
  gst_sample_unref (sample);

  /* the library call gives the catalogue code as a GError */
  fail_unless (cg_snapshot_request (tap, NULL, 0, 0, 0, &err) == NULL);
  fail_unless (g_error_matches (err, CG_CODE_ERROR, CG_CODE_SNAPSHOT_FAILED));
  fail_unless_equals_string (g_quark_to_string (err->domain),
      "camguard-code-error-quark");
  g_clear_error (&err);
  fail_unless_equals_uint64 (stat_u64 (tap, "snapshots-failed"), 2);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_max_age)
{
  GstElement *tap;
  GstHarness *h = raw_harness ("snapshottap max-age=1000", &tap);
  GstSample *sample;

  gst_harness_set_time (h, 10 * GST_SECOND);
  gst_harness_push (h, make_frame (W, H, 7));

  gst_harness_set_time (h, 10 * GST_SECOND + 400 * GST_MSECOND);
  sample = snapshot (tap, "image/jpeg", 0, 0);
  assert_shows (sample, 7, W, H);
  fail_unless_equals_uint64 (info_u64 (sample, "age"), 400 * GST_MSECOND);
  gst_sample_unref (sample);

  /* the camera went quiet: 2.5 s later the frame is stale */
  gst_harness_set_time (h, 12500 * GST_MSECOND);
  sample = snapshot (tap, "image/jpeg", 0, 0);
  fail_unless (gst_sample_get_buffer (sample) == NULL);
  fail_unless_equals_string (info_str (sample, "reason"), "stale");
  fail_unless_equals_int (info_code (sample), CG_CODE_SNAPSHOT_FAILED);
  fail_unless_equals_uint64 (info_u64 (sample, "age"), 2500 * GST_MSECOND);
  fail_unless_equals_uint64 (info_u64 (sample, "last-frame-time"), 7 * FRAME);
  gst_sample_unref (sample);

  /* or served, but never as fresh */
  gst_util_set_object_arg (G_OBJECT (tap), "stale-policy", "serve");
  sample = snapshot (tap, "image/jpeg", 0, 0);
  assert_shows (sample, 7, W, H);
  {
    gboolean stale = FALSE;

    gst_structure_get_boolean (gst_sample_get_info (sample), "stale", &stale);
    fail_unless (stale);
  }
  fail_unless_equals_uint64 (info_u64 (sample, "age"), 2500 * GST_MSECOND);
  gst_sample_unref (sample);
  gst_harness_teardown (h);
}

GST_END_TEST;

typedef struct
{
  GstElement *tap;
  guint ok;
} Worker;

static gpointer
snapshot_worker (gpointer data)
{
  Worker *w = data;
  guint i;

  for (i = 0; i < 10; i++) {
    GstSample *s = snapshot (w->tap, "image/jpeg", i % 2 ? 160 : 0, 0);
    GstBuffer *b = gst_sample_get_buffer (s);
    gint jw;

    if (b) {
      gdouble luma = jpeg_mean_luma (b, &jw, NULL);

      /* some frame of the test, at the size asked for */
      if (jw == (i % 2 ? 160 : W) && luma >= LUMA (0) - 2
          && luma <= LUMA (40) + 2)
        w->ok++;
    }
    gst_sample_unref (s);
  }
  return NULL;
}

GST_START_TEST (test_concurrent_requests)
{
  GstElement *tap;
  GstHarness *h = raw_harness ("snapshottap max-age=0", &tap);
  Worker workers[4];
  GThread *threads[4];
  guint i, n;

  gst_harness_push (h, make_frame (W, H, 0));
  for (i = 0; i < 4; i++) {
    workers[i].tap = tap;
    workers[i].ok = 0;
    threads[i] = g_thread_new ("snapshot", snapshot_worker, &workers[i]);
  }
  /* frames keep flowing while the requests run */
  for (n = 1; n <= 40; n++)
    fail_unless_equals_int (gst_harness_push (h, make_frame (W, H, n)),
        GST_FLOW_OK);
  for (i = 0; i < 4; i++) {
    g_thread_join (threads[i]);
    fail_unless_equals_int (workers[i].ok, 10);
  }
  fail_unless_equals_uint64 (stat_u64 (tap, "snapshots-served"), 40);
  fail_unless_equals_uint64 (stat_u64 (tap, "snapshots-failed"), 0);
  gst_harness_teardown (h);
}

GST_END_TEST;

static void
async_done (GObject * source, GAsyncResult * res, gpointer data)
{
  GstSample **out = data;
  GError *err = NULL;

  *out = cg_snapshot_request_finish (GST_ELEMENT (source), res, &err);
  fail_unless (*out != NULL, "%s", err ? err->message : "");
}

GST_START_TEST (test_async_request)
{
  GstElement *tap;
  GstHarness *h = raw_harness ("snapshottap max-age=0", &tap);
  GstSample *sample = NULL;
  GMainContext *ctx = g_main_context_new ();

  g_main_context_push_thread_default (ctx);
  gst_harness_push (h, make_frame (W, H, 12));
  cg_snapshot_request_async (tap, "image/jpeg", 0, 0, 90, NULL, async_done,
      &sample);
  /* completes on this thread's context, which never blocks on the encode */
  while (!sample)
    g_main_context_iteration (ctx, TRUE);
  assert_shows (sample, 12, W, H);
  gst_sample_unref (sample);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Requests out of range are VALIDATION_ERRORs, not pictures (issue 14:
 * quality 500 or -1 and 1x1 maximum sizes were served). */
GST_START_TEST (test_request_validation)
{
  GstElement *tap;
  GstHarness *h = raw_harness ("snapshottap max-age=0", &tap);
  static const gint bad[][3] = {
    {0, 0, 500}, {0, 0, -1}, {0, 0, 101}, {1, 1, 0}, {8, 0, 0}, {0, 15, 0},
    {-5, 0, 0}, {0, -1, 0},
  };
  GstSample *sample = NULL;
  GError *err = NULL;
  guint i;

  gst_harness_push (h, make_frame (W, H, 2));
  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_signal_emit_by_name (tap, "snapshot", "image/jpeg", bad[i][0],
        bad[i][1], bad[i][2], &sample);
    fail_unless (gst_sample_get_buffer (sample) == NULL, "case %u served", i);
    fail_unless_equals_int (info_code (sample), CG_CODE_VALIDATION_ERROR);
    fail_unless_equals_string (info_str (sample, "reason"), "request");
    gst_sample_unref (sample);
  }
  fail_unless (cg_snapshot_request (tap, "image/jpeg", 0, 0, 500, &err) ==
      NULL);
  fail_unless (g_error_matches (err, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR));
  g_clear_error (&err);

  /* the smallest sizes allowed, and the largest quality */
  g_signal_emit_by_name (tap, "snapshot", "image/jpeg", CG_SNAPSHOT_MIN_SIZE,
      CG_SNAPSHOT_MIN_SIZE, 100, &sample);
  assert_shows (sample, 2, CG_SNAPSHOT_MIN_SIZE, 12);
  gst_sample_unref (sample);
  fail_unless_equals_uint64 (stat_u64 (tap, "snapshots-failed"), 9);
  gst_harness_teardown (h);
}

GST_END_TEST;

static GstMessage *
pop_warning (GstBus * bus)
{
  return gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
}

/* Asserts @msg is a VALIDATION_ERROR WARNING naming @property. */
static void
assert_refused (GstMessage * msg, const gchar * property)
{
  GError *err = NULL;

  fail_unless (msg != NULL, "no warning for %s", property);
  fail_unless_equals_int (message_code (msg), CG_CODE_VALIDATION_ERROR);
  gst_message_parse_warning (msg, &err, NULL);
  fail_unless (strstr (err->message, property) != NULL, "%s not named: %s",
      property, err->message);
  g_clear_error (&err);
  gst_message_unref (msg);
}

/* Properties the element reads when it starts are refused once it runs,
 * and maximum sizes below the minimum are refused at any time. */
GST_START_TEST (test_property_validation)
{
  GstElement *tap;
  GstHarness *h = raw_harness ("snapshottap location=a.jpg "
      "snapshot-interval=0", &tap);
  GstBus *bus = gst_bus_new ();
  g_autofree gchar *location = NULL;
  guint interval;
  gint width;

  gst_element_set_bus (tap, bus);
  /* PLAYING: the writer already started (or not) with the old values */
  g_object_set (tap, "location", "b.jpg", NULL);
  assert_refused (pop_warning (bus), "location");
  g_object_set (tap, "snapshot-interval", 1000, NULL);
  assert_refused (pop_warning (bus), "snapshot-interval");
  g_object_get (tap, "location", &location, "snapshot-interval", &interval,
      NULL);
  fail_unless_equals_string (location, "a.jpg");
  fail_unless_equals_int (interval, 0);

  g_object_set (tap, "max-width", 1, NULL);
  assert_refused (pop_warning (bus), "max-width");
  g_object_set (tap, "max-height", 15, NULL);
  assert_refused (pop_warning (bus), "max-height");
  g_object_set (tap, "max-width", 640, NULL);
  g_object_get (tap, "max-width", &width, NULL);
  fail_unless_equals_int (width, 640);
  fail_unless (pop_warning (bus) == NULL);

  /* READY: accepted */
  gst_element_set_state (tap, GST_STATE_READY);
  g_object_set (tap, "snapshot-interval", 1000, NULL);
  g_object_get (tap, "snapshot-interval", &interval, NULL);
  fail_unless_equals_int (interval, 1000);
  fail_unless (pop_warning (bus) == NULL);
  gst_element_set_bus (tap, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
snapshottap_suite (void)
{
  Suite *s = suite_create ("snapshottap");
  TCase *tc = tcase_create ("requests");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_passthrough_exact);
  tcase_add_test (tc, test_shows_nth_frame);
  tcase_add_test (tc, test_scaled_and_png);
  tcase_add_test (tc, test_caps_change);
  tcase_add_test (tc, test_no_frame);
  tcase_add_test (tc, test_max_age);
  tcase_add_test (tc, test_concurrent_requests);
  tcase_add_test (tc, test_async_request);
  tcase_add_test (tc, test_request_validation);
  tcase_add_test (tc, test_property_validation);
  return s;
}

GST_CHECK_MAIN (snapshottap);
