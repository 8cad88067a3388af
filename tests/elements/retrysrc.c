/* camguard - retrysrc tests (GstHarness + GstTestClock, virtual time only)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>
#include <gst/app/gstappsrc.h>
#include <camguard.h>

#include "cgretrysrc.h"

#define FAILING_SOURCE(n) \
  "videotestsrc ! video/x-raw,format=I420,width=16,height=16,framerate=10/1 "\
  "! faultinject fault=error error-domain=resource error-code=7 " \
  "after-buffers=" #n

typedef struct
{
  GstHarness *h;
  GstTestClock *clock;
  GstBus *bus;
  const gchar *fallback;        /* fallback-mode nick, or NULL */
} Fixture;

static void
fixture_start (Fixture * f, const gchar * description, const gchar * first, ...)
{
  va_list args;

  f->h = gst_harness_new_with_padnames ("retrysrc", NULL, "src");
  g_object_set (f->h->element, "source-description", description,
      "timeout", 0, NULL);
  gst_util_set_object_arg (G_OBJECT (f->h->element), "jitter", "none");
  va_start (args, first);
  if (first)
    g_object_set_valist (G_OBJECT (f->h->element), first, args);
  va_end (args);
  if (f->fallback)
    gst_util_set_object_arg (G_OBJECT (f->h->element), "fallback-mode",
        f->fallback);
  f->bus = gst_bus_new ();
  gst_element_set_bus (f->h->element, f->bus);
  gst_harness_use_testclock (f->h);
  f->clock = gst_harness_get_testclock (f->h);
  gst_harness_play (f->h);
}

static void
fixture_stop (Fixture * f)
{
  gst_element_set_bus (f->h->element, NULL);
  gst_object_unref (f->bus);
  gst_object_unref (f->clock);
  gst_harness_teardown (f->h);
}

/* The status of retrysrc, as its nick. */
static const gchar *
status_of (GstElement * retrysrc)
{
  GParamSpec *p = g_object_class_find_property (G_OBJECT_GET_CLASS (retrysrc),
      "status");
  GEnumClass *klass = G_PARAM_SPEC_ENUM (p)->enum_class;
  gint status;

  g_object_get (retrysrc, "status", &status, NULL);
  return g_enum_get_value (klass, status)->value_nick;
}

/* The camguard-code of an ERROR or WARNING message. */
static const gchar *
message_code (GstMessage * m)
{
  CgCode code;

  fail_unless (cg_message_get_code (m, &code));
  return cg_code_to_name (code);
}

/* Pops the next camguard-retry message with the given event. */
static GstStructure *
next_retry_message (Fixture * f, const gchar * event)
{
  for (;;) {
    GstMessage *m = gst_bus_timed_pop_filtered (f->bus, 30 * GST_SECOND,
        GST_MESSAGE_ELEMENT);
    const GstStructure *s;

    fail_unless (m != NULL, "no camguard-retry %s message", event);
    s = gst_message_get_structure (m);
    if (gst_structure_has_name (s, "camguard-retry")
        && g_strcmp0 (gst_structure_get_string (s, "event"), event) == 0) {
      GstStructure *copy = gst_structure_copy (s);

      gst_message_unref (m);
      return copy;
    }
    gst_message_unref (m);
  }
}

static void
pull_buffers (Fixture * f, guint n, GstClockTime * last_pts)
{
  guint i;

  for (i = 0; i < n; i++) {
    GstBuffer *b = gst_harness_pull (f->h);

    fail_unless (b != NULL);
    fail_unless (GST_BUFFER_PTS_IS_VALID (b));
    if (GST_CLOCK_TIME_IS_VALID (*last_pts))
      fail_unless (GST_BUFFER_PTS (b) > *last_pts,
          "PTS went back: %" GST_TIME_FORMAT " after %" GST_TIME_FORMAT,
          GST_TIME_ARGS (GST_BUFFER_PTS (b)), GST_TIME_ARGS (*last_pts));
    *last_pts = GST_BUFFER_PTS (b);
    gst_buffer_unref (b);
  }
}

