/* camguard - faultinject tests: what each fault does (error, warning,
 * drop, delay, stall, corrupt, eos)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/check/gsttestclock.h>

#include "faultinject-harness.h"

GST_START_TEST (test_error_after_buffers)
{
  GstHarness *h = new_harness ("faultinject");
  GstElement *e = fault_element (h);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;
  const GstStructure *details = NULL;
  guint status = 0;

  gst_util_set_object_arg (G_OBJECT (e), "fault", "error");
  gst_util_set_object_arg (G_OBJECT (e), "error-domain", "resource");
  g_object_set (e, "after-buffers", (guint64) 3, "error-code",
      GST_RESOURCE_ERROR_NOT_AUTHORIZED, "error-details",
      "details, rtsp-status-code=(uint)401", NULL);
  gst_element_set_bus (e, bus);

  for (guint64 i = 0; i < 3; i++)
    fail_unless_equals_int (gst_harness_push (h, make_buffer (i)), GST_FLOW_OK);
  /* nothing posted before buffer 3 */
  fail_unless (gst_bus_pop_filtered (bus,
          GST_MESSAGE_ERROR | GST_MESSAGE_WARNING) == NULL);

  fail_unless_equals_int (gst_harness_push (h, make_buffer (3)),
      GST_FLOW_ERROR);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (e));
  gst_message_parse_error (msg, &err, &debug);
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_NOT_AUTHORIZED));
  fail_unless (strstr (debug, "at buffer 3") != NULL, "debug: %s", debug);
  gst_message_parse_error_details (msg, &details);
  fail_unless (details != NULL);
  fail_unless (gst_structure_get_uint (details, "rtsp-status-code", &status));
  fail_unless_equals_int (status, 401);
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (msg);
  /* one ERROR only */
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR) == NULL);

  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 3);
  fail_unless_equals_uint64 (stat_u64 (e, "faults-fired"), 1);
  fail_unless_equals_uint64 (stat_u64 (e, "buffers-seen"), 4);

  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_error_custom_text)
{
  GstHarness *h = new_harness ("faultinject fault=error error-domain=stream "
      "error-code=7 error-message=broken error-debug=dbg");
  GstElement *e = fault_element (h);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;
  const GstStructure *details = NULL;

  gst_element_set_bus (e, bus);
  fail_unless_equals_int (gst_harness_push (h, make_buffer (0)),
      GST_FLOW_ERROR);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, &debug);
  fail_unless (g_error_matches (err, GST_STREAM_ERROR,
          GST_STREAM_ERROR_DECODE));
  fail_unless_equals_string (err->message, "broken");
  fail_unless (g_str_has_suffix (debug, ":\ndbg"), "debug: %s", debug);
  gst_message_parse_error_details (msg, &details);
  fail_unless (details == NULL);
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (msg);

  /* fires once: the next buffer passes */
  fail_unless_equals_int (gst_harness_push (h, make_buffer (1)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 1);

  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_warning_keeps_flowing)
{
  GstHarness *h = new_harness ("faultinject fault=warning after-buffers=1 "
      "error-domain=resource error-code=9");
  GstElement *e = fault_element (h);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  gchar *s;

  gst_element_set_bus (e, bus);
  for (guint64 i = 0; i < 4; i++)
    fail_unless_equals_int (gst_harness_push (h, make_buffer (i)), GST_FLOW_OK);

  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (msg != NULL);
  gst_message_parse_warning (msg, &err, NULL);
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_READ));
  g_clear_error (&err);
  gst_message_unref (msg);
  fail_unless (gst_bus_pop_filtered (bus,
          GST_MESSAGE_WARNING | GST_MESSAGE_ERROR) == NULL);

  s = pulled_offsets (h);
  fail_unless_equals_string (s, "0,1,2,3");
  g_free (s);

  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_drop_duration)
{
  GstHarness *h = new_harness ("faultinject fault=drop after-buffers=2 "
      "duration=3 post-messages=true");
  GstElement *e = fault_element (h);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  const GstStructure *s;
  guint64 buffer = 0;
  gchar *out;

  gst_element_set_bus (e, bus);
  for (guint64 i = 0; i < 8; i++)
    fail_unless_equals_int (gst_harness_push (h, make_buffer (i)), GST_FLOW_OK);

  out = pulled_offsets (h);
  fail_unless_equals_string (out, "0,1,5,6,7");
  g_free (out);
  fail_unless_equals_uint64 (stat_u64 (e, "buffers-dropped"), 3);
  fail_unless_equals_uint64 (stat_u64 (e, "faults-fired"), 1);

  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  fail_unless (msg != NULL);
  s = gst_message_get_structure (msg);
  fail_unless (gst_structure_has_name (s, "camguard-fault"));
  fail_unless_equals_string (gst_structure_get_string (s, "fault"), "drop");
  fail_unless (gst_structure_get_uint64 (s, "buffer", &buffer));
  fail_unless_equals_uint64 (buffer, 2);
  gst_message_unref (msg);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT) == NULL);

  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_drop_repeat_statistics)
{
  GstHarness *h = new_harness ("faultinject fault=drop after-buffers=1 "
      "duration=2 repeat=1");
  GstElement *e = fault_element (h);
  gchar *out;

  for (guint64 i = 0; i < 10; i++)
    fail_unless_equals_int (gst_harness_push (h, make_buffer (i)), GST_FLOW_OK);

  out = pulled_offsets (h);
  fail_unless_equals_string (out, "0,3,6,7,8,9");
  g_free (out);
  fail_unless_equals_uint64 (stat_u64 (e, "buffers-seen"), 10);
  fail_unless_equals_uint64 (stat_u64 (e, "faults-fired"), 2);
  fail_unless_equals_uint64 (stat_u64 (e, "buffers-dropped"), 4);
  fail_unless_equals_uint64 (stat_u64 (e, "buffers-corrupted"), 0);
  fail_unless_equals_uint64 (stat_u64 (e, "stalls"), 0);

  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_delay_on_test_clock)
{
  GstHarness *h = new_harness ("queue ! faultinject fault=delay "
      "delay=1000000000 after-buffers=1 duration=1");
  GstElement *e = fault_element (h);
  GstTestClock *clock;
  GstClockID id;
  GstBuffer *buf;

  gst_harness_use_testclock (h);
  clock = gst_harness_get_testclock (h);

  fail_unless_equals_int (gst_harness_push (h, make_buffer (0)), GST_FLOW_OK);
  buf = gst_harness_pull (h);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), 0);
  gst_buffer_unref (buf);

  /* buffer 1 waits one second on the test clock */
  fail_unless_equals_int (gst_harness_push (h, make_buffer (1)), GST_FLOW_OK);
  fail_unless (gst_harness_wait_for_clock_id_waits (h, 1, 60));
  fail_unless (gst_test_clock_peek_next_pending_id (clock, &id));
  fail_unless_equals_uint64 (gst_clock_id_get_time (id),
      gst_clock_get_time (GST_CLOCK (clock)) + GST_SECOND);
  gst_clock_id_unref (id);
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 0);

  fail_unless (gst_harness_crank_single_clock_wait (h));
  buf = gst_harness_pull (h);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), 1);
  gst_buffer_unref (buf);
  fail_unless_equals_uint64 (stat_u64 (e, "buffers-delayed"), 1);

  /* duration=1: buffer 2 is not delayed (no new clock wait needed) */
  fail_unless_equals_int (gst_harness_push (h, make_buffer (2)), GST_FLOW_OK);
  buf = gst_harness_pull (h);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), 2);
  gst_buffer_unref (buf);
  fail_unless_equals_uint64 (stat_u64 (e, "buffers-delayed"), 1);

  gst_object_unref (clock);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_delay_unblocked_by_flush)
{
  GstHarness *h = new_harness ("queue ! faultinject fault=delay "
      "delay=1000000000 duration=0");
  GstElement *e = fault_element (h);
  GstSegment segment;
  GstBuffer *buf;

  gst_harness_use_testclock (h);
  fail_unless_equals_int (gst_harness_push (h, make_buffer (0)), GST_FLOW_OK);
  fail_unless (gst_harness_wait_for_clock_id_waits (h, 1, 60));

  /* flushing releases the wait without the clock moving */
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&segment)));
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 0);
  fail_unless_equals_uint64 (stat_u64 (e, "buffers-delayed"), 0);

  /* fault=none: the stream flows without waiting */
  gst_util_set_object_arg (G_OBJECT (e), "fault", "none");
  fail_unless_equals_int (gst_harness_push (h, make_buffer (1)), GST_FLOW_OK);
  buf = gst_harness_pull (h);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), 1);
  gst_buffer_unref (buf);

  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_stall_until_flush)
{
  GstHarness *h = new_harness ("queue ! faultinject fault=stall "
      "after-buffers=1");
  GstElement *e = fault_element (h);
  FiredLog log;
  GstSegment segment;
  GstBuffer *buf;

  fired_log_init (&log, e);
  fail_unless_equals_int (gst_harness_push (h, make_buffer (0)), GST_FLOW_OK);
  buf = gst_harness_pull (h);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), 0);
  gst_buffer_unref (buf);

  fail_unless_equals_int (gst_harness_push (h, make_buffer (1)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, make_buffer (2)), GST_FLOW_OK);
  fail_unless (fired_log_wait (&log, 1));
  fail_unless_equals_int (log.last_buffer, 1);
  fail_unless_equals_uint64 (stat_u64 (e, "stalls"), 1);
  /* stalled: nothing comes out */
  fail_unless (gst_harness_try_pull (h) == NULL);

  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&segment)));

  /* the stall fired once; after the flush the stream flows again */
  fail_unless_equals_int (gst_harness_push (h, make_buffer (3)), GST_FLOW_OK);
  buf = gst_harness_pull (h);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), 3);
  gst_buffer_unref (buf);
  fail_unless_equals_int (log.count, 1);

  fired_log_clear (&log, e);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_stall_released_by_ready)
{
  GstHarness *h = new_harness ("queue ! faultinject fault=stall");
  GstElement *e = fault_element (h);
  FiredLog log;

  fired_log_init (&log, e);
  fail_unless_equals_int (gst_harness_push (h, make_buffer (0)), GST_FLOW_OK);
  fail_unless (fired_log_wait (&log, 1));
  /* would deadlock if the stalled streaming thread were not released */
  fail_unless_equals_int (gst_element_set_state (h->element, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 0);

  fired_log_clear (&log, e);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_stall_timed_on_test_clock)
{
  GstHarness *h = new_harness ("queue ! faultinject fault=stall "
      "duration-format=time duration=5000000000");
  GstBuffer *buf;

  gst_harness_use_testclock (h);
  fail_unless_equals_int (gst_harness_push (h, make_buffer (0)), GST_FLOW_OK);
  fail_unless (gst_harness_wait_for_clock_id_waits (h, 1, 60));
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 0);
  fail_unless (gst_harness_crank_single_clock_wait (h));
  buf = gst_harness_pull (h);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), 0);
  gst_buffer_unref (buf);

  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_stall_ended_by_fault_change)
{
  GstHarness *h = new_harness ("queue ! faultinject fault=stall");
  GstElement *e = fault_element (h);
  FiredLog log;
  GstBuffer *buf;

  fired_log_init (&log, e);
  fail_unless_equals_int (gst_harness_push (h, make_buffer (0)), GST_FLOW_OK);
  fail_unless (fired_log_wait (&log, 1));
  fail_unless (gst_harness_try_pull (h) == NULL);

  /* disarming ends the stall; the held buffer then passes */
  gst_util_set_object_arg (G_OBJECT (e), "fault", "none");
  buf = gst_harness_pull (h);
  fail_unless (buf != NULL);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), 0);
  gst_buffer_unref (buf);

  fired_log_clear (&log, e);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_corrupt_every_byte)
{
  GstHarness *h = new_harness ("faultinject fault=corrupt corrupt-bytes=0");
  GstBuffer *orig = make_buffer (0);
  GstBuffer *res;
  GstMapInfo a, b;

  fail_unless_equals_int (gst_harness_push (h, make_buffer (0)), GST_FLOW_OK);
  res = gst_harness_pull (h);
  gst_buffer_map (orig, &a, GST_MAP_READ);
  gst_buffer_map (res, &b, GST_MAP_READ);
  fail_unless_equals_int (a.size, b.size);
  for (gsize i = 0; i < a.size; i++)
    fail_unless (a.data[i] != b.data[i], "byte %u unchanged", (guint) i);
  gst_buffer_unmap (orig, &a);
  gst_buffer_unmap (res, &b);
  gst_buffer_unref (orig);
  gst_buffer_unref (res);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Run a corrupt fault over two buffers with @seed; return the output bytes
 * of both. Checks that the input buffers were not modified in place. */
static GBytes *
corrupt_run (guint seed)
{
  GstHarness *h = new_harness ("faultinject fault=corrupt duration=2 "
      "corrupt-bytes=8");
  GstElement *e = fault_element (h);
  GByteArray *out = g_byte_array_new ();

  g_object_set (e, "seed", seed, NULL);
  for (guint64 i = 0; i < 3; i++) {
    GstBuffer *in = make_buffer (i);
    GstBuffer *orig = make_buffer (i);
    GstBuffer *res;
    GstMapInfo map;

    gst_buffer_ref (in);        /* keep it read-only for the element */
    fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
    /* the element corrupted a copy, not the buffer we still hold */
    gst_buffer_map (orig, &map, GST_MAP_READ);
    fail_unless (gst_buffer_memcmp (in, 0, map.data, map.size) == 0);
    gst_buffer_unmap (orig, &map);

    res = gst_harness_pull (h);
    gst_buffer_map (res, &map, GST_MAP_READ);
    if (i < 2)
      fail_unless (gst_buffer_memcmp (orig, 0, map.data, map.size) != 0,
          "buffer %u not corrupted", (guint) i);
    else
      fail_unless (gst_buffer_memcmp (orig, 0, map.data, map.size) == 0,
          "buffer 2 corrupted after the duration");
    g_byte_array_append (out, map.data, map.size);
    gst_buffer_unmap (res, &map);
    gst_buffer_unref (res);
    gst_buffer_unref (in);
    gst_buffer_unref (orig);
  }
  fail_unless_equals_uint64 (stat_u64 (e, "buffers-corrupted"), 2);
  gst_harness_teardown (h);
  return g_byte_array_free_to_bytes (out);
}

GST_START_TEST (test_corrupt_deterministic)
{
  GBytes *a = corrupt_run (1234);
  GBytes *b = corrupt_run (1234);
  GBytes *c = corrupt_run (99);

  fail_unless (g_bytes_equal (a, b), "same seed gave different bytes");
  fail_if (g_bytes_equal (a, c), "other seed gave the same bytes");

  g_bytes_unref (a);
  g_bytes_unref (b);
  g_bytes_unref (c);
}

GST_END_TEST;

GST_START_TEST (test_eos)
{
  GstHarness *h = new_harness ("faultinject fault=eos after-buffers=2");
  GstElement *e = fault_element (h);
  GstEvent *ev;
  guint n_eos = 0;
  gchar *out;

  for (guint64 i = 0; i < 5; i++)
    fail_unless_equals_int (gst_harness_push (h, make_buffer (i)), GST_FLOW_OK);
  /* upstream's own EOS after ours is not forwarded a second time */
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));

  out = pulled_offsets (h);
  fail_unless_equals_string (out, "0,1");
  g_free (out);
  while ((ev = gst_harness_try_pull_event (h))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS)
      n_eos++;
    gst_event_unref (ev);
  }
  fail_unless_equals_int (n_eos, 1);
  fail_unless_equals_uint64 (stat_u64 (e, "buffers-dropped"), 3);

  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
faultinject_suite (void)
{
  Suite *s = suite_create ("faultinject");
  TCase *tc = tcase_create ("faults");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_error_after_buffers);
  tcase_add_test (tc, test_error_custom_text);
  tcase_add_test (tc, test_warning_keeps_flowing);
  tcase_add_test (tc, test_drop_duration);
  tcase_add_test (tc, test_drop_repeat_statistics);
  tcase_add_test (tc, test_delay_on_test_clock);
  tcase_add_test (tc, test_delay_unblocked_by_flush);
  tcase_add_test (tc, test_stall_until_flush);
  tcase_add_test (tc, test_stall_released_by_ready);
  tcase_add_test (tc, test_stall_timed_on_test_clock);
  tcase_add_test (tc, test_stall_ended_by_fault_change);
  tcase_add_test (tc, test_corrupt_deterministic);
  tcase_add_test (tc, test_corrupt_every_byte);
  tcase_add_test (tc, test_eos);
  return s;
}

GST_CHECK_MAIN (faultinject);
