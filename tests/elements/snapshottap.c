/* camguard - snapshottap element tests (GstHarness, GstTestClock)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Frames carry their identity in their luma: frame n of a test is a flat
 * picture of value 16 + 4n. A snapshot is decoded back with TurboJPEG and
 * its mean luma says which frame it shows.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <turbojpeg.h>
#include <gst/gst.h>
#include <gst/app/app.h>
#include <gst/video/video.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>
#include <camguard.h>

#define W 320
#define H 240
#define FRAME (40 * GST_MSECOND)
#define LUMA(n) (16 + 4 * (n))
#define RAW_CAPS "video/x-raw,format=I420,width=320,height=240,framerate=25/1"

/* snapshot-mode, stale-policy and decoder-mode values */
#define MODE_KEYFRAME 1
#define STALE_SERVE 1
#define DECODER_WARM 1

static GstBuffer *
make_frame (gint width, gint height, guint n)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  GstBuffer *buf;
  gint y;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, width, height);
  buf = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  fail_unless (gst_video_frame_map (&frame, &info, buf, GST_MAP_WRITE));
  for (y = 0; y < height; y++)
    memset (GST_VIDEO_FRAME_COMP_DATA (&frame, 0) +
        y * GST_VIDEO_FRAME_COMP_STRIDE (&frame, 0), LUMA (n), width);
  for (y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT (&frame, 1); y++) {
    memset (GST_VIDEO_FRAME_COMP_DATA (&frame, 1) +
        y * GST_VIDEO_FRAME_COMP_STRIDE (&frame, 1), 128,
        GST_VIDEO_FRAME_COMP_WIDTH (&frame, 1));
    memset (GST_VIDEO_FRAME_COMP_DATA (&frame, 2) +
        y * GST_VIDEO_FRAME_COMP_STRIDE (&frame, 2), 128,
        GST_VIDEO_FRAME_COMP_WIDTH (&frame, 2));
  }
  gst_video_frame_unmap (&frame);
  GST_BUFFER_PTS (buf) = n * FRAME;
  GST_BUFFER_DURATION (buf) = FRAME;
  return buf;
}

/* Decodes a JPEG and returns its mean luma; its size in @w, @h. */
static gdouble
jpeg_mean_luma (GstBuffer * jpeg, gint * w, gint * h)
{
  tjhandle tj = tjInitDecompress ();
  GstMapInfo map;
  int width, height, subsamp, colorspace;
  guint8 *pixels;
  gdouble sum = 0;
  gint i;

  fail_unless (gst_buffer_map (jpeg, &map, GST_MAP_READ));
  fail_unless (map.size > 4 && map.data[0] == 0xff && map.data[1] == 0xd8);
  fail_unless_equals_int (tjDecompressHeader3 (tj, map.data, map.size,
          &width, &height, &subsamp, &colorspace), 0);
  pixels = g_malloc (width * height);
  fail_unless_equals_int (tjDecompress2 (tj, map.data, map.size, pixels,
          width, 0, height, TJPF_GRAY, 0), 0);
  gst_buffer_unmap (jpeg, &map);
  for (i = 0; i < width * height; i++)
    sum += pixels[i];
  g_free (pixels);
  tjDestroy (tj);
  if (w)
    *w = width;
  if (h)
    *h = height;
  return sum / (width * height);
}

static GstSample *
snapshot (GstElement * tap, const gchar * format, gint mw, gint mh)
{
  GstSample *sample = NULL;

  g_signal_emit_by_name (tap, "snapshot", format, mw, mh, 0, &sample);
  fail_unless (sample != NULL);
  return sample;
}

/* Asserts a successful JPEG snapshot of frame @n at @w x @h. */
static void
assert_shows (GstSample * sample, guint n, gint w, gint h)
{
  GstBuffer *buf = gst_sample_get_buffer (sample);
  GstStructure *caps;
  gint cw, ch, jw, jh;
  gdouble luma;

  if (!buf) {
    g_autofree gchar *why = gst_structure_to_string (gst_sample_get_info
        (sample));

    fail ("snapshot failed: %s", why);
  }
  caps = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  fail_unless (gst_structure_has_name (caps, "image/jpeg"));
  fail_unless (gst_structure_get_int (caps, "width", &cw));
  fail_unless (gst_structure_get_int (caps, "height", &ch));
  fail_unless_equals_int (cw, w);
  fail_unless_equals_int (ch, h);
  luma = jpeg_mean_luma (buf, &jw, &jh);
  fail_unless_equals_int (jw, w);
  fail_unless_equals_int (jh, h);
  if (ABS (luma - LUMA (n)) > 1.5)
    fail ("snapshot shows luma %.2f, frame %u has %d", luma, n, LUMA (n));
}

static guint64
info_u64 (GstSample * sample, const gchar * field)
{
  guint64 v = 0;

  fail_unless (gst_structure_get_uint64 (gst_sample_get_info (sample), field,
          &v), "no %s in %" GST_PTR_FORMAT, field,
      gst_sample_get_info (sample));
  return v;
}

static const gchar *
info_str (GstSample * sample, const gchar * field)
{
  return gst_structure_get_string (gst_sample_get_info (sample), field);
}

static guint64
stat_u64 (GstElement * tap, const gchar * field)
{
  GstStructure *s;
  guint64 v = 0;
  guint u;

  g_object_get (tap, "statistics", &s, NULL);
  if (!gst_structure_get_uint64 (s, field, &v)) {
    fail_unless (gst_structure_get_uint (s, field, &u));
    v = u;
  }
  gst_structure_free (s);
  return v;
}

static GstElement *
tap_of (GstHarness * h)
{
  GstElement *tap = gst_harness_find_element (h, "snapshottap");

  fail_unless (tap != NULL);
  /* the harness keeps its own reference */
  gst_object_unref (tap);
  return tap;
}

