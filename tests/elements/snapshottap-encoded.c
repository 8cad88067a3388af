/* camguard - snapshottap tests: encoded input (H.264, H.265, MJPEG)
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
#include <gst/app/app.h>
#include <gst/video/video.h>

#include "cgsnapshottap.h"
#include "snapshottap-harness.h"

/* ------------------------------------------------------------------ */
/* encoded input                                                       */

typedef struct
{
  GstCaps *caps;
  GPtrArray *frames;
  GstClockTime base;            /* x264enc shifts timestamps by this */
} Stream;

#define X264 "x264enc tune=zerolatency speed-preset=ultrafast " \
  "key-int-max=%u pass=quant quantizer=4 option-string=scenecut=0 " \
  "! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au"
/* x265 sends its parameter sets before the first keyframe only */
#define X265 "x265enc tune=zerolatency speed-preset=ultrafast " \
  "key-int-max=%u qp=4 option-string=scenecut=0 " \
  "! h265parse ! video/x-h265,stream-format=byte-stream,alignment=au"

/* Encodes @n flat frames of LUMA(i) with @encoder at a GOP of @gop. */
static Stream
encoded_stream (const gchar * encoder, guint n, guint gop)
{
  g_autofree gchar *enc = g_strdup_printf (encoder, gop);
  g_autofree gchar *desc = g_strdup_printf ("appsrc name=src format=time "
      "caps=" RAW_CAPS " ! %s ! appsink name=sink sync=false", enc);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  Stream s = { NULL, g_ptr_array_new_with_free_func ((GDestroyNotify)
        gst_buffer_unref), 0
  };
  GstSample *sample;
  guint i;

  fail_unless (pipeline != NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (i = 0; i < n; i++)
    gst_app_src_push_buffer (GST_APP_SRC (src), make_frame (W, H, i));
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
              10 * GST_SECOND))) {
    if (!s.caps)
      s.caps = gst_caps_ref (gst_sample_get_caps (sample));
    g_ptr_array_add (s.frames, gst_buffer_ref (gst_sample_get_buffer (sample)));
    gst_sample_unref (sample);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);

  fail_unless_equals_int (s.frames->len, n);
  s.base = GST_BUFFER_PTS (g_ptr_array_index (s.frames, 0));
  for (i = 0; i < n; i++) {
    gboolean key = !GST_BUFFER_FLAG_IS_SET (g_ptr_array_index (s.frames, i),
        GST_BUFFER_FLAG_DELTA_UNIT);
    fail_unless_equals_int (key, i % gop == 0);
  }
  return s;
}

static void
stream_clear (Stream * s)
{
  gst_caps_unref (s->caps);
  g_ptr_array_unref (s->frames);
}

static GstHarness *
encoded_harness (const gchar * launch, Stream * s, guint n, GstElement ** tap)
{
  GstHarness *h = gst_harness_new_parse (launch);
  guint i;

  gst_harness_set_src_caps (h, gst_caps_ref (s->caps));
  for (i = 0; i < n; i++) {
    GstBuffer *b = g_ptr_array_index (s->frames, i);

    fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (b)),
        GST_FLOW_OK);
    /* passthrough: the same encoded buffer comes out */
    {
      GstBuffer *out = gst_harness_pull (h);

      fail_unless (out == b);
      gst_buffer_unref (out);
    }
  }
  *tap = tap_of (h);
  return h;
}

GST_START_TEST (test_h264_latest_mid_gop)
{
  Stream s = encoded_stream (X264, 60, 30);
  GstElement *tap;
  GstHarness *h;
  GstSample *sample;
  guint warm;

  for (warm = 0; warm < 2; warm++) {
    h = encoded_harness (warm ? "snapshottap max-age=0 decoder-mode=warm" :
        "snapshottap max-age=0", &s, 45, &tap);
    /* frames 30..44 are held: the keyframe and 14 deltas */
    fail_unless_equals_uint64 (stat_u64 (tap, "frames-held"), 15);
    sample = snapshot (tap, "image/jpeg", 0, 0);
    assert_shows (sample, 44, W, H);
    fail_unless_equals_string (info_str (sample, "origin"), "gop");
    fail_unless_equals_uint64 (info_u64 (sample, "pts") - s.base, 44 * FRAME);
    gst_sample_unref (sample);

    /* a second request, and one more frame */
    gst_harness_push (h, gst_buffer_ref (g_ptr_array_index (s.frames, 45)));
    gst_buffer_unref (gst_harness_pull (h));
    sample = snapshot (tap, "image/jpeg", 160, 0);
    assert_shows (sample, 45, 160, 120);
    gst_sample_unref (sample);
    gst_harness_teardown (h);
  }
  stream_clear (&s);
}

