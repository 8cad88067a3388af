/* camguard - qualityladder tests: stepping under pressure (GstHarness +
 * GstTestClock)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/video/video.h>
#include <json-glib/json-glib.h>

#include "cg-details.h"
#include "cg-error.h"
#include "cg-render.h"
#include "qualityladder-harness.h"

/* ------------------------------------------------------------------------ */

GST_START_TEST (test_first_frame_top_step)
{
  Ctx c;
  gint w, h;
  guint br;
  GstElement *enc;

  ctx_init (&c, "x264enc", NULL);
  run_ticks (&c, 1, 1);
  fail_unless_equals_int (current_step (&c), 0);
  last_size (&c, &w, &h);
  fail_unless_equals_int (w, 640);
  fail_unless_equals_int (h, 360);
  fail_unless (c.last_keyframe);
  enc = gst_bin_get_by_name (GST_BIN (c.ladder), "encoder");
  g_object_get (enc, "bitrate", &br, NULL);
  fail_unless_equals_int (br, 800);
  gst_object_unref (enc);
  /* the initial step is not a change: no message */
  fail_unless (pop_quality_message (&c) == NULL);
  ctx_clear (&c);
}

GST_END_TEST;

/* Late QoS events from downstream: step down within down-reaction of the
 * onset, not before. */
GST_START_TEST (test_qos_pressure_steps_down_within_reaction)
{
  Ctx c;
  GstClockTime onset;
  gint w, h;

  ctx_init (&c, "x264enc", NULL);
  run_ticks (&c, 10, 1);
  fail_unless_equals_int (current_step (&c), 0);

  onset = now (&c);
  c.qos_late = TRUE;
  /* up to onset + down-reaction - 2 ticks: still the top step */
  while (now (&c) < onset + 2 * GST_SECOND - 2 * TICK)
    run_ticks (&c, 1, 1);
  push_frame (&c);
  fail_unless_equals_int (current_step (&c), 0);
  /* by onset + down-reaction the next frame is at the lower step */
  while (now (&c) < onset + 2 * GST_SECOND)
    run_ticks (&c, 1, 0);
  push_frame (&c);
  fail_unless_equals_int (current_step (&c), 1);
  last_size (&c, &w, &h);
  fail_unless_equals_int (w, 320);
  fail_unless_equals_int (h, 180);
  fail_unless (c.last_keyframe);
  fail_unless_equals_int (stat_u64 (&c, "steps-down"), 1);
  ctx_clear (&c);
}

GST_END_TEST;

/* The message's error part is a rendered QUALITY_DEGRADED CgError: read
 * back with cg_error_from_details(), it renders as the seed-002 WebSocket
 * event, as the gateway does it. */
static void
check_renders_as_event (const GstStructure * msg)
{
  CgError *e = cg_error_from_details (msg);
  gchar *json;
  JsonParser *parser = json_parser_new ();
  JsonObject *o, *det;

  fail_unless (e != NULL);
  fail_unless_equals_int (cg_error_get_code (e), CG_CODE_QUALITY_DEGRADED);
  fail_unless_equals_string (cg_error_get_factory (e), "qualityladder");
  json = cg_error_to_event_json (e);
  fail_unless (json_parser_load_from_data (parser, json, -1, NULL), "%s", json);
  o = json_node_get_object (json_parser_get_root (parser));
  fail_unless_equals_string (json_object_get_string_member (o, "code"),
      "QUALITY_DEGRADED");
  fail_unless_equals_string (json_object_get_string_member (o, "severity"),
      "warning");
  det = json_object_get_object_member (o, "details");
  fail_unless (det != NULL, "%s", json);
  fail_unless (fabs (json_object_get_double_member (det, "quality") - 0.125)
      < 1e-9);
  fail_unless_equals_int (json_object_get_int_member (det, "bandwidth"), 150);
  fail_unless_equals_string (json_object_get_string_member (det,
          "recommendedAction"), "audio_only");
  fail_unless_equals_string (json_object_get_string_member (det, "reason"),
      "bandwidth");
  fail_unless (json_object_has_member (det, "packetLoss"));
  fail_unless (json_object_has_member (det, "latency"));
  fail_unless (json_object_has_member (det, "jitter"));
  g_object_unref (parser);
  g_free (json);
  cg_error_unref (e);
}

