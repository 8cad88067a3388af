/* camguard - retrysrc restart cycles: file descriptors and RSS stay flat
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A live test camera inside retrysrc fails after every 2 buffers
 * (faultinject, RESOURCE/READ); retrysrc restarts it with a 1 ms delay.
 * After a warm-up of WARMUP recoveries the process's open file descriptors
 * and resident set size are sampled, then again after CYCLES more; the
 * figures and their difference are printed.
 *
 * Usage: GST_PLUGIN_PATH=build/plugins/camguard \
 *          build/bench/bench-retrysrc-cycles [CYCLES] [WARMUP]
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <gst/gst.h>

static guint
count_fds (void)
{
  GDir *d = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  if (d == NULL)
    return 0;
  while (g_dir_read_name (d))
    n++;
  g_dir_close (d);
  return n;
}

static gulong
rss_kib (void)
{
  gchar *status = NULL, **lines, **l;
  gulong kib = 0;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  lines = g_strsplit (status, "\n", -1);
  for (l = lines; *l; l++)
    if (g_str_has_prefix (*l, "VmRSS:"))
      kib = strtoul (*l + 6, NULL, 10);
  g_strfreev (lines);
  g_free (status);
  return kib;
}

/* Waits for @n "recovered" events; FALSE on error or timeout. */
static gboolean
wait_recoveries (GstBus * bus, guint n)
{
  guint seen = 0;

  while (seen < n) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
        GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);
    const GstStructure *s;

    if (m == NULL)
      return FALSE;
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
      gst_message_unref (m);
      return FALSE;
    }
    s = gst_message_get_structure (m);
    if (gst_structure_has_name (s, "camguard-retry")
        && g_strcmp0 (gst_structure_get_string (s, "event"), "recovered") == 0)
      seen++;
    gst_message_unref (m);
  }
  return TRUE;
}

int
main (int argc, char **argv)
{
  guint cycles = argc > 1 ? atoi (argv[1]) : 1000;
  guint warmup = argc > 2 ? atoi (argv[2]) : 20;
  GError *err = NULL;
  GstElement *p;
  GstBus *bus;
  guint fd0, fd1;
  gulong rss0, rss1;

  gst_init (&argc, &argv);
  p = gst_parse_launch ("retrysrc initial-delay=1000000 multiplier=1.0 "
      "jitter=none max-attempts=0 max-outage=0 breaker-threshold=1000000 "
      "source-description=\"videotestsrc is-live=true "
      "! video/x-raw,width=64,height=48,framerate=1000/1 "
      "! faultinject fault=error error-domain=resource error-code=9 "
      "after-buffers=2\" ! fakesink", &err);
  if (p == NULL) {
    g_printerr ("pipeline: %s\n", err->message);
    return 2;
  }
  bus = gst_element_get_bus (p);
  gst_element_set_state (p, GST_STATE_PLAYING);
  if (!wait_recoveries (bus, warmup)) {
    g_printerr ("warm-up failed\n");
    return 1;
  }
  fd0 = count_fds ();
  rss0 = rss_kib ();
  if (!wait_recoveries (bus, cycles)) {
    g_printerr ("cycles failed\n");
    return 1;
  }
  fd1 = count_fds ();
  rss1 = rss_kib ();
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (p);

  printf ("retrysrc restart cycles: %u (after %u warm-up)\n", cycles, warmup);
  printf ("| | after warm-up | after %u cycles | change |\n", cycles);
  printf ("|---|---|---|---|\n");
  printf ("| open fds | %u | %u | %+d |\n", fd0, fd1, (gint) fd1 - (gint) fd0);
  printf ("| RSS (KiB) | %lu | %lu | %+ld |\n", rss0, rss1,
      (glong) rss1 - (glong) rss0);
  return fd1 > fd0 ? 1 : 0;
}
