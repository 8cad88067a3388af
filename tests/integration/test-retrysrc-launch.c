/* camguard - retrysrc as users run it: gst-launch-1.0, -e into mp4mux,
 * fallback frames with a decoder in the description
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Regression tests of issue 14 items 1, 2 and 5, on real processes and real
 * pipelines on the system clock. Every wait is bounded and only detects a
 * hang.
 *
 * Usage (meson passes it): test-retrysrc-launch GST-LAUNCH
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

static const gchar *gst_launch;

/* Runs gst-launch-1.0 with @args; kills it after @timeout_s. Returns the
 * wait status; *killed tells whether the hang guard fired. */
static gint
run_launch (const gchar * const *args, guint timeout_s, gboolean * killed)
{
  GPtrArray *argv = g_ptr_array_new ();
  GError *err = NULL;
  GPid pid;
  gint status = 0;
  gint64 end = g_get_monotonic_time () + timeout_s * G_TIME_SPAN_SECOND;

  g_ptr_array_add (argv, (gpointer) gst_launch);
  for (; *args; args++)
    g_ptr_array_add (argv, (gpointer) * args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_async (NULL, (gchar **) argv->pdata, NULL,
          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
          &pid, &err));
  g_assert_no_error (err);
  g_ptr_array_free (argv, TRUE);
  *killed = FALSE;
  while (waitpid (pid, &status, WNOHANG) == 0) {
    if (g_get_monotonic_time () > end) {
      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
      *killed = TRUE;
      break;
    }
    g_usleep (10 * 1000);
  }
  g_spawn_close_pid (pid);
  return status;
}

/* Item 1: a source that cannot work makes gst-launch exit non-zero at
 * once: nothing retrysrc does in a state change waits on downstream. */
static void
test_bad_descriptions (void)
{
  static const gchar *descriptions[] = {
    "videotestsrcc",
    "videotestsrc !",
    "video/x-raw,width=64",
    "videotestsrc ! video/x-raw,format=NOPE",
    "videotestsrc ! fakesink",
    "videotestsrc audiotestsrc",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (descriptions); i++) {
    g_autofree gchar *prop = g_strdup_printf ("source-description=%s",
        descriptions[i]);
    const gchar *args[] = { "retrysrc", prop, "!", "fakesink", NULL };
    gboolean killed;
    gint status;

    g_test_message ("source-description=\"%s\"", descriptions[i]);
    status = run_launch (args, 20, &killed);
    g_assert_false (killed);
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), !=, 0);
  }
}

typedef struct
{
  GMutex lock;
  GCond cond;
  guint buffers;
} Counter;

static GstPadProbeReturn
count_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Counter *c = user_data;

  g_mutex_lock (&c->lock);
  c->buffers++;
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
  return GST_PAD_PROBE_OK;
}

static void
counter_watch (Counter * c, GstElement * pipeline, const gchar * name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);
  GstPad *pad = gst_element_get_static_pad (e, "sink");

  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
  c->buffers = 0;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_buffer, c, NULL);
  gst_object_unref (pad);
  gst_object_unref (e);
}

/* Waits (bounded) until @n buffers more than @from were counted. */
static void
counter_wait (Counter * c, guint from, guint n)
{
  gint64 end = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;

  g_mutex_lock (&c->lock);
  while (c->buffers < from + n)
    g_assert_true (g_cond_wait_until (&c->cond, &c->lock, end));
  g_mutex_unlock (&c->lock);
}

static guint
counter_get (Counter * c)
{
  guint n;

  g_mutex_lock (&c->lock);
  n = c->buffers;
  g_mutex_unlock (&c->lock);
  return n;
}

static gboolean
is_retry_event (GstMessage * m, const gchar * event)
{
  const GstStructure *s = gst_message_get_structure (m);

  return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT
      && gst_structure_has_name (s, "camguard-retry")
      && g_strcmp0 (gst_structure_get_string (s, "event"), event) == 0;
}

/* Item 5: an EOS sent to the pipeline (gst-launch-1.0 -e at Ctrl-C) flows
 * through retrysrc into mp4mux, which writes its moov: the file plays. */
