/* camguard - snapshottap latency benchmark
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Request -> picture latency of snapshottap in a running live pipeline, as a
 * ratio to baselines measured in the same run:
 *
 *   raw [N]   1080p I420 live source; N snapshot requests (default 200),
 *             full size and scaled to 1280 wide. Baselines: one plain
 *             TurboJPEG encode of a frame of the same source (same flags as
 *             the element), and a persistent `appsrc ! jpegenc ! appsink`
 *             encoding it (the other encoder the element could have used).
 *             The baselines encode one frame again and again, which stays
 *             in cache; the element encodes a new frame each time.
 *   h264 [N]  1080p H.264 (x264, GOP 30) live; N requests spread over the
 *             GOP, latest mode with an on-demand and a warm decoder, and
 *             keyframe mode. Latency by position in the GOP. Baseline: the
 *             go2rtc approach (wait for the next keyframe, then decode and
 *             encode it), same stream, same run.
 *
 * Wall-clock figures on a shared machine: run it a few times.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <gst/gst.h>
#include <gst/app/app.h>
#include <gst/video/video.h>

#include "../common/bench-tj.h"

#define WIDTH 1920
#define HEIGHT 1080
#define GOP 30

static GstElement *
start (const gchar * desc, GstElement ** tap)
{
  GError *err = NULL;
  GstElement *p = gst_parse_launch (desc, &err);

  if (!p)
    g_error ("%s: %s", desc, err->message);
  gst_element_set_state (p, GST_STATE_PLAYING);
  if (gst_element_get_state (p, NULL, NULL, 10 * GST_SECOND) ==
      GST_STATE_CHANGE_FAILURE)
    g_error ("cannot play %s", desc);
  *tap = gst_bin_get_by_name (GST_BIN (p), "tap");
  return p;
}

static void
stop (GstElement * p, GstElement * tap)
{
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (tap);
  gst_object_unref (p);
}

static GstSample *
snap (GstElement * tap, gint max_width, gdouble * ms)
{
  GstSample *s = NULL;
  gdouble t0 = bench_now_ms ();

  g_signal_emit_by_name (tap, "snapshot", "image/jpeg", max_width, 0, 85, &s);
  *ms = bench_now_ms () - t0;
  if (!gst_sample_get_buffer (s)) {
    gchar *why = gst_structure_to_string (gst_sample_get_info (s));

    g_error ("snapshot failed: %s", why);
  }
  return s;
}

static guint64
stat_u64 (GstElement * tap, const gchar * field)
{
  GstStructure *s;
  guint64 v = 0;
  guint u;

  g_object_get (tap, "statistics", &s, NULL);
  if (!gst_structure_get_uint64 (s, field, &v) &&
      gst_structure_get_uint (s, field, &u))
    v = u;
  gst_structure_free (s);
  return v;
}

static void
report (const gchar * label, gdouble * v, guint n, gdouble base50,
    gdouble base99)
{
  gdouble p50 = bench_percentile (v, n, 50), p99 = bench_percentile (v, n, 99);

  g_print ("| %s | %u | %.2f | %.2f | %.2fx | %.2fx |\n", label, n, p50, p99,
      p50 / base50, p99 / base99);
}

/* ------------------------------------------------------------------ */
/* raw                                                                 */

