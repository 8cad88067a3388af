/* camguard - qualityladder tests: a real 4K pipeline (x264enc, avdec_h264,
 * appsink)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/video/video.h>
#include "qualityladder-harness.h"


/* ------------------------------------------------------------------------ */
/* a real pipeline                                                          */

typedef struct
{
  GMutex lock;
  GCond cond;
  GArray *sizes;                /* pairs of (width, height) */
  gboolean left_playing;
  gboolean reached_playing;
  gboolean eos;
  gboolean error;
  GstElement *pipeline;
  GstElement *ladder;
  gint phase;
  gint at_phase;
} RealCtx;

static GstBusSyncReply
real_bus_sync (GstBus * bus, GstMessage * m, gpointer data)
{
  RealCtx *r = data;

  g_mutex_lock (&r->lock);
  switch (GST_MESSAGE_TYPE (m)) {
    case GST_MESSAGE_STATE_CHANGED:
      if (GST_MESSAGE_SRC (m) == GST_OBJECT (r->pipeline)) {
        GstState old, new;
        gst_message_parse_state_changed (m, &old, &new, NULL);
        if (new == GST_STATE_PLAYING)
          r->reached_playing = TRUE;
        else if (r->reached_playing && old == GST_STATE_PLAYING && !r->eos)
          r->left_playing = TRUE;
      }
      break;
    case GST_MESSAGE_EOS:
      r->eos = TRUE;
      break;
    case GST_MESSAGE_ERROR:
      r->error = TRUE;
      break;
    default:
      break;
  }
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
  return GST_BUS_PASS;
}

/* Steps are driven from the decoded output: after three frames at 4K step
 * down, after three at 1080p step down, after three at 720p step up. */
static GstFlowReturn
real_new_sample (GstElement * sink, gpointer data)
{
  RealCtx *r = data;
  GstSample *sample;
  GstVideoInfo info;
  gint w, h;
  gboolean ok, act = FALSE;
  static const gint want[3] = { 2160, 1080, 720 };

  g_signal_emit_by_name (sink, "pull-sample", &sample);
  if (!sample)
    return GST_FLOW_ERROR;
  fail_unless (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
  w = GST_VIDEO_INFO_WIDTH (&info);
  h = GST_VIDEO_INFO_HEIGHT (&info);
  g_mutex_lock (&r->lock);
  g_array_append_val (r->sizes, w);
  g_array_append_val (r->sizes, h);
  if (r->phase < 3 && h == want[r->phase]) {
    if (++r->at_phase == 3) {
      act = TRUE;
      r->at_phase = 0;
    }
  }
  g_mutex_unlock (&r->lock);
  if (act) {
    g_signal_emit_by_name (r->ladder, r->phase < 2 ? "step-down" : "step-up",
        &ok);
    fail_unless (ok);
    r->phase++;
  }
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

GST_START_TEST (test_real_pipeline_4k)
{
  RealCtx r;
  GError *err = NULL;
  GstElement *sink;
  GstBus *bus;
  gint64 deadline;
  guint i, n, runs = 0;
  gint prev_w = 0, prev_h = 0;
  gint seq[4][2] = { {3840, 2160}, {1920, 1080}, {1280, 720}, {1920, 1080}
  };

  if (!have_factory ("avdec_h264")) {
    GST_WARNING ("avdec_h264 missing, skipped");
    return;
  }
  memset (&r, 0, sizeof (r));
  g_mutex_init (&r.lock);
  g_cond_init (&r.cond);
  r.sizes = g_array_new (FALSE, FALSE, sizeof (gint));
  /* 30 frames of 4K: a few seconds of CPU on two cores */
  r.pipeline = gst_parse_launch ("videotestsrc num-buffers=30 pattern=ball ! "
      "video/x-raw,format=I420,width=3840,height=2160,framerate=30/1 ! "
      "qualityladder name=ladder mode=manual ! h264parse ! avdec_h264 ! "
      "appsink name=sink emit-signals=true sync=false", &err);
  fail_unless (err == NULL);
  r.ladder = gst_bin_get_by_name (GST_BIN (r.pipeline), "ladder");
  sink = gst_bin_get_by_name (GST_BIN (r.pipeline), "sink");
  g_signal_connect (sink, "new-sample", G_CALLBACK (real_new_sample), &r);
  bus = gst_element_get_bus (r.pipeline);
  gst_bus_set_sync_handler (bus, real_bus_sync, &r, NULL);

  fail_if (gst_element_set_state (r.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  deadline = g_get_monotonic_time () + 120 * G_TIME_SPAN_SECOND;
  g_mutex_lock (&r.lock);
  while (!r.eos && !r.error)
    if (!g_cond_wait_until (&r.cond, &r.lock, deadline))
      break;
  g_mutex_unlock (&r.lock);
  fail_unless (r.eos);
  fail_if (r.error);
  fail_unless (r.reached_playing);
  fail_if (r.left_playing);

  /* all 30 frames decoded, in four runs: 4K, 1080p, 720p, 1080p */
  n = r.sizes->len / 2;
  fail_unless_equals_int (n, 30);
  fail_unless_equals_int (r.phase, 3);
  for (i = 0; i < n; i++) {
    gint w = g_array_index (r.sizes, gint, 2 * i);
    gint h = g_array_index (r.sizes, gint, 2 * i + 1);
    if (w != prev_w || h != prev_h) {
      fail_unless (runs < 4, "more than four size changes");
      fail_unless_equals_int (w, seq[runs][0]);
      fail_unless_equals_int (h, seq[runs][1]);
      runs++;
      prev_w = w;
      prev_h = h;
    }
  }
  fail_unless_equals_int (runs, 4);

  gst_element_set_state (r.pipeline, GST_STATE_NULL);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (r.ladder);
  gst_object_unref (r.pipeline);
  g_array_unref (r.sizes);
  g_mutex_clear (&r.lock);
  g_cond_clear (&r.cond);
}

GST_END_TEST;

static Suite *
qualityladder_4k_suite (void)
{
  Suite *s = suite_create ("qualityladder-4k");
  TCase *tc = tcase_create ("real");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_real_pipeline_4k);
  return s;
}

GST_CHECK_MAIN (qualityladder_4k);