GST_END_TEST;

GST_START_TEST (test_h265_params_once)
{
  Stream s = encoded_stream (X265, 60, 30);
  GstElement *tap;
  GstHarness *h;
  GstSample *sample;

  /* mid second GOP: its keyframe carries no parameter sets of its own */
  h = encoded_harness ("snapshottap max-age=0", &s, 40, &tap);
  sample = snapshot (tap, "image/jpeg", 0, 0);
  assert_shows (sample, 39, W, H);
  gst_sample_unref (sample);
  gst_harness_teardown (h);
  stream_clear (&s);
}

GST_END_TEST;

GST_START_TEST (test_mjpeg)
{
  Stream s = encoded_stream ("jpegenc quality=95", 10, 1);
  GstElement *tap;
  GstHarness *h = encoded_harness ("snapshottap max-age=0", &s, 8, &tap);
  GstSample *sample;

  /* at the camera's size, the camera's picture is the snapshot */
  sample = snapshot (tap, "image/jpeg", 0, 0);
  assert_shows (sample, 7, W, H);
  fail_unless_equals_string (info_str (sample, "origin"), "jpeg");
  fail_unless (gst_buffer_peek_memory (gst_sample_get_buffer (sample), 0) ==
      gst_buffer_peek_memory (g_ptr_array_index (s.frames, 7), 0));
  gst_sample_unref (sample);
  /* smaller: decoded and encoded again */
  sample = snapshot (tap, "image/jpeg", 160, 0);
  assert_shows (sample, 7, 160, 120);
  fail_unless_equals_string (info_str (sample, "origin"), "keyframe");
  gst_sample_unref (sample);
  fail_unless_equals_uint64 (stat_u64 (tap, "frames-held"), 1);
  gst_harness_teardown (h);
  stream_clear (&s);
}

GST_END_TEST;

GST_START_TEST (test_h264_keyframe_mode)
{
  Stream s = encoded_stream (X264, 60, 30);
  GstElement *tap;
  GstHarness *h =
      encoded_harness ("snapshottap max-age=0 snapshot-mode=keyframe",
      &s, 45, &tap);
  GstSample *sample;

  fail_unless_equals_uint64 (stat_u64 (tap, "frames-held"), 1);
  sample = snapshot (tap, "image/jpeg", 0, 0);
  assert_shows (sample, 30, W, H);
  fail_unless_equals_string (info_str (sample, "origin"), "keyframe");
  fail_unless_equals_uint64 (info_u64 (sample, "pts") - s.base, 30 * FRAME);
  gst_sample_unref (sample);
  gst_harness_teardown (h);
  stream_clear (&s);
}

GST_END_TEST;

GST_START_TEST (test_h264_gop_budget)
{
  Stream s = encoded_stream (X264, 60, 30);
  GstElement *tap;
  GstHarness *h;
  gsize key = gst_buffer_get_size (g_ptr_array_index (s.frames, 0));
  guint64 budget = key + 4 * gst_buffer_get_size (g_ptr_array_index
      (s.frames, 1)) + 64;
  guint i, round;

  h = gst_harness_new_parse ("snapshottap max-age=0");
  tap = tap_of (h);
  g_object_set (tap, "max-gop-bytes", budget, NULL);
  gst_harness_set_src_caps (h, gst_caps_ref (s.caps));
  /* eight passes over 60 frames, a snapshot every 7 frames */
  for (round = 0; round < 8; round++) {
    for (i = 0; i < s.frames->len; i++) {
      gst_harness_push (h, gst_buffer_ref (g_ptr_array_index (s.frames, i)));
      gst_buffer_unref (gst_harness_pull (h));
      fail_unless (stat_u64 (tap, "bytes-held") <= budget);
      if (i % 7 == 6) {
        GstSample *sample = snapshot (tap, "image/jpeg", 0, 0);
        guint64 pts = info_u64 (sample, "pts") - s.base;

        /* the newest frame that fitted in the budget */
        fail_unless (pts <= i * FRAME);
        fail_unless (pts >= (i - i % 30) * FRAME);
        assert_shows (sample, pts / FRAME, W, H);
        gst_sample_unref (sample);
      }
    }
  }
  fail_unless (stat_u64 (tap, "frames-not-held") > 0);
  fail_unless_equals_uint64 (stat_u64 (tap, "snapshots-failed"), 0);
  gst_harness_teardown (h);
  stream_clear (&s);
}

