/* camguard - retrysrc in a real pipeline on the system clock
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The harness tests run on a test clock with base time 0; this one runs a
 * live source inside retrysrc into a syncing sink, as gst-launch does, and
 * checks that frames flow, that a failure is recovered from, and that the
 * pipeline never leaves PLAYING meanwhile. Bounded waits only.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

static void
test_live_restart (void)
{
  GError *err = NULL;
  GstElement *p = gst_parse_launch ("retrysrc name=r initial-delay=10000000 "
      "source-description=\"videotestsrc is-live=true "
      "! video/x-raw,width=64,height=48,framerate=30/1 "
      "! faultinject fault=error error-domain=resource error-code=9 "
      "after-buffers=10\" ! fakesink name=sink sync=true", &err);
  GstBus *bus;
  guint recoveries = 0;
  gboolean left_playing = FALSE, playing = FALSE;

  g_assert_no_error (err);
  bus = gst_element_get_bus (p);
  g_assert_cmpint (gst_element_set_state (p, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  while (recoveries < 2) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
        GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR | GST_MESSAGE_EOS |
        GST_MESSAGE_STATE_CHANGED);

    g_assert_nonnull (m);       /* frames flow: failures and recoveries come */
    g_assert_cmpint (GST_MESSAGE_TYPE (m), !=, GST_MESSAGE_ERROR);
    g_assert_cmpint (GST_MESSAGE_TYPE (m), !=, GST_MESSAGE_EOS);
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_STATE_CHANGED
        && GST_MESSAGE_SRC (m) == GST_OBJECT (p)) {
      GstState old, new_state;

      gst_message_parse_state_changed (m, &old, &new_state, NULL);
      if (new_state == GST_STATE_PLAYING)
        playing = TRUE;
      else if (playing)
        left_playing = TRUE;
    }
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT) {
      const GstStructure *s = gst_message_get_structure (m);

      if (gst_structure_has_name (s, "camguard-retry")
          && g_strcmp0 (gst_structure_get_string (s, "event"),
              "recovered") == 0)
        recoveries++;
    }
    gst_message_unref (m);
  }
  g_assert_true (playing);
  g_assert_false (left_playing);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (p);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/retrysrc-pipeline/live-restart", test_live_restart);
  return g_test_run ();
}