/* No EOS, flush or second stream-start/segment reached downstream. */
static void
assert_clean_events (Fixture * f)
{
  GstEvent *e;
  guint stream_starts = 0, segments = 0;

  while ((e = gst_harness_try_pull_event (f->h))) {
    fail_if (GST_EVENT_TYPE (e) == GST_EVENT_EOS, "EOS leaked downstream");
    fail_if (GST_EVENT_TYPE (e) == GST_EVENT_FLUSH_START, "flush leaked");
    fail_if (GST_EVENT_TYPE (e) == GST_EVENT_FLUSH_STOP, "flush leaked");
    if (GST_EVENT_TYPE (e) == GST_EVENT_STREAM_START)
      stream_starts++;
    if (GST_EVENT_TYPE (e) == GST_EVENT_SEGMENT)
      segments++;
    gst_event_unref (e);
  }
  fail_unless_equals_int (stream_starts, 1);
  fail_unless_equals_int (segments, 1);
}

/* Only the first stream-start (and no EOS) reached downstream. */
static void
assert_clean_events_no_data (Fixture * f)
{
  GstEvent *e;

  while ((e = gst_harness_try_pull_event (f->h))) {
    fail_if (GST_EVENT_TYPE (e) == GST_EVENT_EOS, "EOS leaked downstream");
    gst_event_unref (e);
  }
}

static GstClockTime
crank_next_delay (Fixture * f)
{
  GstClockID id;
  GstClockTime now = gst_clock_get_time (GST_CLOCK (f->clock));
  GstClockTime at;

  gst_test_clock_wait_for_next_pending_id (f->clock, &id);
  at = gst_clock_id_get_time (id);
  gst_clock_id_unref (id);
  fail_unless (gst_test_clock_crank (f->clock));
  return at - now;
}

GST_START_TEST (test_backoff_delays_in_virtual_time)
{
  Fixture f = { 0 };
  GstClockTime last = GST_CLOCK_TIME_NONE;
  GstStructure *s;
  guint64 delay;
  guint attempt;

  /* stable-period 10 s: each failure comes 500 ms after the recovery, so
   * the source is flapping and the delays grow across its outages */
  fixture_start (&f, FAILING_SOURCE (5), "initial-delay", GST_SECOND,
      "multiplier", 2.0, "max-delay", 3 * GST_SECOND,
      "stable-period", 10 * GST_SECOND, NULL);

  pull_buffers (&f, 5, &last);
  s = next_retry_message (&f, "retrying");
  fail_unless (gst_structure_get_uint (s, "attempt", &attempt));
  fail_unless (gst_structure_get_uint64 (s, "next-delay", &delay));
  fail_unless_equals_int (attempt, 1);
  fail_unless_equals_uint64 (delay, GST_SECOND);
  /* a camera that cannot be opened after it had delivered went away */
  fail_unless_equals_string (gst_structure_get_string (s, "code"),
      "CAMERA_DISCONNECTED");
  fail_unless (gst_structure_has_field_typed (s, "error", GST_TYPE_STRUCTURE));
  gst_structure_free (s);
  /* the delay is scheduled on the element clock, one second ahead */
  fail_unless_equals_uint64 (crank_next_delay (&f), GST_SECOND);

  pull_buffers (&f, 5, &last);
  s = next_retry_message (&f, "recovered");
  gst_structure_free (s);
  s = next_retry_message (&f, "retrying");
  /* a new outage (attempt 1), whose delay continues the sequence */
  fail_unless (gst_structure_get_uint (s, "attempt", &attempt));
  fail_unless_equals_int (attempt, 1);
  fail_unless (gst_structure_get_uint64 (s, "next-delay", &delay));
  fail_unless_equals_uint64 (delay, 2 * GST_SECOND);
  gst_structure_free (s);
  fail_unless_equals_uint64 (crank_next_delay (&f), 2 * GST_SECOND);

  pull_buffers (&f, 5, &last);
  s = next_retry_message (&f, "retrying");
  fail_unless (gst_structure_get_uint64 (s, "next-delay", &delay));
  /* capped at max-delay */
  fail_unless_equals_uint64 (delay, 3 * GST_SECOND);
  gst_structure_free (s);
  fail_unless_equals_uint64 (crank_next_delay (&f), 3 * GST_SECOND);
  pull_buffers (&f, 5, &last);

  assert_clean_events (&f);
  fixture_stop (&f);
}