static void
bench_raw (guint n)
{
  GstElement *tap, *p = start ("videotestsrc is-live=true pattern=smpte "
      "! video/x-raw,format=I420,width=1920,height=1080,framerate=30/1 "
      "! snapshottap name=tap ! fakesink sync=true", &tap);
  GstElement *jp, *jsrc, *jsink;
  gdouble *full = g_new (gdouble, n), *scaled = g_new (gdouble, n);
  gdouble *plain = g_new (gdouble, n), *jpegenc = g_new (gdouble, n);
  GstSample *frame;
  guint i;

  g_usleep (G_USEC_PER_SEC / 2);
  for (i = 0; i < n; i++) {
    gst_sample_unref (snap (tap, 0, &full[i]));
    gst_sample_unref (snap (tap, 1280, &scaled[i]));
    g_usleep (10000);
  }

  /* the same kind of frame, encoded without snapshottap */
  frame = bench_test_frame ("smpte", WIDTH, HEIGHT);
  for (i = 0; i < n; i++)
    plain[i] = bench_tj_encode_ms (frame);

  jp = gst_parse_launch ("appsrc name=src format=time ! jpegenc quality=85 "
      "! appsink name=sink sync=false", NULL);
  jsrc = gst_bin_get_by_name (GST_BIN (jp), "src");
  jsink = gst_bin_get_by_name (GST_BIN (jp), "sink");
  g_object_set (jsrc, "caps", gst_sample_get_caps (frame), NULL);
  gst_element_set_state (jp, GST_STATE_PLAYING);
  for (i = 0; i < n; i++) {
    gdouble t0 = bench_now_ms ();
    GstSample *s;

    gst_app_src_push_buffer (GST_APP_SRC (jsrc),
        gst_buffer_ref (gst_sample_get_buffer (frame)));
    s = gst_app_sink_pull_sample (GST_APP_SINK (jsink));
    jpegenc[i] = bench_now_ms () - t0;
    gst_sample_unref (s);
  }
  gst_element_set_state (jp, GST_STATE_NULL);
  gst_object_unref (jsrc);
  gst_object_unref (jsink);
  gst_object_unref (jp);

  {
    gdouble b50 = bench_percentile (plain, n, 50), b99 =
        bench_percentile (plain, n, 99);

    g_print ("snapshottap raw 1080p I420 latency, request -> JPEG bytes (ms), "
        "quality 85\n\n");
    g_print ("| what | n | p50 | p99 | p50 / plain p50 | p99 / plain p99 "
        "|\n");
    g_print ("|---|---|---|---|---|---|\n");
    report ("plain TurboJPEG encode of one frame (baseline)", plain, n, b50,
        b99);
    report ("persistent appsrc ! jpegenc ! appsink", jpegenc, n, b50, b99);
    report ("snapshottap, full size", full, n, b50, b99);
    report ("snapshottap, scaled to 1280x720", scaled, n, b50, b99);
    g_print ("\nserved %" G_GUINT64_FORMAT ", failed %" G_GUINT64_FORMAT
        ", max encode %.2f ms\n", stat_u64 (tap, "snapshots-served"),
        stat_u64 (tap, "snapshots-failed"),
        stat_u64 (tap, "max-encode-time") / 1e6);
  }

  gst_sample_unref (frame);
  stop (p, tap);
  g_free (full);
  g_free (scaled);
  g_free (plain);
  g_free (jpegenc);
}

/* ------------------------------------------------------------------ */
/* H.264                                                               */

typedef struct
{
  GMutex lock;
  GCond cond;
  guint64 keyframes;
} KeyWatch;

static GstPadProbeReturn
count_keyframes (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  KeyWatch *kw = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);

  if (!GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT)) {
    g_mutex_lock (&kw->lock);
    kw->keyframes++;
    g_cond_broadcast (&kw->cond);
    g_mutex_unlock (&kw->lock);
  }
  return GST_PAD_PROBE_OK;
}

#define H264_PIPELINE \
  "videotestsrc is-live=true pattern=ball " \
  "! video/x-raw,format=I420,width=1920,height=1080,framerate=30/1 " \
  "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 " \
  "option-string=scenecut=0 ! h264parse " \
  "! snapshottap name=tap max-age=0 %s ! fakesink sync=true"

/* Requests at random points of the GOP; latency per GOP position bucket. */
static void
bench_h264_mode (const gchar * label, const gchar * props, guint n,
    gdouble * p50_out)
{
  g_autofree gchar *desc = g_strdup_printf (H264_PIPELINE, props);
  GstElement *tap, *p = start (desc, &tap);
  gdouble *all = g_new (gdouble, n);
  GArray *buckets[6];
  GRand *rand = g_rand_new_with_seed (42);
  guint i, b;

  for (b = 0; b < 6; b++)
    buckets[b] = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_usleep (G_USEC_PER_SEC);
  for (i = 0; i < n; i++) {
    guint held = stat_u64 (tap, "frames-held");
    gdouble ms;

    gst_sample_unref (snap (tap, 0, &ms));
    all[i] = ms;
    b = MIN (held > 0 ? (held - 1) / 5 : 0, 5);
    g_array_append_val (buckets[b], ms);
    g_usleep (g_rand_int_range (rand, 5000, 70000));
  }
  *p50_out = bench_percentile (all, n, 50);
  g_print ("| %s | %u | %.1f | %.1f |", label, n, *p50_out,
      bench_percentile (all, n, 99));
  for (b = 0; b < 6; b++) {
    if (buckets[b]->len)
      g_print (" %.1f (%u) |", bench_percentile ((gdouble *) buckets[b]->data,
              buckets[b]->len, 50), buckets[b]->len);
    else
      g_print (" - |");
    g_array_unref (buckets[b]);
  }
  g_print ("\n");
  g_rand_free (rand);
  g_free (all);
  stop (p, tap);
}

