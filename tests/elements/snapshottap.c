/* camguard - snapshottap element tests (GstHarness, GstTestClock)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Frames carry their identity in their luma: frame n of a test is a flat
 * picture of value 16 + 4n. A snapshot is decoded back with TurboJPEG and
 * its mean luma says which frame it shows.
 */

#define _GNU_SOURCE             /* unshare */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <glib/gstdio.h>
#include <gio/gunixsocketaddress.h>
#include <turbojpeg.h>
#include <gst/gst.h>
#include <gst/app/app.h>
#include <gst/video/video.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>
#include <camguard.h>

#include "cgsnapshottap.h"

#define W 320
#define H 240
#define FRAME (40 * GST_MSECOND)
#define LUMA(n) (16 + 4 * (n))
#define RAW_CAPS "video/x-raw,format=I420,width=320,height=240,framerate=25/1"


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

/* The catalogue code of a failed snapshot. */
static CgCode
info_code (GstSample * sample)
{
  CgCode code = 0;

  fail_unless (cg_details_get_code (gst_sample_get_info (sample), &code));
  return code;
}

static CgCode
message_code (GstMessage * msg)
{
  CgCode code = 0;

  fail_unless (cg_message_get_code (msg, &code));
  return code;
}

static guint64
stat_u64 (GstElement * tap, const gchar * field)
{
  GstStructure *s;
  guint64 v = 0;
  guint u;

  g_object_get (tap, "statistics", &s, NULL);
  fail_unless (gst_structure_has_name (s, "camguard-snapshottap-stats"));
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
  fail_unless_equals_int (message_code (msg), CG_CODE_STORAGE_DENIED);
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

/* Runs the writer once on @location and returns its WARNING, or NULL when
 * it wrote (a camguard-snapshot message) instead. */
static GstMessage *
write_once (const gchar * location)
{
  GstHarness *h = gst_harness_new ("snapshottap");
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;

  gst_harness_set_src_caps_str (h, RAW_CAPS);
  gst_harness_play (h);
  /* the writer's properties are set before PLAYING, as gst-launch does */
  gst_element_set_state (h->element, GST_STATE_READY);
  g_object_set (h->element, "max-age", 0, "snapshot-interval", 500,
      "location", location, NULL);
  gst_element_set_bus (h->element, bus);
  gst_harness_play (h);
  gst_harness_push (h, make_frame (W, H, 1));
  fail_unless (gst_harness_crank_single_clock_wait (h));
  msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
      GST_MESSAGE_WARNING | GST_MESSAGE_ELEMENT);
  fail_unless (msg != NULL, "neither written nor refused: %s", location);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT)
    gst_clear_message (&msg);
  gst_element_set_bus (h->element, NULL);
  gst_harness_teardown (h);
  gst_object_unref (bus);
  return msg;
}

/* Asserts @msg is a STORAGE_DENIED WARNING that names @location. */
static void
assert_denied (GstMessage * msg, const gchar * location)
{
  GError *err = NULL;
  gchar *debug = NULL;

  fail_unless (msg != NULL, "%s was written to", location);
  fail_unless_equals_int (message_code (msg), CG_CODE_STORAGE_DENIED);
  gst_message_parse_warning (msg, &err, &debug);
  fail_unless (strstr (err->message, location) != NULL, "%s not named in: %s",
      location, err->message);
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (msg);
}

/* Only the entries in @dir named in @expected (NULL-terminated): no
 * temporary file is left behind. */
static void
assert_dir_holds (const gchar * dir, const gchar * const *expected)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  fail_unless (d != NULL);
  while ((name = g_dir_read_name (d)))
    fail_unless (g_strv_contains (expected, name), "unexpected %s", name);
  g_dir_close (d);
}

/* A location that is a device, a FIFO, a socket or a directory is never
 * replaced: issue 14 item 11 (as root, location=/dev/null became a JPEG
 * file). The nodes are the test's own: /dev is never touched. */
GST_START_TEST (test_periodic_writer_not_regular)
{
  g_autofree gchar *dir = g_dir_make_tmp ("snapshottap-XXXXXX", NULL);
  g_autofree gchar *fifo = g_build_filename (dir, "fifo", NULL);
  g_autofree gchar *null = g_build_filename (dir, "null", NULL);
  g_autofree gchar *sock = g_build_filename (dir, "socket", NULL);
  g_autofree gchar *sub = g_build_filename (dir, "subdir", NULL);
  g_autofree gchar *link = g_build_filename (dir, "link", NULL);
  const gchar *const entries[] = { "fifo", "null", "socket", "subdir", "link",
    NULL
  };
  GSocketAddress *addr = g_unix_socket_address_new (sock);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_UNIX,
      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL);
  gboolean have_device;
  GStatBuf st;

  fail_unless_equals_int (mkfifo (fifo, 0600), 0);
  fail_unless (g_socket_bind (socket, addr, TRUE, NULL));
  fail_unless_equals_int (g_mkdir (sub, 0700), 0);
  /* a character device of our own, a twin of /dev/null (root only) */
  have_device = mknod (null, S_IFCHR | 0600, makedev (1, 3)) == 0;
  fail_unless_equals_int (symlink (have_device ? null : fifo, link), 0);

  assert_denied (write_once (fifo), fifo);
  fail_unless (g_lstat (fifo, &st) == 0 && S_ISFIFO (st.st_mode));
  assert_denied (write_once (sock), sock);
  fail_unless (g_lstat (sock, &st) == 0 && S_ISSOCK (st.st_mode));
  assert_denied (write_once (sub), sub);
  fail_unless (g_lstat (sub, &st) == 0 && S_ISDIR (st.st_mode));
  assert_denied (write_once (link), link);
  fail_unless (g_lstat (link, &st) == 0 && S_ISLNK (st.st_mode));
  if (have_device) {
    assert_denied (write_once (null), null);
    fail_unless (g_lstat (null, &st) == 0 && S_ISCHR (st.st_mode));
    fail_unless_equals_int (st.st_rdev, makedev (1, 3));
  } else {
    g_test_message ("no mknod (not root): device case not run");
    g_file_set_contents (null, "", 0, NULL);
  }
  assert_dir_holds (dir, entries);

  g_object_unref (socket);
  g_object_unref (addr);
  g_unlink (link);
  g_unlink (null);
  g_unlink (sock);
  g_unlink (fifo);
  g_rmdir (sub);
  g_rmdir (dir);
}