GST_END_TEST;

GST_START_TEST (test_statistics_and_status)
{
  Fixture f = { 0 };
  GstClockTime last = GST_CLOCK_TIME_NONE;
  GstStructure *s, *stats, *backoff;
  guint64 attempts = 0, recoveries = 0, outage = 0;

  fixture_start (&f, FAILING_SOURCE (3), "initial-delay", 500 * GST_MSECOND,
      NULL);
  pull_buffers (&f, 3, &last);
  s = next_retry_message (&f, "retrying");
  gst_structure_free (s);
  fail_unless_equals_string (status_of (f.h->element), "waiting");
  crank_next_delay (&f);
  pull_buffers (&f, 3, &last);
  s = next_retry_message (&f, "recovered");
  fail_unless (gst_structure_get_uint64 (s, "outage", &outage));
  fail_unless_equals_uint64 (outage, 500 * GST_MSECOND);
  gst_structure_free (s);

  g_object_get (f.h->element, "statistics", &stats, NULL);
  fail_unless (gst_structure_has_name (stats, "camguard-retrysrc-stats"));
  fail_unless (gst_structure_get (stats, "backoff", GST_TYPE_STRUCTURE,
          &backoff, NULL));
  fail_unless (gst_structure_has_field_typed (stats, "breaker",
          GST_TYPE_STRUCTURE));
  fail_unless (gst_structure_get_uint64 (backoff, "attempts", &attempts));
  fail_unless (gst_structure_get_uint64 (backoff, "recoveries", &recoveries));
  fail_unless_equals_uint64 (attempts, 1);
  fail_unless_equals_uint64 (recoveries, 1);
  fail_unless_equals_string (gst_structure_get_string (stats,
          "last-error-code"), "CAMERA_DISCONNECTED");
  fail_unless (gst_structure_get_uint64 (backoff, "longest-outage", &outage));
  fail_unless_equals_uint64 (outage, 500 * GST_MSECOND);
  gst_structure_free (backoff);
  gst_structure_free (stats);
  fixture_stop (&f);
}

GST_END_TEST;

GST_START_TEST (test_give_up_posts_one_error)
{
  Fixture f = { 0 };
  GstMessage *m;
  GstStructure *s;
  GstEvent *e;
  gboolean saw_eos = FALSE;
  guint errors = 0;
  const GstStructure *details = NULL;
  GError *err = NULL;
  guint retries = 0;

  /* a camera that cannot be opened at all */
  fixture_start (&f, FAILING_SOURCE (0), "initial-delay", GST_SECOND,
      "max-attempts", 1, NULL);
  s = next_retry_message (&f, "retrying");
  gst_structure_free (s);
  crank_next_delay (&f);
  s = next_retry_message (&f, "gave-up");
  gst_structure_free (s);

  /* exactly one ERROR, carrying the original domain/code and the catalogue
   * code, and then EOS downstream */
  while ((m = gst_bus_timed_pop_filtered (f.bus, GST_SECOND,
              GST_MESSAGE_ERROR))) {
    errors++;
    gst_message_parse_error (m, &err, NULL);
    fail_unless (err->domain == GST_RESOURCE_ERROR);
    fail_unless_equals_int (err->code, GST_RESOURCE_ERROR_OPEN_READ_WRITE);
    g_clear_error (&err);
    gst_message_parse_error_details (m, &details);
    fail_unless (details != NULL);
    fail_unless_equals_string (message_code (m), "CAMERA_UNREACHABLE");
    /* max-attempts=1: one attempt was made before giving up */
    fail_unless (gst_structure_get_uint (details, "attempts", &retries));
    fail_unless_equals_int (retries, 1);
    gst_message_unref (m);
  }
  fail_unless_equals_int (errors, 1);
  while ((e = gst_harness_try_pull_event (f.h))) {
    if (GST_EVENT_TYPE (e) == GST_EVENT_EOS)
      saw_eos = TRUE;
    gst_event_unref (e);
  }
  fail_unless (saw_eos);
  fail_unless_equals_string (status_of (f.h->element), "failed");
  fixture_stop (&f);
}

