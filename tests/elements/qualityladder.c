/* camguard - qualityladder tests (GstHarness + GstTestClock)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>
#include <gst/video/video.h>
#include <json-glib/json-glib.h>

#include "cg-details.h"
#include "cg-error.h"
#include "cg-render.h"

#define SMALL_LADDER "360p:800,180p:300,90p:100"
#define TICK (100 * GST_MSECOND)
#define IN_CAPS "video/x-raw,format=I420,width=640,height=360," \
    "framerate=10/1,pixel-aspect-ratio=1/1"

typedef struct
{
  GstHarness *h;
  GstElement *ladder;
  GstBus *bus;
  GstClockTime next_pts;
  gboolean qos_late;            /* push a late QoS event after every frame */
  guint frames;
  GstCaps *last_caps;
  gboolean last_keyframe;
} Ctx;

static gboolean
have_factory (const gchar * name)
{
  GstElementFactory *f = gst_element_factory_find (name);
  if (!f)
    return FALSE;
  gst_object_unref (f);
  return TRUE;
}

static void
ctx_init (Ctx * c, const gchar * encoder, const gchar * extra)
{
  gchar *desc = g_strdup_printf ("qualityladder ladder=" SMALL_LADDER
      " encoder=%s max-lateness=0 key-int-max=1000 %s", encoder,
      extra ? extra : "");

  memset (c, 0, sizeof (*c));
  c->h = gst_harness_new_parse (desc);
  g_free (desc);
  c->ladder = gst_harness_find_element (c->h, "qualityladder");
  fail_unless (c->ladder != NULL);
  c->bus = gst_bus_new ();
  gst_element_set_bus (c->ladder, c->bus);
  gst_harness_use_testclock (c->h);
  gst_harness_set_src_caps_str (c->h, IN_CAPS);
}

static void
ctx_clear (Ctx * c)
{
  gst_element_set_bus (c->ladder, NULL);
  gst_object_unref (c->bus);
  gst_object_unref (c->ladder);
  gst_clear_caps (&c->last_caps);
  gst_harness_teardown (c->h);
}

static GstClockTime
now (Ctx * c)
{
  GstClock *clock = GST_CLOCK (gst_harness_get_testclock (c->h));
  GstClockTime t = gst_clock_get_time (clock);
  gst_object_unref (clock);
  return t;
}

static gint
current_step (Ctx * c)
{
  gint s;
  g_object_get (c->ladder, "current-step", &s, NULL);
  return s;
}

/* Push one 640x360 frame stamped with the current virtual time, pull the
 * encoded frame and remember its caps and keyframe flag. */
static void
push_frame (Ctx * c)
{
  GstBuffer *in, *out;
  GstClockTime t = now (c);

  in = gst_harness_create_buffer (c->h, 640 * 360 * 3 / 2);
  gst_buffer_memset (in, 0, (c->frames * 7) & 0xff, 640 * 360 * 3 / 2);
  if (t < c->next_pts)
    t = c->next_pts;
  GST_BUFFER_PTS (in) = t;
  GST_BUFFER_DURATION (in) = TICK;
  c->next_pts = t + 1;
  fail_unless_equals_int (gst_harness_push (c->h, in), GST_FLOW_OK);
  out = gst_harness_pull (c->h);
  fail_unless (out != NULL);
  c->last_keyframe = !GST_BUFFER_FLAG_IS_SET (out, GST_BUFFER_FLAG_DELTA_UNIT);
  gst_buffer_unref (out);
  gst_clear_caps (&c->last_caps);
  c->last_caps = gst_pad_get_current_caps (c->h->sinkpad);
  c->frames++;
  if (c->qos_late)
    fail_unless (gst_harness_push_upstream_event (c->h,
            gst_event_new_qos (GST_QOS_TYPE_UNDERFLOW, 1.3,
                40 * GST_MSECOND, t)));
}

/* Advance virtual time by @n evaluation ticks, one frame per tick (or
 * every @every ticks). */
static void
run_ticks (Ctx * c, guint n, guint every)
{
  guint i;

  for (i = 0; i < n; i++) {
    if (every && i % every == 0)
      push_frame (c);
    fail_unless (gst_harness_crank_single_clock_wait (c->h));
  }
}

static void
last_size (Ctx * c, gint * w, gint * h)
{
  GstStructure *s = gst_caps_get_structure (c->last_caps, 0);
  fail_unless (gst_structure_get_int (s, "width", w));
  fail_unless (gst_structure_get_int (s, "height", h));
}

static GstStructure *
pop_quality_message (Ctx * c)
{
  GstMessage *m;
  GstStructure *s = NULL;

  while ((m = gst_bus_pop_filtered (c->bus, GST_MESSAGE_ELEMENT))) {
    if (gst_message_has_name (m, "camguard-quality")) {
      s = gst_structure_copy (gst_message_get_structure (m));
      gst_message_unref (m);
      break;
    }
    gst_message_unref (m);
  }
  return s;
}

static GstStructure *
pop_warning_details (Ctx * c)
{
  GstMessage *m = gst_bus_pop_filtered (c->bus, GST_MESSAGE_WARNING);
  const GstStructure *d = NULL;
  GstStructure *s;

  if (!m)
    return NULL;
  gst_message_parse_warning_details (m, &d);
  s = d ? gst_structure_copy (d) : NULL;
  gst_message_unref (m);
  return s;
}

static void
assert_code (const GstStructure * details, CgCode expected)
{
  CgCode code;

  fail_unless (cg_details_get_code (details, &code));
  fail_unless_equals_string (cg_code_to_name (code),
      cg_code_to_name (expected));
}

static guint64
stat_u64 (Ctx * c, const gchar * field)
{
  GstStructure *s;
  guint64 v = 0;

  g_object_get (c->ladder, "statistics", &s, NULL);
  fail_unless (gst_structure_get_uint64 (s, field, &v));
  gst_structure_free (s);
  return v;
}

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

/* mode=manual ignores every automatic trigger; the signals still work. */
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
qualityladder_suite (void)
{
  Suite *s = suite_create ("qualityladder");
  TCase *tc = tcase_create ("general");

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
  tcase_add_test (tc, test_real_pipeline_4k);
  return s;
}

GST_CHECK_MAIN (qualityladder);
