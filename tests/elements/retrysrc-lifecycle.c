/* camguard - retrysrc: state changes, end of stream, attempts, validation
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Regression tests of issue 14 (the second half of the retrysrc tests; the
 * first is retrysrc.c). GstHarness + GstTestClock where time matters;
 * small real pipelines where a sink's own behaviour is the point. Bounded
 * waits only detect hangs.
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>
#include <camguard.h>

#include "cgretrysrc.h"

#define RAW "video/x-raw,format=I420,width=16,height=16,framerate=10/1"

#define FAILING_SOURCE(n) \
  "videotestsrc ! " RAW " ! faultinject fault=error error-domain=resource " \
  "error-code=7 after-buffers=" #n

static const gchar *
status_of (GstElement * retrysrc)
{
  GParamSpec *p = g_object_class_find_property (G_OBJECT_GET_CLASS (retrysrc),
      "status");
  gint status;

  g_object_get (retrysrc, "status", &status, NULL);
  return g_enum_get_value (G_PARAM_SPEC_ENUM (p)->enum_class,
      status)->value_nick;
}

/* The next camguard-retry message, of any event, within 30 s. */
static GstStructure *
next_retry (GstBus * bus)
{
  for (;;) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
        GST_MESSAGE_ELEMENT);
    const GstStructure *s;

    fail_unless (m != NULL, "no camguard-retry message");
    s = gst_message_get_structure (m);
    if (gst_structure_has_name (s, "camguard-retry")) {
      GstStructure *copy = gst_structure_copy (s);

      gst_message_unref (m);
      return copy;
    }
    gst_message_unref (m);
  }
}

static void
expect_event (GstBus * bus, const gchar * event, guint attempt,
    GstClockTime delay)
{
  GstStructure *s = next_retry (bus);
  guint a;
  guint64 d;

  fail_unless_equals_string (gst_structure_get_string (s, "event"), event);
  fail_unless (gst_structure_get_uint (s, "attempt", &a));
  fail_unless_equals_int (a, attempt);
  if (GST_CLOCK_TIME_IS_VALID (delay)) {
    fail_unless (gst_structure_get_uint64 (s, "next-delay", &d));
    fail_unless_equals_uint64 (d, delay);
  }
  gst_structure_free (s);
}

static GstHarness *
harness_new (const gchar * description, GstBus ** bus)
{
  GstHarness *h = gst_harness_new_with_padnames ("retrysrc", NULL, "src");

  g_object_set (h->element, "source-description", description,
      "timeout", 0, NULL);
  gst_util_set_object_arg (G_OBJECT (h->element), "jitter", "none");
  *bus = gst_bus_new ();
  gst_element_set_bus (h->element, *bus);
  gst_harness_use_systemclock (h);
  return h;
}