static void
test_eos_into_mp4 (void)
{
  g_autofree gchar *dir = g_dir_make_tmp ("retrysrc-XXXXXX", NULL);
  g_autofree gchar *path = g_build_filename (dir, "cam.mp4", NULL);
  g_autofree gchar *uri = g_filename_to_uri (path, NULL, NULL);
  g_autofree gchar *desc = g_strdup_printf ("retrysrc timeout=0 "
      "source-description=\"videotestsrc is-live=true "
      "! video/x-raw,width=160,height=120,framerate=30/1 "
      "! x264enc tune=zerolatency key-int-max=15\" ! h264parse name=parse "
      "! m.video_0 mp4mux name=m ! filesink location=%s", path);
  GError *err = NULL;
  GstElement *p = gst_parse_launch (desc, &err);
  GstDiscoverer *disc;
  GstDiscovererInfo *info;
  GstBus *bus;
  GstMessage *m;
  Counter c;

  g_assert_no_error (err);
  bus = gst_element_get_bus (p);
  counter_watch (&c, p, "parse");
  g_assert_cmpint (gst_element_set_state (p, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  counter_wait (&c, 0, 30);
  g_assert_true (gst_element_send_event (p, gst_event_new_eos ()));
  for (;;) {
    m = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);
    g_assert_nonnull (m);       /* else: EOS never came out */
    g_assert_cmpint (GST_MESSAGE_TYPE (m), !=, GST_MESSAGE_ERROR);
    g_assert_false (is_retry_event (m, "retrying"));
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS) {
      gst_message_unref (m);
      break;
    }
    gst_message_unref (m);
  }
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (p);

  disc = gst_discoverer_new (10 * GST_SECOND, &err);
  g_assert_no_error (err);
  info = gst_discoverer_discover_uri (disc, uri, &err);
  g_assert_no_error (err);
  g_assert_cmpint (gst_discoverer_info_get_result (info), ==,
      GST_DISCOVERER_OK);
  g_test_message ("duration %" GST_TIME_FORMAT, GST_TIME_ARGS
      (gst_discoverer_info_get_duration (info)));
  g_assert_cmpuint (gst_discoverer_info_get_duration (info), >, 0);
  g_object_unref (info);
  g_object_unref (disc);
  g_unlink (path);
  g_rmdir (dir);
}

static gpointer
stop_pipeline (gpointer data)
{
  gst_element_set_state (GST_ELEMENT (data), GST_STATE_NULL);
  return data;
}

/* Item 2: fallback frames with a decoder inside the description: many
 * restart cycles, frames keep arriving, and the pipeline reaches NULL. */
static void
check_fallback_cycles (gconstpointer data)
{
  const gchar *mode = data;
  g_autofree gchar *desc = g_strdup_printf ("retrysrc fallback-mode=%s "
      "timeout=0 initial-delay=5000000 max-delay=20000000 "
      "source-description=\"videotestsrc is-live=true "
      "! video/x-raw,width=64,height=48,framerate=30/1 "
      "! x264enc tune=zerolatency key-int-max=5 ! avdec_h264 "
      "! faultinject fault=error error-domain=resource error-code=9 "
      "after-buffers=4\" ! fakesink name=sink sync=true", mode);
  GError *err = NULL;
  GstElement *p = gst_parse_launch (desc, &err);
  GThread *stopper;
  GstBus *bus;
  Counter c;
  guint recoveries = 0, before = 0;
  gint64 end;

  g_assert_no_error (err);
  bus = gst_element_get_bus (p);
  counter_watch (&c, p, "sink");
  g_assert_cmpint (gst_element_set_state (p, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  while (recoveries < 12) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
        GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);

    g_assert_nonnull (m);       /* else: stuck at a restart */
    g_assert_cmpint (GST_MESSAGE_TYPE (m), !=, GST_MESSAGE_ERROR);
    if (is_retry_event (m, "recovered")) {
      recoveries++;
      /* frames keep arriving between recoveries */
      counter_wait (&c, before, 1);
      before = counter_get (&c);
      /* the application pauses and resumes in the middle of it */
      if (recoveries == 6) {
        g_assert_cmpint (gst_element_set_state (p, GST_STATE_PAUSED), !=,
            GST_STATE_CHANGE_FAILURE);
        g_assert_cmpint (gst_element_set_state (p, GST_STATE_PLAYING), !=,
            GST_STATE_CHANGE_FAILURE);
      }
    }
    gst_message_unref (m);
  }
  /* the pipeline stops, in bounded time */
  stopper = g_thread_new ("stop", stop_pipeline, p);
  end = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;
  while (GST_STATE (p) != GST_STATE_NULL) {
    g_assert_cmpint (g_get_monotonic_time (), <, end);
    g_usleep (10 * 1000);
  }
  g_thread_join (stopper);
  gst_object_unref (bus);
  gst_object_unref (p);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: test-retrysrc-launch GST-LAUNCH");
  gst_launch = argv[1];
  g_test_add_func ("/retrysrc-launch/bad-descriptions", test_bad_descriptions);
  g_test_add_func ("/retrysrc-launch/eos-into-mp4", test_eos_into_mp4);
  g_test_add_data_func ("/retrysrc-launch/fallback-cycles/black", "black",
      check_fallback_cycles);
  g_test_add_data_func ("/retrysrc-launch/fallback-cycles/last-frame",
      "last-frame", check_fallback_cycles);
  g_test_add_data_func ("/retrysrc-launch/fallback-cycles/pattern",
      "pattern", check_fallback_cycles);
  return g_test_run ();
}