GST_END_TEST;

GST_START_TEST (test_slow_policy_for_camera_credentials)
{
  Fixture f = { 0 };
  GstClockTime last = GST_CLOCK_TIME_NONE;
  GstStructure *s;
  guint64 delay;

  /* a camera answering 401: RESOURCE/NOT_AUTHORIZED */
  fixture_start (&f,
      "videotestsrc ! video/x-raw,width=16,height=16,framerate=10/1 ! "
      "faultinject fault=error error-domain=resource error-code=15 "
      "error-details=\"details, rtsp-status-code=(uint)401\" after-buffers=2",
      "initial-delay", GST_SECOND, "max-delay", 20 * GST_SECOND, NULL);
  pull_buffers (&f, 2, &last);
  s = next_retry_message (&f, "retrying");
  fail_unless_equals_string (gst_structure_get_string (s, "code"),
      "PERMISSION_DENIED");
  fail_unless (gst_structure_get_uint64 (s, "next-delay", &delay));
  /* not retried at full speed: straight to the maximum delay */
  fail_unless_equals_uint64 (delay, 20 * GST_SECOND);
  gst_structure_free (s);
  fail_unless_equals_uint64 (crank_next_delay (&f), 20 * GST_SECOND);
  fixture_stop (&f);
}

GST_END_TEST;

GST_START_TEST (test_eos_is_failure)
{
  Fixture f = { 0 };
  GstClockTime last = GST_CLOCK_TIME_NONE;
  GstStructure *s;

  fixture_start (&f,
      "videotestsrc num-buffers=4 ! video/x-raw,width=16,height=16,"
      "framerate=10/1", "initial-delay", GST_SECOND, NULL);
  pull_buffers (&f, 4, &last);
  s = next_retry_message (&f, "retrying");
  fail_unless_equals_string (gst_structure_get_string (s, "code"),
      "CAMERA_DISCONNECTED");
  gst_structure_free (s);
  crank_next_delay (&f);
  pull_buffers (&f, 4, &last);
  assert_clean_events (&f);
  fixture_stop (&f);
}

GST_END_TEST;

GST_START_TEST (test_stall_detected_by_timeout)
{
  Fixture f = { 0 };
  GstClockTime last = GST_CLOCK_TIME_NONE, now, at;
  GstClockID id;
  GstStructure *s;
  guint checks = 0;

  fixture_start (&f,
      "videotestsrc ! video/x-raw,width=16,height=16,framerate=10/1 ! "
      "faultinject fault=stall after-buffers=3", "initial-delay", GST_SECOND,
      "timeout", 500, NULL);
  pull_buffers (&f, 3, &last);
  /* the three buffers came at clock time 0; stall checks run every
   * timeout / 10 until one finds no buffer for the whole timeout, then the
   * only pending id is the one-second backoff delay */
  for (;;) {
    gst_test_clock_wait_for_next_pending_id (f.clock, &id);
    now = gst_clock_get_time (GST_CLOCK (f.clock));
    at = gst_clock_id_get_time (id);
    gst_clock_id_unref (id);
    if (at - now == GST_SECOND)
      break;
    fail_unless_equals_uint64 (at - now, 50 * GST_MSECOND);
    fail_unless (++checks <= 20, "no stall detected after %u checks", checks);
    fail_unless (gst_test_clock_crank (f.clock));
  }
  /* never before the timeout, at most one check interval after it */
  fail_unless (now >= 500 * GST_MSECOND, "stall detected early at %"
      GST_TIME_FORMAT, GST_TIME_ARGS (now));
  fail_unless (now <= 550 * GST_MSECOND, "stall detected late at %"
      GST_TIME_FORMAT, GST_TIME_ARGS (now));
  s = next_retry_message (&f, "retrying");
  fail_unless_equals_string (gst_structure_get_string (s, "code"),
      "CONNECTION_TIMEOUT");
  gst_structure_free (s);
  fixture_stop (&f);
}