GST_END_TEST;

/* A regular file is still replaced, and so is a link to one (the link, not
 * its target). */
GST_START_TEST (test_periodic_writer_replaces_regular)
{
  g_autofree gchar *dir = g_dir_make_tmp ("snapshottap-XXXXXX", NULL);
  g_autofree gchar *file = g_build_filename (dir, "latest.jpg", NULL);
  g_autofree gchar *target = g_build_filename (dir, "target", NULL);
  g_autofree gchar *link = g_build_filename (dir, "link.jpg", NULL);
  const gchar *const entries[] = { "latest.jpg", "target", "link.jpg", NULL };
  gchar *data;
  gsize len;
  GStatBuf st;

  fail_unless (g_file_set_contents (file, "old", 3, NULL));
  fail_unless (write_once (file) == NULL);
  fail_unless (g_file_get_contents (file, &data, &len, NULL));
  fail_unless (len > 4 && (guint8) data[0] == 0xff);
  g_free (data);

  fail_unless (g_file_set_contents (target, "keep", 4, NULL));
  fail_unless_equals_int (symlink (target, link), 0);
  fail_unless (write_once (link) == NULL);
  fail_unless (g_lstat (link, &st) == 0 && S_ISREG (st.st_mode));
  fail_unless (g_file_get_contents (target, &data, &len, NULL));
  fail_unless_equals_string (data, "keep");
  g_free (data);
  assert_dir_holds (dir, entries);

  g_unlink (file);
  g_unlink (target);
  g_unlink (link);
  g_rmdir (dir);
}

GST_END_TEST;

/* Makes @dir unwritable: a read-only tmpfs over it in a mount namespace of
 * this (forked, single-threaded) test process when root, its mode
 * otherwise. */
static guint
n_threads (void)
{
  GDir *d = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  while (d && g_dir_read_name (d))
    n++;
  if (d)
    g_dir_close (d);
  return n;
}

/* Makes @dir unwritable: when root, a read-only tmpfs over it in a new
 * mount namespace, which only works while this (forked) test process has
 * a single thread; its mode otherwise. */
static gboolean
make_read_only (const gchar * dir)
{
  if (geteuid () != 0)
    return g_chmod (dir, 0555) == 0;
  if (n_threads () != 1) {
    g_test_message ("%u threads: cannot change the mount namespace",
        n_threads ());
    return FALSE;
  }
  if (unshare (CLONE_NEWNS) != 0) {
    g_test_message ("unshare: %s", g_strerror (errno));
    return FALSE;
  }
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
      || mount ("tmpfs", dir, "tmpfs", MS_RDONLY, "size=64k") != 0) {
    g_test_message ("mount: %s", g_strerror (errno));
    return FALSE;
  }
  return TRUE;
}

/* A missing directory, a path through a regular file and a read-only
 * location are STORAGE_DENIED. */
GST_START_TEST (test_periodic_writer_denied_locations)
{
  g_autofree gchar *dir = g_dir_make_tmp ("snapshottap-XXXXXX", NULL);
  g_autofree gchar *file = g_build_filename (dir, "file", NULL);
  g_autofree gchar *through = g_build_filename (file, "snap.jpg", NULL);
  g_autofree gchar *missing = g_build_filename (dir, "missing", "snap.jpg",
      NULL);
  g_autofree gchar *ro = g_build_filename (dir, "ro", NULL);
  g_autofree gchar *in_ro = g_build_filename (ro, "snap.jpg", NULL);

  /* first, while this process has one thread: a mount namespace is a
   * thread's, and the writer's thread must be created in the new one */
  fail_unless_equals_int (g_mkdir (ro, 0700), 0);
  if (make_read_only (ro)) {
    assert_denied (write_once (in_ro), in_ro);
    fail_if (g_file_test (in_ro, G_FILE_TEST_EXISTS));
    if (geteuid () == 0)
      umount (ro);
  } else {
    g_test_message ("could not make a read-only location: case not run");
  }

  fail_unless (g_file_set_contents (file, "x", 1, NULL));
  assert_denied (write_once (missing), missing);
  assert_denied (write_once (through), through);
  g_chmod (ro, 0700);
  g_rmdir (ro);
  g_unlink (file);
  g_rmdir (dir);
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
  tcase_add_test (tc, test_periodic_writer_not_regular);
  tcase_add_test (tc, test_periodic_writer_replaces_regular);
  tcase_add_test (tc, test_periodic_writer_denied_locations);
  tcase_add_test (tc, test_request_validation);
  tcase_add_test (tc, test_property_validation);
  tcase_add_test (tc, test_mjpeg_from_multipartdemux);
  return s;
}

GST_CHECK_MAIN (snapshottap);