/* available-bitrate below the current step: straight to the step that fits
 * after down-reaction; the message carries the seed-002 fields. */
GST_START_TEST (test_bandwidth_pressure_and_message)
{
  Ctx c;
  GstStructure *s;
  GstClockTime onset;
  gdouble d;
  guint u;
  gint i;

  ctx_init (&c, "x264enc", NULL);
  run_ticks (&c, 5, 1);
  onset = now (&c);
  g_object_set (c.ladder, "available-bitrate", 150, "packet-loss", 0.05, NULL);
  while (now (&c) < onset + 2 * GST_SECOND - 2 * TICK)
    run_ticks (&c, 1, 1);
  fail_unless_equals_int (current_step (&c), 0);
  while (now (&c) < onset + 2 * GST_SECOND)
    run_ticks (&c, 1, 0);
  push_frame (&c);
  /* 150 kbit/s fits only 90p (100 kbit/s): two steps at once */
  fail_unless_equals_int (current_step (&c), 2);

  s = pop_quality_message (&c);
  fail_unless (s != NULL);
  fail_unless_equals_string (gst_structure_get_string (s, "code"),
      "QUALITY_DEGRADED");
  fail_unless_equals_string (gst_structure_get_string (s, "severity"),
      "warning");
  fail_unless_equals_string (gst_structure_get_string (s, "message"),
      cg_code_get_message (CG_CODE_QUALITY_DEGRADED));
  assert_code (s, CG_CODE_QUALITY_DEGRADED);
  fail_unless_equals_string (gst_structure_get_string (s, "direction"), "down");
  fail_unless_equals_string (gst_structure_get_string (s, "reason"),
      "bandwidth");
  fail_unless_equals_string (gst_structure_get_string (s,
          "recommendedAction"), "audio_only");
  fail_unless (gst_structure_get_double (s, "quality", &d));
  fail_unless (fabs (d - 100.0 / 800.0) < 1e-9);
  fail_unless (gst_structure_get_double (s, "previous", &d));
  fail_unless (fabs (d - 1.0) < 1e-9);
  fail_unless (gst_structure_get_double (s, "packetLoss", &d));
  fail_unless (fabs (d - 0.05) < 1e-9);
  fail_unless (gst_structure_get_double (s, "latency", &d));
  fail_unless (gst_structure_get_double (s, "jitter", &d));
  fail_unless (gst_structure_get_uint (s, "bandwidth", &u));
  fail_unless_equals_int (u, 150);
  fail_unless (gst_structure_get_int (s, "step", &i));
  fail_unless_equals_int (i, 2);
  fail_unless (gst_structure_get_int (s, "previous-step", &i));
  fail_unless_equals_int (i, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "step-name"), "90p");
  fail_unless_equals_string (gst_structure_get_string (s,
          "previous-step-name"), "360p");
  fail_unless (gst_structure_get_int (s, "width", &i));
  fail_unless_equals_int (i, 160);
  fail_unless (gst_structure_get_int (s, "height", &i));
  fail_unless_equals_int (i, 90);
  fail_unless (gst_structure_get_uint (s, "bitrate", &u));
  fail_unless_equals_int (u, 100);
  fail_unless (gst_structure_get_uint (s, "previous-bitrate", &u));
  fail_unless_equals_int (u, 800);
  check_renders_as_event (s);
  gst_structure_free (s);
  /* and the standard QoS message */
  {
    GstMessage *m = gst_bus_pop_filtered (c.bus, GST_MESSAGE_QOS);
    gint quality;
    gdouble proportion;
    gboolean live;

    fail_unless (m != NULL);
    gst_message_parse_qos (m, &live, NULL, NULL, NULL, NULL);
    fail_unless (live);
    gst_message_parse_qos_values (m, NULL, &proportion, &quality);
    fail_unless_equals_int (quality, 125000);
    fail_unless (fabs (proportion - 0.125) < 1e-9);
    gst_message_unref (m);
  }
  ctx_clear (&c);
}