GST_END_TEST;

/* Starts a source that fails after 3 frames, with a 10 s backoff delay and
 * fallback @mode, and returns the first fallback frame: a GAP buffer one
 * frame (100 ms) after the last real one. */
static GstBuffer *
first_fallback_frame (Fixture * f, const gchar * mode)
{
  GstClockTime last = GST_CLOCK_TIME_NONE;
  GstStructure *s;
  GstBuffer *b;

  f->fallback = mode;
  fixture_start (f, FAILING_SOURCE (3), "initial-delay", 10 * GST_SECOND, NULL);
  pull_buffers (f, 3, &last);
  s = next_retry_message (f, "retrying");
  gst_structure_free (s);
  /* pending: the fallback frame (100 ms after the last frame) and the
   * 10 s backoff delay; the earliest is cranked first */
  gst_test_clock_wait_for_multiple_pending_ids (f->clock, 2, NULL);
  fail_unless (gst_test_clock_crank (f->clock));
  b = gst_harness_pull (f->h);
  fail_unless (GST_BUFFER_FLAG_IS_SET (b, GST_BUFFER_FLAG_GAP));
  fail_unless_equals_uint64 (GST_BUFFER_PTS (b), last + 100 * GST_MSECOND);
  return b;
}

GST_START_TEST (test_fallback_black_while_waiting)
{
  Fixture f = { 0 };
  GstBuffer *b = first_fallback_frame (&f, "black");
  GstMapInfo map;

  gst_buffer_map (b, &map, GST_MAP_READ);
  fail_unless_equals_int (map.data[0], 16);     /* Y of black */
  fail_unless_equals_int (map.data[16 * 16], 128);      /* U */
  gst_buffer_unmap (b, &map);
  gst_buffer_unref (b);
  fixture_stop (&f);
}

GST_END_TEST;

GST_START_TEST (test_fallback_pattern_while_waiting)
{
  Fixture f = { 0 };
  GstBuffer *b = first_fallback_frame (&f, "pattern");
  GstMapInfo map;
  guint x, distinct = 0;

  /* colour bars in the stream's own format: the luma of the first row
   * steps across the bars, and does not start black */
  gst_buffer_map (b, &map, GST_MAP_READ);
  fail_unless_equals_int (map.size, 16 * 16 * 3 / 2);
  fail_unless (map.data[0] > 100);
  for (x = 1; x < 16; x++)
    distinct += map.data[x] != map.data[x - 1];
  fail_unless (distinct >= 3);
  gst_buffer_unmap (b, &map);
  gst_buffer_unref (b);
  fixture_stop (&f);
}

GST_END_TEST;