static void
harness_free (GstHarness * h, GstBus * bus)
{
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

/* A buffer within 10 s, or NULL. */
static GstBuffer *
pull_bounded (GstHarness * h)
{
  gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  GstBuffer *b;

  while (!(b = gst_harness_try_pull (h)) && g_get_monotonic_time () < end)
    g_usleep (1000);
  return b;
}

/* Whether EOS reaches downstream within 10 s (buffers are dropped). */
static gboolean
eos_downstream (GstHarness * h)
{
  gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  GstEvent *e;
  GstBuffer *b;

  while (g_get_monotonic_time () < end) {
    while ((b = gst_harness_try_pull (h)))
      gst_buffer_unref (b);
    while ((e = gst_harness_try_pull_event (h))) {
      gboolean eos = GST_EVENT_TYPE (e) == GST_EVENT_EOS;

      gst_event_unref (e);
      if (eos)
        return TRUE;
    }
    g_usleep (1000);
  }
  return FALSE;
}

/* Issue 14 item 3: PLAYING -> READY -> PLAYING delivers data again. */
GST_START_TEST (test_ready_and_back)
{
  GstBus *bus;
  GstHarness *h = harness_new ("videotestsrc is-live=true ! " RAW, &bus);
  GstBuffer *b;
  guint round;

  for (round = 0; round < 3; round++) {
    fail_unless (gst_element_set_state (h->element, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    b = pull_bounded (h);
    fail_unless (b != NULL, "no data in round %u", round);
    gst_buffer_unref (b);
    fail_unless_equals_string (status_of (h->element), "running");
    fail_unless (gst_element_set_state (h->element, GST_STATE_READY) !=
        GST_STATE_CHANGE_FAILURE);
    fail_unless_equals_string (status_of (h->element), "idle");
    while ((b = gst_harness_try_pull (h)))
      gst_buffer_unref (b);
  }
  harness_free (h, bus);
}

GST_END_TEST;

/* Issue 14 item 5: an EOS sent to the element ends the stream: it goes
 * downstream, nothing is restarted. Running, and while waiting. */
GST_START_TEST (test_eos_sent_by_application)
{
  GstBus *bus;
  GstHarness *h = harness_new ("videotestsrc is-live=true ! " RAW, &bus);
  GstBuffer *b;
  GstMessage *m;

  gst_harness_play (h);
  b = pull_bounded (h);
  fail_unless (b != NULL);
  gst_buffer_unref (b);
  fail_unless (gst_element_send_event (h->element, gst_event_new_eos ()));
  fail_unless (eos_downstream (h), "no EOS downstream");
  fail_unless_equals_string (status_of (h->element), "ended");
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  fail_unless (m == NULL, "a camguard-retry message after EOS");
  harness_free (h, bus);

  /* while waiting for a restart: no source runs, EOS goes straight down */
  h = harness_new (FAILING_SOURCE (2), &bus);
  g_object_set (h->element, "initial-delay", 100 * GST_SECOND, NULL);
  gst_harness_use_testclock (h);
  gst_harness_play (h);
  expect_event (bus, "retrying", 1, GST_CLOCK_TIME_NONE);
  fail_unless (gst_element_send_event (h->element, gst_event_new_eos ()));
  fail_unless (eos_downstream (h), "no EOS downstream");
  fail_unless_equals_string (status_of (h->element), "ended");
  harness_free (h, bus);
}

GST_END_TEST;

/* Issue 14 item 6: a sink that returns EOS (fakesink num-buffers=5) ends
 * the stream; the camera is not restarted. */
GST_START_TEST (test_downstream_eos)
{
  GError *err = NULL;
  GstElement *p = gst_parse_launch ("retrysrc name=r timeout=0 "
      "source-description=\"videotestsrc ! " RAW "\" ! fakesink num-buffers=5",
      &err);
  GstElement *r;
  GstBus *bus;
  GstMessage *m;
  GstStructure *stats;
  guint64 started;

  fail_unless (p != NULL, "%s", err ? err->message : "");
  r = gst_bin_get_by_name (GST_BIN (p), "r");
  bus = gst_element_get_bus (p);
  fail_unless (gst_element_set_state (p, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  m = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_EOS |
      GST_MESSAGE_ERROR);
  fail_unless (m != NULL, "no EOS: the camera is restarted in a loop");
  fail_unless_equals_int (GST_MESSAGE_TYPE (m), GST_MESSAGE_EOS);
  gst_message_unref (m);
  g_object_get (r, "statistics", &stats, NULL);
  fail_unless (gst_structure_get_uint64 (stats, "sources-started", &started));
  fail_unless_equals_uint64 (started, 1);
  gst_structure_free (stats);
  fail_unless_equals_string (status_of (r), "ended");
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (r);
  gst_object_unref (p);
}

GST_END_TEST;

/* Issue 14 item 7: a failure inside the source that is not known to be
 * permanent is retried, even when the catalogue's own policy for its code
 * is "never": here an element of the description fails with an error
 * that names PIPELINE_ERROR. (A bare flow error inside a camera source is
 * classified by the source's role now: CAMERA_DISCONNECTED, retried too.) */
GST_START_TEST (test_flow_error_retried)
{
  GstBus *bus;
  GstHarness *h = harness_new ("videotestsrc ! " RAW " ! faultinject "
      "fault=error error-domain=stream error-code=1 after-buffers=2 "
      "error-details=\"details, camguard-code=(string)PIPELINE_ERROR\"",
      &bus);
  GstStructure *s;
  GstBuffer *b;

  g_object_set (h->element, "initial-delay", GST_SECOND, NULL);
  gst_harness_use_testclock (h);
  gst_harness_play (h);
  s = next_retry (bus);
  fail_unless_equals_string (gst_structure_get_string (s, "event"), "retrying");
  fail_unless_equals_string (gst_structure_get_string (s, "code"),
      "PIPELINE_ERROR");
  gst_structure_free (s);
  fail_unless (gst_harness_crank_single_clock_wait (h));
  expect_event (bus, "recovered", 1, GST_CLOCK_TIME_NONE);
  while ((b = gst_harness_try_pull (h)))
    gst_buffer_unref (b);
  harness_free (h, bus);
}

GST_END_TEST;

/* Issue 14 item 8: with max-attempts=2, a camera that fails and comes back
 * each time never exhausts its attempts: each outage is attempt 1, and
 * after the stable period the delay starts at initial-delay again. */
GST_START_TEST (test_attempts_per_outage)
{
  GstBus *bus;
  GstHarness *h = harness_new (FAILING_SOURCE (3), &bus);
  GstTestClock *clock;
  GstStructure *stats, *backoff;
  GstBuffer *b;
  guint64 recoveries;
  guint cycle;

  g_object_set (h->element, "initial-delay", GST_SECOND, "max-attempts", 2,
      "stable-period", (guint64) 0, NULL);
  gst_harness_use_testclock (h);
  clock = gst_harness_get_testclock (h);
  gst_harness_play (h);
  for (cycle = 0; cycle < 4; cycle++) {
    expect_event (bus, "retrying", 1, GST_SECOND);
    fail_unless (gst_harness_crank_single_clock_wait (h));
    expect_event (bus, "recovered", 1, GST_CLOCK_TIME_NONE);
  }
  g_object_get (h->element, "statistics", &stats, NULL);
  fail_unless (gst_structure_get (stats, "backoff", GST_TYPE_STRUCTURE,
          &backoff, NULL));
  fail_unless (gst_structure_get_uint64 (backoff, "recoveries", &recoveries));
  fail_unless_equals_uint64 (recoveries, 4);
  gst_structure_free (backoff);
  gst_structure_free (stats);
  fail_if (g_str_equal (status_of (h->element), "failed"));
  while ((b = gst_harness_try_pull (h)))
    gst_buffer_unref (b);
  gst_object_unref (clock);
  harness_free (h, bus);
}

GST_END_TEST;

/* The NULL -> READY state change of @description fails with one ERROR
 * whose code is @code and whose text contains @text. */
static void
check_refused (const gchar * description, const gchar * code,
    const gchar * text)
{
  GstElement *e = gst_element_factory_make ("retrysrc", NULL);
  GstBus *bus = gst_bus_new ();
  GstMessage *m;
  GError *err = NULL;
  CgCode c;

  g_object_set (e, "source-description", description, NULL);
  gst_element_set_bus (e, bus);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (m != NULL, "no ERROR for %s", description);
  fail_unless (cg_message_get_code (m, &c));
  fail_unless_equals_string (cg_code_to_name (c), code);
  gst_message_parse_error (m, &err, NULL);
  fail_unless (strstr (err->message, text) != NULL, "\"%s\" says \"%s\"",
      description, err->message);
  g_error_free (err);
  gst_message_unref (m);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_object_unref (e);
}

/* Issue 14 items 1 and 10: what is wrong with the source is known before
 * it starts: the state change fails at once with a VALIDATION_ERROR that
 * says what. */
GST_START_TEST (test_invalid_sources)
{
  check_refused ("videotestsrc ! fakesink", "VALIDATION_ERROR",
      "no free src pad");
  check_refused ("videotestsrc ! tee name=t t. ! queue t. ! queue",
      "VALIDATION_ERROR", "two free src pads");
  check_refused ("videotestsrc audiotestsrc", "VALIDATION_ERROR",
      "two free src pads");
  check_refused ("videotestsrc !", "VALIDATION_ERROR", "");
  check_refused ("videotestsrcc", "MISSING_COMPONENT", "videotestsrcc");
  check_refused ("video/x-raw,width=64", "VALIDATION_ERROR",
      "starts with caps");
  check_refused ("  image/jpeg ! jpegdec", "VALIDATION_ERROR",
      "starts with caps");
  check_refused ("", "VALIDATION_ERROR",
      "source-description, a uri or a source");
  /* a dynamic source may still get its pad */
  {
    GstElement *e = gst_element_factory_make ("retrysrc", NULL);

    g_object_set (e, "source-description", "uridecodebin "
        "uri=file:///nonexistent", NULL);
    fail_unless_equals_int (gst_element_set_state (e, GST_STATE_READY),
        GST_STATE_CHANGE_SUCCESS);
    gst_element_set_state (e, GST_STATE_NULL);
    gst_object_unref (e);
  }
}

GST_END_TEST;

/* Issue 14: READY-only properties set while PLAYING change nothing and
 * say so with a VALIDATION_ERROR WARNING naming the property. */
GST_START_TEST (test_ready_only_properties)
{
  GstBus *bus;
  GstHarness *h = harness_new ("videotestsrc is-live=true ! " RAW, &bus);
  GstMessage *m;
  GError *err = NULL;
  gchar *desc;
  gint mode;
  CgCode c;

  gst_harness_play (h);
  gst_util_set_object_arg (G_OBJECT (h->element), "fallback-mode", "black");
  g_object_set (h->element, "source-description", "videotestsrc", NULL);
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (m != NULL);
  fail_unless (cg_message_get_code (m, &c));
  fail_unless_equals_int (c, CG_CODE_VALIDATION_ERROR);
  gst_message_parse_warning (m, &err, NULL);
  fail_unless (strstr (err->message, "fallback-mode") != NULL);
  g_clear_error (&err);
  gst_message_unref (m);
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (m != NULL);
  gst_message_parse_warning (m, &err, NULL);
  fail_unless (strstr (err->message, "source-description") != NULL);
  g_clear_error (&err);
  gst_message_unref (m);
  g_object_get (h->element, "fallback-mode", &mode, "source-description",
      &desc, NULL);
  fail_unless_equals_int (mode, CG_RETRY_SRC_FALLBACK_NONE);
  fail_unless_equals_string (desc, "videotestsrc is-live=true ! " RAW);
  g_free (desc);
  /* a PLAYING-mutable one is taken */
  g_object_set (h->element, "max-attempts", 7, NULL);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING) == NULL);
  harness_free (h, bus);
}

GST_END_TEST;

/* Issue 14: 152 bytes leaked per instance: the src pad's template was a
 * new object made in init and never unreffed. The pad uses the class's
 * own template now. */
GST_START_TEST (test_src_pad_template)
{
  GstElement *e = gst_element_factory_make ("retrysrc", NULL);
  GstPad *pad = gst_element_get_static_pad (e, "src");
  GstPadTemplate *t = gst_pad_get_pad_template (pad);

  fail_unless (t == gst_element_class_get_pad_template
      (GST_ELEMENT_GET_CLASS (e), "src"));
  gst_object_unref (t);
  gst_object_unref (pad);
  gst_object_unref (e);
}

GST_END_TEST;

static Suite *
retrysrc_lifecycle_suite (void)
{
  Suite *s = suite_create ("retrysrc-lifecycle");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ready_and_back);
  tcase_add_test (tc, test_eos_sent_by_application);
  tcase_add_test (tc, test_downstream_eos);
  tcase_add_test (tc, test_flow_error_retried);
  tcase_add_test (tc, test_attempts_per_outage);
  tcase_add_test (tc, test_invalid_sources);
  tcase_add_test (tc, test_ready_only_properties);
  tcase_add_test (tc, test_src_pad_template);
  return s;
}

GST_CHECK_MAIN (retrysrc_lifecycle);