GST_END_TEST;

/* Headroom steps up one step only after up-hold, and never inside the
 * blocking period after a downgrade. */
GST_START_TEST (test_headroom_steps_up_after_hold)
{
  Ctx c;
  GstClockTime t1;
  GstStructure *s;

  ctx_init (&c, "x264enc", NULL);
  run_ticks (&c, 2, 1);
  g_object_set (c.ladder, "available-bitrate", 500, NULL);
  run_ticks (&c, 25, 1);
  fail_unless_equals_int (current_step (&c), 1);
  s = pop_quality_message (&c);
  fail_unless (s != NULL);
  gst_structure_free (s);

  /* 1000 >= 1.2 x 800: headroom for the top step */
  run_ticks (&c, 10, 1);
  t1 = now (&c);
  g_object_set (c.ladder, "available-bitrate", 1000, NULL);
  while (now (&c) < t1 + 10 * GST_SECOND - 2 * TICK)
    run_ticks (&c, 1, 1);
  push_frame (&c);
  fail_unless_equals_int (current_step (&c), 1);
  while (now (&c) < t1 + 10 * GST_SECOND)
    run_ticks (&c, 1, 0);
  push_frame (&c);
  fail_unless_equals_int (current_step (&c), 0);
  fail_unless (c.last_keyframe);
  s = pop_quality_message (&c);
  fail_unless (s != NULL);
  fail_unless_equals_string (gst_structure_get_string (s, "code"), "recovered");
  /* recovered is not an error: no code, no error part */
  fail_if (cg_details_get_code (s, NULL));
  fail_if (gst_structure_has_field (s, CG_DETAILS_ERROR_FIELD));
  fail_unless_equals_string (gst_structure_get_string (s, "direction"), "up");
  fail_unless_equals_string (gst_structure_get_string (s, "reason"),
      "headroom");
  fail_unless_equals_string (gst_structure_get_string (s,
          "recommendedAction"), "none");
  gst_structure_free (s);
  fail_unless_equals_int (stat_u64 (&c, "steps-up"), 1);
  {
    GstStructure *st, *per;
    guint64 t180 = 0, t360 = 0;

    g_object_get (c.ladder, "statistics", &st, NULL);
    fail_unless (gst_structure_get (st, "time-per-step", GST_TYPE_STRUCTURE,
            &per, NULL));
    fail_unless (gst_structure_get_uint64 (per, "180p", &t180));
    fail_unless (gst_structure_get_uint64 (per, "360p", &t360));
    /* down at ~1.9 s, up at t1 + 10 s (t1 ~ 3.7 s): ~11.8 s at 180p */
    fail_unless (t180 >= 11 * GST_SECOND && t180 <= 12 * GST_SECOND,
        "180p time %" GST_TIME_FORMAT, GST_TIME_ARGS (t180));
    fail_unless (t360 >= 1 * GST_SECOND);
    gst_structure_free (per);
    gst_structure_free (st);
  }
  ctx_clear (&c);
}

GST_END_TEST;

/* Headroom without the margin (800 <= 900 < 1.2 x 800) never steps up. */
GST_START_TEST (test_no_step_up_without_margin)
{
  Ctx c;

  ctx_init (&c, "x264enc", NULL);
  run_ticks (&c, 2, 1);
  g_object_set (c.ladder, "available-bitrate", 500, NULL);
  run_ticks (&c, 25, 1);
  fail_unless_equals_int (current_step (&c), 1);
  g_object_set (c.ladder, "available-bitrate", 900, NULL);
  run_ticks (&c, 600, 10);
  fail_unless_equals_int (current_step (&c), 1);
  ctx_clear (&c);
}

GST_END_TEST;

/* A steady bandwidth between two steps: settles on one step for ten
 * virtual minutes, with the estimate wobbling +-10 %. */