/* go2rtc: on request, wait for the next keyframe, then decode and encode
 * it. Uses a keyframe-mode snapshottap for the decode and encode, so that
 * the only difference is the wait. */
static void
bench_h264_go2rtc (guint n, gdouble * p50_out)
{
  g_autofree gchar *desc = g_strdup_printf (H264_PIPELINE,
      "snapshot-mode=keyframe");
  GstElement *tap, *p = start (desc, &tap);
  GstPad *pad = gst_element_get_static_pad (tap, "sink");
  KeyWatch kw = { 0, };
  GRand *rand = g_rand_new_with_seed (42);
  gdouble *all = g_new (gdouble, n);
  guint i;

  g_mutex_init (&kw.lock);
  g_cond_init (&kw.cond);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_keyframes, &kw,
      NULL);
  g_usleep (G_USEC_PER_SEC);
  for (i = 0; i < n; i++) {
    gdouble t0 = bench_now_ms (), ms;
    guint64 seen;

    g_mutex_lock (&kw.lock);
    seen = kw.keyframes;
    while (kw.keyframes == seen)
      g_cond_wait (&kw.cond, &kw.lock);
    g_mutex_unlock (&kw.lock);
    gst_sample_unref (snap (tap, 0, &ms));
    all[i] = bench_now_ms () - t0;
    /* the next request lands anywhere in the GOP, not just after the
     * keyframe waited for */
    g_usleep (g_rand_int_range (rand, 0, G_USEC_PER_SEC));
  }
  *p50_out = bench_percentile (all, n, 50);
  g_print ("| go2rtc-style: next keyframe, then decode + encode | %u | %.1f "
      "| %.1f | | | | | | |\n", n, *p50_out, bench_percentile (all, n, 99));
  gst_object_unref (pad);
  stop (p, tap);
  g_rand_free (rand);
  g_free (all);
  g_mutex_clear (&kw.lock);
  g_cond_clear (&kw.cond);
}

static void
bench_h264 (guint n)
{
  gdouble on_demand, warm, key, go2rtc;

  g_print ("snapshottap H.264 1080p (x264 GOP 30 at 30 fps) latency, "
      "request -> JPEG bytes (ms); p50 by frames since the keyframe "
      "(requests in bucket)\n\n");
  g_print ("| mode | n | p50 | p99 | 1-5 | 6-10 | 11-15 | 16-20 | 21-25 | "
      "26-30 |\n");
  g_print ("|---|---|---|---|---|---|---|---|---|---|\n");
  bench_h264_mode ("latest, decoder on demand", "", n, &on_demand);
  bench_h264_mode ("latest, decoder warm", "decoder-mode=warm", n, &warm);
  bench_h264_mode ("keyframe", "snapshot-mode=keyframe", n, &key);
  bench_h264_go2rtc (n / 4, &go2rtc);
  g_print ("\np50 ratio to go2rtc-style: latest on demand %.2fx, latest warm "
      "%.2fx, keyframe %.2fx\n", on_demand / go2rtc, warm / go2rtc,
      key / go2rtc);
}

int
main (int argc, char **argv)
{
  const gchar *what = argc > 1 ? argv[1] : "raw";
  guint n = argc > 2 ? (guint) atoi (argv[2]) : 200;

  gst_init (&argc, &argv);
  if (n < 4)
    n = 4;
  if (g_str_equal (what, "raw"))
    bench_raw (n);
  else if (g_str_equal (what, "h264"))
    bench_h264 (n);
  else {
    g_printerr ("usage: %s raw|h264 [N]\n", argv[0]);
    return 2;
  }
  return 0;
}
