/* camguard - faultinject tests: when a fault fires (probability,
 * at-running-time, the trigger action) and the properties
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <camguard.h>

#include "cgfaultinject.h"
#include "faultinject-harness.h"


static gchar *
probability_run (guint seed)
{
  GstHarness *h = new_harness ("faultinject fault=drop probability=0.3 "
      "repeat=-1 duration=1");
  GstElement *e = fault_element (h);
  gchar *out;

  g_object_set (e, "seed", seed, NULL);
  for (guint64 i = 0; i < 100; i++)
    fail_unless_equals_int (gst_harness_push (h, make_buffer (i)), GST_FLOW_OK);
  out = pulled_offsets (h);
  /* a sane fraction was hit, and the counter agrees with the output */
  fail_unless (stat_u64 (e, "buffers-dropped") > 5);
  fail_unless (stat_u64 (e, "buffers-dropped") < 60);
  fail_unless_equals_uint64 (stat_u64 (e, "buffers-dropped"),
      stat_u64 (e, "faults-fired"));
  gst_harness_teardown (h);
  return out;
}

GST_START_TEST (test_probability_reproducible)
{
  gchar *a = probability_run (42);
  gchar *b = probability_run (42);
  gchar *c = probability_run (43);

  fail_unless_equals_string (a, b);
  fail_if (g_str_equal (a, c), "seeds 42 and 43 hit the same buffers");

  g_free (a);
  g_free (b);
  g_free (c);
}

GST_END_TEST;

GST_START_TEST (test_probability_zero)
{
  GstHarness *h = new_harness ("faultinject fault=drop probability=0 "
      "repeat=-1");
  GstElement *e = fault_element (h);

  for (guint64 i = 0; i < 20; i++)
    fail_unless_equals_int (gst_harness_push (h, make_buffer (i)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 20);
  fail_unless_equals_uint64 (stat_u64 (e, "faults-fired"), 0);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_at_running_time)
{
  /* 40 ms buffers; drop from running time 100 ms for 100 ms */
  GstHarness *h = new_harness ("faultinject fault=drop "
      "at-running-time=100000000 duration-format=time duration=100000000");
  GstElement *e = fault_element (h);
  FiredLog log;
  gchar *out;

  fired_log_init (&log, e);
  for (guint64 i = 0; i < 8; i++)
    fail_unless_equals_int (gst_harness_push (h, make_buffer (i)), GST_FLOW_OK);
  /* 120 ms fires; 160 and 200 ms are inside the window; 240 ms is not */
  out = pulled_offsets (h);
  fail_unless_equals_string (out, "0,1,2,6,7");
  g_free (out);
  fail_unless_equals_int (log.count, 1);
  fail_unless_equals_uint64 (log.last_buffer, 3);

  fired_log_clear (&log, e);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_at_running_time_segment)
{
  /* the running time follows the segment, not the raw PTS */
  GstHarness *h = new_harness ("faultinject fault=drop "
      "at-running-time=100000000");
  GstSegment segment;
  gchar *out;

  gst_segment_init (&segment, GST_FORMAT_TIME);
  segment.start = 10 * FRAME;
  segment.time = 10 * FRAME;
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&segment)));
  for (guint64 i = 10; i < 16; i++)
    fail_unless_equals_int (gst_harness_push (h, make_buffer (i)), GST_FLOW_OK);
  /* running times 0, 40, 80, 120 (dropped), 160, 200 */
  out = pulled_offsets (h);
  fail_unless_equals_string (out, "10,11,12,14,15");
  g_free (out);

  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_trigger_action)
{
  GstHarness *h = new_harness ("faultinject fault=flow-error "
      "flow-return=not-negotiated after-buffers=1000");
  GstElement *e = fault_element (h);
  GstBus *bus = gst_bus_new ();
  FiredLog log;

  gst_element_set_bus (e, bus);
  fired_log_init (&log, e);
  for (guint64 i = 0; i < 3; i++)
    fail_unless_equals_int (gst_harness_push (h, make_buffer (i)), GST_FLOW_OK);
  fail_unless_equals_int (log.count, 0);

  g_signal_emit_by_name (e, "trigger");
  fail_unless_equals_int (gst_harness_push (h, make_buffer (3)),
      GST_FLOW_NOT_NEGOTIATED);
  fail_unless_equals_int (log.count, 1);
  fail_unless_equals_int (log.last_fault, CG_FAULT_FLOW_ERROR);
  fail_unless_equals_uint64 (log.last_buffer, 3);
  /* a flow-error fault posts nothing itself */
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR) == NULL);

  /* one trigger, one firing */
  fail_unless_equals_int (gst_harness_push (h, make_buffer (4)), GST_FLOW_OK);
  fail_unless_equals_int (log.count, 1);
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 4);

  /* a disarmed element ignores the trigger */
  gst_util_set_object_arg (G_OBJECT (e), "fault", "none");
  g_signal_emit_by_name (e, "trigger");
  fail_unless_equals_int (gst_harness_push (h, make_buffer (5)), GST_FLOW_OK);
  fail_unless_equals_int (log.count, 1);

  fired_log_clear (&log, e);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_properties_roundtrip)
{
  GstElement *e = gst_element_factory_make ("faultinject", NULL);
  gchar *details = NULL;
  gint fault = -1;

  fail_unless (e != NULL);
  g_object_set (e, "error-details", "details, rtsp-status-code=(uint)401",
      NULL);
  g_object_get (e, "error-details", &details, "fault", &fault, NULL);
  fail_unless (details != NULL);
  fail_unless (strstr (details, "rtsp-status-code=(uint)401") != NULL,
      "%s", details);
  fail_unless_equals_int (fault, CG_FAULT_NONE);
  g_free (details);

  g_object_set (e, "error-details", "", NULL);
  g_object_get (e, "error-details", &details, NULL);
  fail_unless (details == NULL);

  /* not a structure: cleared, and a VALIDATION_ERROR that names it */
  {
    GstBus *bus = gst_bus_new ();
    GstMessage *msg;
    GError *err = NULL;
    CgCode code = 0;

    gst_element_set_bus (e, bus);
    g_object_set (e, "error-details", "details, x=1", NULL);
    g_object_set (e, "error-details", "=not a structure", NULL);
    g_object_get (e, "error-details", &details, NULL);
    fail_unless (details == NULL);
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
    fail_unless (msg != NULL);
    fail_unless (cg_message_get_code (msg, &code));
    fail_unless_equals_int (code, CG_CODE_VALIDATION_ERROR);
    gst_message_parse_warning (msg, &err, NULL);
    fail_unless (strstr (err->message, "error-details") != NULL);
    g_clear_error (&err);
    gst_message_unref (msg);
    gst_element_set_bus (e, NULL);
    gst_object_unref (bus);
  }
  gst_object_unref (e);
}

GST_END_TEST;

static Suite *
faultinject_trigger_suite (void)
{
  Suite *s = suite_create ("faultinject-trigger");
  TCase *tc = tcase_create ("trigger");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_probability_reproducible);
  tcase_add_test (tc, test_probability_zero);
  tcase_add_test (tc, test_at_running_time);
  tcase_add_test (tc, test_at_running_time_segment);
  tcase_add_test (tc, test_trigger_action);
  tcase_add_test (tc, test_properties_roundtrip);
  return s;
}

GST_CHECK_MAIN (faultinject_trigger);