GST_END_TEST;

GST_START_TEST (test_h264_before_keyframe)
{
  Stream s = encoded_stream (X264, 40, 30);
  GstElement *tap;
  GstHarness *h = gst_harness_new_parse ("snapshottap max-age=0");
  GstSample *sample;
  guint i;

  tap = tap_of (h);
  gst_harness_set_src_caps (h, gst_caps_ref (s.caps));
  /* joining mid-GOP: nothing decodable until the next keyframe */
  for (i = 5; i < 20; i++)
    gst_harness_push (h, gst_buffer_ref (g_ptr_array_index (s.frames, i)));
  sample = snapshot (tap, "image/jpeg", 0, 0);
  fail_unless_equals_string (info_str (sample, "reason"), "no-frame");
  gst_sample_unref (sample);
  for (i = 30; i < 33; i++)
    gst_harness_push (h, gst_buffer_ref (g_ptr_array_index (s.frames, i)));
  sample = snapshot (tap, "image/jpeg", 0, 0);
  assert_shows (sample, 32, W, H);
  gst_sample_unref (sample);
  gst_harness_teardown (h);
  stream_clear (&s);
}

GST_END_TEST;


/* MJPEG as multipartdemux gives it (bare image/jpeg caps, no size) is
 * served as the camera sent it (issue 14: it was decoded and re-encoded,
 * origin=keyframe). A real pipeline: jpegenc ! multipartmux !
 * multipartdemux, as an MJPEG-over-HTTP camera and souphttpsrc would. */
GST_START_TEST (test_mjpeg_from_multipartdemux)
{
  GstElement *pipeline = gst_parse_launch ("videotestsrc num-buffers=5 ! "
      "video/x-raw,width=320,height=240 ! jpegenc ! multipartmux ! "
      "multipartdemux ! snapshottap name=tap max-age=0 ! "
      "fakesink name=sink sync=false", NULL);
  GstElement *tap = gst_bin_get_by_name (GST_BIN (pipeline), "tap");
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  GstSample *sample;
  GstCaps *caps = NULL;
  gint w = 0, h = 0;

  fail_unless (pipeline != NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);

  g_object_get (gst_element_get_static_pad (tap, "sink"), "caps", &caps, NULL);
  fail_unless (caps != NULL);
  /* what makes it different: no width or height in the caps */
  fail_if (gst_structure_has_field (gst_caps_get_structure (caps, 0), "width"));
  gst_caps_unref (caps);

  sample = snapshot (tap, "image/jpeg", 0, 0);
  fail_unless (gst_sample_get_buffer (sample) != NULL);
  fail_unless_equals_string (info_str (sample, "origin"), "jpeg");
  fail_unless (gst_structure_get_int (gst_caps_get_structure
          (gst_sample_get_caps (sample), 0), "width", &w));
  fail_unless (gst_structure_get_int (gst_caps_get_structure
          (gst_sample_get_caps (sample), 0), "height", &h));
  fail_unless_equals_int (w, 320);
  fail_unless_equals_int (h, 240);
  jpeg_mean_luma (gst_sample_get_buffer (sample), &w, &h);
  fail_unless_equals_int (w, 320);
  gst_sample_unref (sample);

  /* a smaller picture still needs decoding */
  sample = snapshot (tap, "image/jpeg", 160, 0);
  fail_unless_equals_string (info_str (sample, "origin"), "keyframe");
  gst_sample_unref (sample);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (tap);
  gst_object_unref (pipeline);
}

GST_END_TEST;

static Suite *
snapshottap_encoded_suite (void)
{
  Suite *s = suite_create ("snapshottap-encoded");
  TCase *tc = tcase_create ("encoded");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_h264_latest_mid_gop);
  tcase_add_test (tc, test_h264_keyframe_mode);
  tcase_add_test (tc, test_h265_params_once);
  tcase_add_test (tc, test_mjpeg);
  tcase_add_test (tc, test_h264_gop_budget);
  tcase_add_test (tc, test_h264_before_keyframe);
  tcase_add_test (tc, test_mjpeg_from_multipartdemux);
  return s;
}

GST_CHECK_MAIN (snapshottap_encoded);