GST_START_TEST (test_circuit_breaker_opens)
{
  Fixture f = { 0 };
  GstClockTime last = GST_CLOCK_TIME_NONE;
  GstStructure *s;
  guint64 delay;

  /* two consecutive failures open the breaker for 60 s */
  fixture_start (&f, FAILING_SOURCE (2), "initial-delay", GST_SECOND,
      "multiplier", 1.0, "breaker-threshold", 2,
      "breaker-open-time", 60 * GST_SECOND, NULL);
  pull_buffers (&f, 2, &last);
  s = next_retry_message (&f, "retrying");
  gst_structure_free (s);
  fail_unless_equals_uint64 (crank_next_delay (&f), GST_SECOND);
  pull_buffers (&f, 2, &last);
  /* each recovery closes the breaker again: a camera that delivers between
   * failures never opens it (the backoff's stable period handles flapping) */
  s = next_retry_message (&f, "recovered");
  gst_structure_free (s);
  s = next_retry_message (&f, "retrying");
  gst_structure_free (s);
  fail_unless_equals_uint64 (crank_next_delay (&f), GST_SECOND);
  pull_buffers (&f, 2, &last);
  fixture_stop (&f);

  /* a source that never delivers: the breaker opens after two failures */
  fixture_start (&f,
      "videotestsrc ! video/x-raw,width=16,height=16,framerate=10/1 ! "
      "faultinject fault=error error-domain=resource error-code=7 "
      "after-buffers=0", "initial-delay", GST_SECOND, "multiplier", 1.0,
      "breaker-threshold", 2, "breaker-open-time", 60 * GST_SECOND, NULL);
  s = next_retry_message (&f, "retrying");
  fail_unless (gst_structure_get_uint64 (s, "next-delay", &delay));
  fail_unless_equals_uint64 (delay, GST_SECOND);
  gst_structure_free (s);
  fail_unless_equals_uint64 (crank_next_delay (&f), GST_SECOND);
  s = next_retry_message (&f, "circuit-open");
  fail_unless (gst_structure_get_uint64 (s, "next-delay", &delay));
  fail_unless_equals_uint64 (delay, 60 * GST_SECOND);
  gst_structure_free (s);
  fail_unless_equals_string (status_of (f.h->element), "circuit-open");
  fail_unless_equals_uint64 (crank_next_delay (&f), 60 * GST_SECOND);
  /* the half-open probe fails as well: open again */
  s = next_retry_message (&f, "circuit-open");
  gst_structure_free (s);
  assert_clean_events_no_data (&f);
  fixture_stop (&f);
}

GST_END_TEST;

GST_START_TEST (test_application_source)
{
  Fixture f = { 0 };
  GstClockTime last = GST_CLOCK_TIME_NONE;
  GstStructure *s;
  GstElement *src;
  GError *err = NULL;

  /* an application hands over its own element: it is restarted in place */
  src = gst_parse_bin_from_description (FAILING_SOURCE (3), TRUE, &err);
  fail_unless (src != NULL, "%s", err ? err->message : "");
  f.h = gst_harness_new_with_padnames ("retrysrc", NULL, "src");
  gst_util_set_object_arg (G_OBJECT (f.h->element), "jitter", "none");
  g_object_set (f.h->element, "source", src, "timeout", 0,
      "initial-delay", GST_SECOND, NULL);
  f.bus = gst_bus_new ();
  gst_element_set_bus (f.h->element, f.bus);
  gst_harness_use_testclock (f.h);
  f.clock = gst_harness_get_testclock (f.h);
  gst_harness_play (f.h);

  pull_buffers (&f, 3, &last);
  s = next_retry_message (&f, "retrying");
  gst_structure_free (s);
  crank_next_delay (&f);
  pull_buffers (&f, 3, &last);
  s = next_retry_message (&f, "recovered");
  gst_structure_free (s);
  assert_clean_events (&f);
  fixture_stop (&f);
}

GST_END_TEST;

static GstBuffer *
encoded_buffer (guint8 value, gboolean keyframe)
{
  GstBuffer *b = gst_buffer_new_allocate (NULL, 4, NULL);

  gst_buffer_memset (b, 0, value, 4);
  GST_BUFFER_PTS (b) = GST_BUFFER_DTS (b) = value * 40 * GST_MSECOND;
  GST_BUFFER_DURATION (b) = 40 * GST_MSECOND;
  if (!keyframe)
    GST_BUFFER_FLAG_SET (b, GST_BUFFER_FLAG_DELTA_UNIT);
  return b;
}