GST_START_TEST (test_steady_load_no_oscillation)
{
  Ctx c;
  guint i;

  ctx_init (&c, "x264enc", NULL);
  run_ticks (&c, 2, 1);
  for (i = 0; i < 600; i++) {
    g_object_set (c.ladder, "available-bitrate", (i % 2) ? 630 : 770, NULL);
    run_ticks (&c, 10, 10);
  }
  fail_unless_equals_int (current_step (&c), 1);
  fail_unless_equals_int (stat_u64 (&c, "steps-down"), 1);
  fail_unless_equals_int (stat_u64 (&c, "steps-up"), 0);
  ctx_clear (&c);
}

GST_END_TEST;

/* CPU-like pressure that only the top step causes: every failed probe
 * doubles the blocking period, so the element settles on the lower step:
 * probes at about 12, 34, 76, 158 and 320 s, the next one not before 640 s,
 * so none in the last four of ten virtual minutes. */
GST_START_TEST (test_failed_probes_back_off)
{
  Ctx c;
  guint i;
  guint64 ups_at_6min = 0;

  ctx_init (&c, "x264enc", NULL);
  for (i = 0; i < 6000; i++) {
    c.qos_late = current_step (&c) == 0;
    if (i % 5 == 0)
      push_frame (&c);
    fail_unless (gst_harness_crank_single_clock_wait (c.h));
    if (i == 3600)
      ups_at_6min = stat_u64 (&c, "steps-up");
  }
  fail_unless (stat_u64 (&c, "steps-up") <= 5);
  fail_unless (stat_u64 (&c, "steps-up") >= 2);
  fail_unless_equals_int (stat_u64 (&c, "steps-up"), ups_at_6min);
  fail_unless_equals_int (current_step (&c), 1);
  ctx_clear (&c);
}

GST_END_TEST;

/* The internal queue filling up (the encoder cannot keep up) is pressure. */
GST_START_TEST (test_queue_fill_pressure)
{
  Ctx c;
  GstElement *scale;
  GstPad *pad;
  gulong probe;
  guint i;
  gint w, h;

  ctx_init (&c, "x264enc", NULL);
  run_ticks (&c, 2, 1);
  fail_unless_equals_int (current_step (&c), 0);

  /* stall the consumer of the queue */
  scale = gst_bin_get_by_name (GST_BIN (c.ladder), "scale");
  pad = gst_element_get_static_pad (scale, "sink");
  probe = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BLOCK |
      GST_PAD_PROBE_TYPE_BUFFER, NULL, NULL, NULL);
  /* 200 ms of video in a 300 ms queue: fill 0.67 >= 0.5 */
  for (i = 0; i < 3; i++) {
    GstBuffer *in = gst_harness_create_buffer (c.h, 640 * 360 * 3 / 2);
    GST_BUFFER_PTS (in) = now (&c) + i * TICK;
    GST_BUFFER_DURATION (in) = TICK;
    fail_unless_equals_int (gst_harness_push (c.h, in), GST_FLOW_OK);
  }
  for (i = 0; i < 25; i++)
    fail_unless (gst_harness_crank_single_clock_wait (c.h));
  gst_pad_remove_probe (pad, probe);
  for (i = 0; i < 3; i++)
    gst_buffer_unref (gst_harness_pull (c.h));
  c.next_pts = now (&c);
  push_frame (&c);
  fail_unless_equals_int (current_step (&c), 1);
  last_size (&c, &w, &h);
  fail_unless_equals_int (w, 320);
  gst_object_unref (pad);
  gst_object_unref (scale);
  ctx_clear (&c);
}

GST_END_TEST;

/* Encoded buffers running later than max-lateness against the clock. */
GST_START_TEST (test_lateness_pressure)
{
  Ctx c;
  guint i;

  ctx_init (&c, "x264enc", "max-lateness=300000000");
  run_ticks (&c, 5, 1);
  fail_unless_equals_int (current_step (&c), 0);
  /* frames stamped 500 ms in the past */
  for (i = 0; i < 25; i++) {
    c.next_pts = 0;
    {
      GstBuffer *in = gst_harness_create_buffer (c.h, 640 * 360 * 3 / 2);
      GST_BUFFER_PTS (in) = now (&c) - 500 * GST_MSECOND;
      GST_BUFFER_DURATION (in) = TICK;
      fail_unless_equals_int (gst_harness_push (c.h, in), GST_FLOW_OK);
      gst_buffer_unref (gst_harness_pull (c.h));
    }
    fail_unless (gst_harness_crank_single_clock_wait (c.h));
  }
  push_frame (&c);
  fail_unless_equals_int (current_step (&c), 1);
  ctx_clear (&c);
}