static GstHarness *
raw_harness (const gchar * launch, GstElement ** tap)
{
  GstHarness *h = gst_harness_new_parse (launch);

  gst_harness_set_src_caps_str (h, RAW_CAPS);
  *tap = tap_of (h);
  return h;
}

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
  fail_unless_equals_string (info_str (sample, "camguard-code"),
      "VALIDATION_ERROR");
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
  fail_unless_equals_string (info_str (sample, "camguard-code"),
      "SNAPSHOT_FAILED");
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
  fail_unless_equals_string (info_str (sample, "camguard-code"),
      "SNAPSHOT_FAILED");
  fail_unless_equals_uint64 (info_u64 (sample, "age"), 2500 * GST_MSECOND);
  fail_unless_equals_uint64 (info_u64 (sample, "last-frame-time"), 7 * FRAME);
  gst_sample_unref (sample);

  /* or served, but never as fresh */
  g_object_set (tap, "stale-policy", STALE_SERVE, NULL);
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
  GstHarness *h = encoded_harness ("snapshottap max-age=0 snapshot-mode=1",
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

/* ------------------------------------------------------------------ */
/* the periodic writer                                                 */

static GstMessage *
wait_message (GstBus * bus, GstMessageType type)
{
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, type);

  fail_unless (msg != NULL, "no %s message", gst_message_type_get_name (type));
  return msg;
}

GST_START_TEST (test_periodic_writer)
{
  g_autofree gchar *dir = g_dir_make_tmp ("snapshottap-XXXXXX", NULL);
  g_autofree gchar *launch = g_strdup_printf ("snapshottap max-age=0 "
      "snapshot-interval=1000 location=%s/snap-%%03d.jpg", dir);
  GstHarness *h = gst_harness_new_parse (launch);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  guint i;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, RAW_CAPS);
  for (i = 0; i < 3; i++) {
    g_autofree gchar *path = NULL;
    const GstStructure *s;
    gchar *data;
    gsize len;
    GstBuffer *jpeg;

    gst_harness_push (h, make_frame (W, H, 20 + i));
    /* the writer waits on the pipeline clock; one interval passes */
    fail_unless (gst_harness_crank_single_clock_wait (h));
    msg = wait_message (bus, GST_MESSAGE_ELEMENT);
    s = gst_message_get_structure (msg);
    fail_unless (gst_structure_has_name (s, "camguard-snapshot"));
    path = g_strdup_printf ("%s/snap-%03u.jpg", dir, i);
    fail_unless_equals_string (gst_structure_get_string (s, "location"), path);
    gst_message_unref (msg);

    fail_unless (g_file_get_contents (path, &data, &len, NULL));
    jpeg = gst_buffer_new_wrapped (data, len);
    fail_unless (ABS (jpeg_mean_luma (jpeg, NULL, NULL) - LUMA (20 + i)) < 1.5);
    gst_buffer_unref (jpeg);
    g_unlink (path);
  }
  gst_element_set_bus (h->element, NULL);
  gst_harness_teardown (h);
  g_rmdir (dir);
  gst_object_unref (bus);
}

GST_END_TEST;

GST_START_TEST (test_periodic_writer_missing_dir)
{
  GstHarness *h = gst_harness_new_parse ("snapshottap max-age=0 "
      "snapshot-interval=500 location=/nonexistent-camguard/snap.jpg");
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GstStructure *details = NULL;
  GError *err = NULL;
  guint i;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, RAW_CAPS);
  gst_harness_push (h, make_frame (W, H, 1));
  fail_unless (gst_harness_crank_single_clock_wait (h));
  msg = wait_message (bus, GST_MESSAGE_WARNING);
  gst_message_parse_warning (msg, &err, NULL);
  gst_message_parse_warning_details (msg, (const GstStructure **) &details);
  fail_unless (details != NULL);
  fail_unless_equals_string (gst_structure_get_string (details,
          "camguard-code"), "STORAGE_DENIED");
  g_clear_error (&err);
  gst_message_unref (msg);

  /* still failing: no warning per interval */
  for (i = 0; i < 3; i++) {
    gst_harness_push (h, make_frame (W, H, 2 + i));
    fail_unless (gst_harness_crank_single_clock_wait (h));
  }
  /* a snapshot on request still works meanwhile */
  {
    GstSample *sample = snapshot (tap_of (h), "image/jpeg", 0, 0);

    assert_shows (sample, 4, W, H);
    gst_sample_unref (sample);
  }
  gst_harness_teardown (h);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING) == NULL);
  gst_object_unref (bus);
}

GST_END_TEST;

static Suite *
snapshottap_suite (void)
{
  Suite *s = suite_create ("snapshottap");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_passthrough_exact);
  tcase_add_test (tc, test_shows_nth_frame);
  tcase_add_test (tc, test_scaled_and_png);
  tcase_add_test (tc, test_caps_change);
  tcase_add_test (tc, test_no_frame);
  tcase_add_test (tc, test_max_age);
  tcase_add_test (tc, test_concurrent_requests);
  tcase_add_test (tc, test_async_request);
  tcase_add_test (tc, test_h264_latest_mid_gop);
  tcase_add_test (tc, test_h264_keyframe_mode);
  tcase_add_test (tc, test_h265_params_once);
  tcase_add_test (tc, test_mjpeg);
  tcase_add_test (tc, test_h264_gop_budget);
  tcase_add_test (tc, test_h264_before_keyframe);
  tcase_add_test (tc, test_periodic_writer);
  tcase_add_test (tc, test_periodic_writer_missing_dir);
  return s;
}

GST_CHECK_MAIN (snapshottap);