/* appsrc emits need-data whenever its (restarted) streaming task wants data */
static GMutex need_data_lock;
static GCond need_data_cond;
static guint need_data_count;

static void
on_need_data (GstElement * appsrc, guint length, gpointer user_data)
{
  g_mutex_lock (&need_data_lock);
  need_data_count++;
  g_cond_broadcast (&need_data_cond);
  g_mutex_unlock (&need_data_lock);
}

/* Pushes into an appsrc that may still be restarting: when it refuses
 * (flushing, or still at EOS), waits for its next need-data, bounded. */
static void
push_when_ready (GstElement * appsrc, GstBuffer * buf)
{
  for (;;) {
    guint seen;
    gint64 end = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
    GstFlowReturn ret;

    g_mutex_lock (&need_data_lock);
    seen = need_data_count;
    g_mutex_unlock (&need_data_lock);
    ret = gst_app_src_push_buffer (GST_APP_SRC (appsrc), gst_buffer_ref (buf));
    if (ret == GST_FLOW_OK)
      break;
    fail_unless (ret == GST_FLOW_FLUSHING || ret == GST_FLOW_EOS,
        "push returned %s", gst_flow_get_name (ret));
    g_mutex_lock (&need_data_lock);
    while (need_data_count == seen)
      fail_unless (g_cond_wait_until (&need_data_cond, &need_data_lock, end),
          "the source never restarted");
    g_mutex_unlock (&need_data_lock);
  }
  gst_buffer_unref (buf);
}

static guint8
pull_value (Fixture * f, gboolean * keyframe)
{
  GstBuffer *b = gst_harness_pull (f->h);
  guint8 v;

  fail_unless (b != NULL);
  gst_buffer_extract (b, 0, &v, 1);
  *keyframe = !GST_BUFFER_FLAG_IS_SET (b, GST_BUFFER_FLAG_DELTA_UNIT);
  gst_buffer_unref (b);
  return v;
}

GST_START_TEST (test_encoded_resumes_at_keyframe)
{
  Fixture f = { 0 };
  GstElement *appsrc;
  GstStructure *s;
  GstCaps *caps;
  gboolean key;

  caps = gst_caps_from_string ("video/x-h264,stream-format=byte-stream,"
      "alignment=au");
  appsrc = gst_element_factory_make ("appsrc", "camera");
  g_object_set (appsrc, "is-live", TRUE, "format", GST_FORMAT_TIME,
      "caps", caps, NULL);
  g_signal_connect (appsrc, "need-data", G_CALLBACK (on_need_data), NULL);
  gst_caps_unref (caps);
  f.h = gst_harness_new_with_padnames ("retrysrc", NULL, "src");
  gst_util_set_object_arg (G_OBJECT (f.h->element), "jitter", "none");
  g_object_set (f.h->element, "source", appsrc, "timeout", 0,
      "initial-delay", GST_SECOND, NULL);
  f.bus = gst_bus_new ();
  gst_element_set_bus (f.h->element, f.bus);
  gst_harness_use_testclock (f.h);
  f.clock = gst_harness_get_testclock (f.h);
  gst_harness_play (f.h);

  push_when_ready (appsrc, encoded_buffer (1, TRUE));
  push_when_ready (appsrc, encoded_buffer (2, FALSE));
  fail_unless_equals_int (pull_value (&f, &key), 1);
  fail_unless (key);
  fail_unless_equals_int (pull_value (&f, &key), 2);

  /* the camera goes away (EOS from a live source) */
  gst_app_src_end_of_stream (GST_APP_SRC (appsrc));
  s = next_retry_message (&f, "retrying");
  fail_unless_equals_string (gst_structure_get_string (s, "code"),
      "CAMERA_DISCONNECTED");
  gst_structure_free (s);
  crank_next_delay (&f);

  /* it comes back in the middle of a GOP: the deltas are held back until
   * the next keyframe, which is what a decoder needs to resume cleanly */
  push_when_ready (appsrc, encoded_buffer (3, FALSE));
  push_when_ready (appsrc, encoded_buffer (4, FALSE));
  push_when_ready (appsrc, encoded_buffer (5, TRUE));
  push_when_ready (appsrc, encoded_buffer (6, FALSE));
  fail_unless_equals_int (pull_value (&f, &key), 5);
  fail_unless (key);
  fail_unless_equals_int (pull_value (&f, &key), 6);
  fail_if (key);
  s = next_retry_message (&f, "recovered");
  gst_structure_free (s);
  assert_clean_events (&f);
  fixture_stop (&f);
}