GST_END_TEST;

/* Frames 450 ms behind the clock from a live upstream with 400 ms of
 * latency are only 50 ms late: no pressure. */
GST_START_TEST (test_lateness_net_of_upstream_latency)
{
  Ctx c;
  guint i;

  ctx_init (&c, "x264enc", "max-lateness=300000000");
  gst_harness_set_upstream_latency (c.h, 400 * GST_MSECOND);
  run_ticks (&c, 12, 1);
  for (i = 0; i < 60; i++) {
    GstBuffer *in = gst_harness_create_buffer (c.h, 640 * 360 * 3 / 2);
    GST_BUFFER_PTS (in) = now (&c) - 450 * GST_MSECOND;
    GST_BUFFER_DURATION (in) = TICK;
    fail_unless_equals_int (gst_harness_push (c.h, in), GST_FLOW_OK);
    gst_buffer_unref (gst_harness_pull (c.h));
    fail_unless (gst_harness_crank_single_clock_wait (c.h));
  }
  fail_unless_equals_int (current_step (&c), 0);
  fail_unless_equals_int (stat_u64 (&c, "steps-down"), 0);
  ctx_clear (&c);
}

GST_END_TEST;

/* A non-live source ahead of a syncing sink keeps the internal queue full,
 * but every frame still leaves on time: not pressure. (Real clock: 1.5 s of
 * video played in real time; nothing timed is asserted.) */
GST_START_TEST (test_full_queue_on_time_is_not_pressure)
{
  GError *err = NULL;
  GstElement *pipe, *ladder;
  GstBus *bus;
  GstMessage *m;
  GstStructure *stats;
  guint64 downs = 1;
  gdouble fill = 0;

  pipe = gst_parse_launch ("videotestsrc num-buffers=45 ! "
      "video/x-raw,format=I420,width=320,height=180,framerate=30/1 ! "
      "qualityladder name=l ladder=180p:300,90p:100 down-reaction=300000000 "
      "! fakesink sync=true", &err);
  fail_unless (err == NULL);
  ladder = gst_bin_get_by_name (GST_BIN (pipe), "l");
  fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  bus = gst_element_get_bus (pipe);
  m = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (m != NULL);
  fail_unless_equals_int (GST_MESSAGE_TYPE (m), GST_MESSAGE_EOS);
  gst_message_unref (m);
  g_object_get (ladder, "statistics", &stats, NULL);
  fail_unless (gst_structure_get_uint64 (stats, "steps-down", &downs));
  fail_unless (gst_structure_get_double (stats, "queue-fill-max", &fill));
  gst_structure_free (stats);
  /* the queue was full, and still no step down */
  fail_unless (fill > 0.5, "queue fill %f", fill);
  fail_unless_equals_int (downs, 0);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (ladder);
  gst_object_unref (pipe);
}

GST_END_TEST;

static void
count_notify (guint * n)
{
  (*n)++;
}

/* A step renegotiates inside the ladder only: the camera upstream is never
 * asked to reconfigure (a source with fixed caps failed with not-negotiated
 * and retrysrc gave up; a scaler upstream changed the ladder's input). */
GST_START_TEST (test_step_never_reconfigures_upstream)
{
  Ctx c;
  GstEvent *ev;
  gboolean ok;
  guint reconfigure = 0;

  ctx_init (&c, "x264enc", "mode=manual");
  push_frame (&c);
  push_frame (&c);
  while ((ev = gst_harness_try_pull_upstream_event (c.h)))
    gst_event_unref (ev);
  for (guint i = 0; i < 6; i++) {
    g_signal_emit_by_name (c.ladder, i % 2 ? "step-up" : "step-down", &ok);
    fail_unless (ok);
    push_frame (&c);
    push_frame (&c);
  }
  while ((ev = gst_harness_try_pull_upstream_event (c.h))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_RECONFIGURE)
      reconfigure++;
    gst_event_unref (ev);
  }
  fail_unless_equals_int (reconfigure, 0);
  ctx_clear (&c);
}