GST_END_TEST;

GST_START_TEST (test_v4l2_missing_device)
{
  Fixture f = { 0 };
  GstStructure *s;
  GstMessage *m;
  guint attempt, errors = 0;

  /* a real v4l2src on a device that does not exist: it fails in its state
   * change; DEVICE_NOT_FOUND has the slow policy (straight to max-delay);
   * retrysrc retries max-attempts times, then gives up with one ERROR
   * carrying DEVICE_NOT_FOUND */
  fixture_start (&f, "v4l2src device=/dev/camguard-no-such-video",
      "initial-delay", GST_SECOND, "max-delay", 5 * GST_SECOND,
      "max-attempts", 2, NULL);
  for (attempt = 1; attempt <= 2; attempt++) {
    guint n;

    s = next_retry_message (&f, "retrying");
    fail_unless (gst_structure_get_uint (s, "attempt", &n));
    fail_unless_equals_int (n, attempt);
    fail_unless_equals_string (gst_structure_get_string (s, "code"),
        "DEVICE_NOT_FOUND");
    gst_structure_free (s);
    fail_unless_equals_uint64 (crank_next_delay (&f), 5 * GST_SECOND);
  }
  s = next_retry_message (&f, "gave-up");
  fail_unless_equals_string (gst_structure_get_string (s, "code"),
      "DEVICE_NOT_FOUND");
  gst_structure_free (s);
  while ((m = gst_bus_timed_pop_filtered (f.bus, GST_SECOND,
              GST_MESSAGE_ERROR))) {
    errors++;
    fail_unless_equals_string (message_code (m), "DEVICE_NOT_FOUND");
    fail_unless (GST_MESSAGE_SRC (m) == GST_OBJECT (f.h->element));
    gst_message_unref (m);
  }
  fail_unless_equals_int (errors, 1);
  fixture_stop (&f);
}

GST_END_TEST;

GST_START_TEST (test_bad_description)
{
  GstElement *e = gst_element_factory_make ("retrysrc", NULL);
  GstBus *bus = gst_bus_new ();
  GstMessage *m;

  /* a description that does not parse fails NULL to READY, with an ERROR */
  g_object_set (e, "source-description", "nosuchelement ! fakesink", NULL);
  gst_element_set_bus (e, bus);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (m != NULL);
  fail_unless_equals_string (message_code (m), "MISSING_COMPONENT");
  gst_message_unref (m);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_object_unref (e);
}

GST_END_TEST;

static Suite *
retrysrc_suite (void)
{
  Suite *s = suite_create ("retrysrc");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_backoff_delays_in_virtual_time);
  tcase_add_test (tc, test_statistics_and_status);
  tcase_add_test (tc, test_give_up_posts_one_error);
  tcase_add_test (tc, test_slow_policy_for_camera_credentials);
  tcase_add_test (tc, test_eos_is_failure);
  tcase_add_test (tc, test_stall_detected_by_timeout);
  tcase_add_test (tc, test_fallback_black_while_waiting);
  tcase_add_test (tc, test_fallback_pattern_while_waiting);
  tcase_add_test (tc, test_circuit_breaker_opens);
  tcase_add_test (tc, test_application_source);
  tcase_add_test (tc, test_encoded_resumes_at_keyframe);
  tcase_add_test (tc, test_v4l2_missing_device);
  tcase_add_test (tc, test_bad_description);
  return s;
}

GST_CHECK_MAIN (retrysrc);