GST_END_TEST;

/* mode=manual ignores every automatic trigger; the signals still work. */
GST_START_TEST (test_manual_mode)
{
  Ctx c;
  gboolean ok;
  gint w, h;
  GstEvent *ev;
  gboolean saw_fku = FALSE;
  guint notifies = 0;

  ctx_init (&c, "x264enc", "mode=manual");
  g_signal_connect_swapped (c.ladder, "notify::current-step",
      G_CALLBACK (count_notify), &notifies);
  run_ticks (&c, 2, 1);
  fail_unless_equals_int (notifies, 1);
  g_object_set (c.ladder, "available-bitrate", 50, "packet-loss", 0.5, NULL);
  c.qos_late = TRUE;
  run_ticks (&c, 100, 1);
  fail_unless_equals_int (current_step (&c), 0);
  c.qos_late = FALSE;

  g_signal_emit_by_name (c.ladder, "step-down", &ok);
  fail_unless (ok);
  /* drain events seen so far */
  while ((ev = gst_harness_try_pull_event (c.h)))
    gst_event_unref (ev);
  push_frame (&c);
  fail_unless_equals_int (current_step (&c), 1);
  last_size (&c, &w, &h);
  fail_unless_equals_int (w, 320);
  fail_unless_equals_int (h, 180);
  fail_unless (c.last_keyframe);
  /* the forced key unit travelled downstream with the keyframe */
  while ((ev = gst_harness_try_pull_event (c.h))) {
    if (gst_video_event_is_force_key_unit (ev))
      saw_fku = TRUE;
    gst_event_unref (ev);
  }
  fail_unless (saw_fku);

  /* several frames at the new step: only the first is a keyframe */
  push_frame (&c);
  fail_if (c.last_keyframe);

  g_signal_emit_by_name (c.ladder, "set-step", 2, &ok);
  fail_unless (ok);
  push_frame (&c);
  fail_unless_equals_int (current_step (&c), 2);
  fail_unless (c.last_keyframe);
  g_signal_emit_by_name (c.ladder, "step-down", &ok);
  fail_if (ok);
  g_object_set (c.ladder, "step", 0, NULL);
  push_frame (&c);
  fail_unless_equals_int (current_step (&c), 0);
  last_size (&c, &w, &h);
  fail_unless_equals_int (w, 640);
  g_signal_emit_by_name (c.ladder, "step-up", &ok);
  fail_if (ok);
  /* first frame, step 1, step 2, step 0 */
  fail_unless_equals_int (notifies, 4);
  ctx_clear (&c);
}

GST_END_TEST;


static Suite *
qualityladder_suite (void)
{
  Suite *s = suite_create ("qualityladder");
  TCase *tc = tcase_create ("stepping");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_first_frame_top_step);
  tcase_add_test (tc, test_qos_pressure_steps_down_within_reaction);
  tcase_add_test (tc, test_bandwidth_pressure_and_message);
  tcase_add_test (tc, test_headroom_steps_up_after_hold);
  tcase_add_test (tc, test_no_step_up_without_margin);
  tcase_add_test (tc, test_steady_load_no_oscillation);
  tcase_add_test (tc, test_failed_probes_back_off);
  tcase_add_test (tc, test_queue_fill_pressure);
  tcase_add_test (tc, test_lateness_pressure);
  tcase_add_test (tc, test_lateness_net_of_upstream_latency);
  tcase_add_test (tc, test_full_queue_on_time_is_not_pressure);
  tcase_add_test (tc, test_manual_mode);
  tcase_add_test (tc, test_step_never_reconfigures_upstream);
  return s;
}

GST_CHECK_MAIN (qualityladder);
