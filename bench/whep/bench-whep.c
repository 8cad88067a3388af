/* bench-whep: what WebRTC (WHEP) viewers cost the gateway, and how late
 * they get the picture compared with the RTSP output
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: bench-whep GATEWAY_PID BASE_URL RTSP_URL KEY SECONDS N...
 *
 * Cost: for each N (ascending, the first normally 0) it opens WHEP viewers
 * (webrtcbin receivers, depayload only, in this process) until there are
 * N, lets them settle for 3 s, then reads the gateway's CPU time
 * (/proc/PID/stat utime + stime) over SECONDS and its RSS (VmRSS) at the
 * end; it prints % of a core and MiB, the ratio to the first row, and the
 * cost per viewer over the first row. Every viewer must have received
 * access units.
 *
 * Latency: then one more WHEP viewer and one RTSP client (rtspsrc), both
 * with a jitterbuffer latency of 0. RTSP: rtpbin's reference timestamp
 * meta (the sender's NTP time of each packet's RTP timestamp, from its
 * RTCP sender reports): for each RTP packet that leaves the receiver's
 * jitterbuffer, the wall clock now minus that NTP time is the time since
 * the access unit entered the output's appsrc in the gateway (same
 * machine, same clock). WHEP against RTSP: both outputs carry copies of the
 * same access units (one fan-out), so each depayloaded access unit is
 * recognised in both (a hash of its last 64 bytes) and the difference of
 * its arrival times is WHEP's extra latency over RTSP. p5/p50/p95 over
 * SECONDS.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gst/gst.h>
#include <libsoup/soup.h>

#include "whep-client.h"

#define NTP_UNIX_OFFSET_S G_GUINT64_CONSTANT (2208988800)

static const gchar *base_url, *key;
static SoupSession *session;

/* The viewers run on their own threads: the benchmark only waits. */
static void
run_for (guint ms)
{
  g_usleep (ms * (gulong) 1000);
}

/* utime + stime of @pid, in clock ticks */
static guint64
cpu_ticks (const gchar * pid)
{
  g_autofree gchar *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree gchar *text = NULL;
  g_auto (GStrv) f = NULL;
  const gchar *after;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    g_error ("cannot read %s", path);
  after = strrchr (text, ')');  /* the command may hold spaces */
  f = g_strsplit (after + 2, " ", -1);
  /* after ")": state is field 3; utime 14 and stime 15 */
  return g_ascii_strtoull (f[11], NULL, 10) + g_ascii_strtoull (f[12], NULL,
      10);
}

static gdouble
rss_mib (const gchar * pid)
{
  g_autofree gchar *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree gchar *text = NULL;
  const gchar *at;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    g_error ("cannot read %s", path);
  at = strstr (text, "VmRSS:");
  return at ? g_ascii_strtoull (at + 6, NULL, 10) / 1024.0 : 0.0;
}

typedef struct _Samples Samples;
static void watch_latency (WhepClient * c, Samples * samples);

/* A WHEP viewer of the camera "demo", its answer set; @lat: measure its
 * latency into it */
static WhepClient *
open_viewer (Samples * lat)
{
  WhepClient *c = whep_client_new_full (10000, FALSE);
  g_autofree gchar *url = g_strconcat (base_url, "/api/v1/cameras/demo/whep",
      NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
  g_autofree gchar *auth = g_strconcat ("Bearer ", key, NULL);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GBytes) answer = NULL;
  g_autofree gchar *sdp = NULL;

  if (c == NULL)
    g_error ("the viewer made no offer");
  if (lat)
    watch_latency (c, lat);
  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "Authorization", auth);
  body = g_bytes_new (whep_client_get_offer (c),
      strlen (whep_client_get_offer (c)));
  soup_message_set_request_body_from_bytes (msg, "application/sdp", body);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  if (soup_message_get_status (msg) != 201 || answer == NULL)
    g_error ("POST whep: %u", soup_message_get_status (msg));
  sdp = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  if (!whep_client_set_answer (c, sdp))
    g_error ("the viewer refused the answer");
  return c;
}

static void
measure_cost (const gchar * pid, guint secs, gchar ** counts)
{
  GPtrArray *viewers = g_ptr_array_new ();
  gdouble base_cpu = -1, base_rss = 0;
  glong hz = sysconf (_SC_CLK_TCK);
  guint i, j;

  g_print ("| viewers | gateway CPU (%% of a core) | ratio | per viewer "
      "(%% of a core) | RSS (MiB) | RSS per viewer (MiB) |\n"
      "| --- | --- | --- | --- | --- | --- |\n");
  for (i = 0; counts[i]; i++) {
    guint n = (guint) atoi (counts[i]);
    guint64 t0, t1;
    gint64 w0, w1;
    gdouble cpu, rss;

    while (viewers->len < n)
      g_ptr_array_add (viewers, open_viewer (NULL));
    run_for (3000);
    t0 = cpu_ticks (pid);
    w0 = g_get_monotonic_time ();
    run_for (secs * 1000);
    t1 = cpu_ticks (pid);
    w1 = g_get_monotonic_time ();
    cpu = 100.0 * (t1 - t0) / hz / ((w1 - w0) / 1e6);
    rss = rss_mib (pid);
    for (j = 0; j < viewers->len; j++)
      if (whep_client_get_frames (g_ptr_array_index (viewers, j)) == 0)
        g_error ("viewer %u received nothing", j);
    if (base_cpu < 0) {
      base_cpu = cpu;
      base_rss = rss;
    }
    if (n == 0)
      g_print ("| 0 | %.1f | 1.00x | - | %.1f | - |\n", cpu, rss);
    else
      g_print ("| %u | %.1f | %.2fx | %.2f | %.1f | %.2f |\n", n, cpu,
          base_cpu > 0 ? cpu / base_cpu : 0.0, (cpu - base_cpu) / n, rss,
          (rss - base_rss) / n);
  }
  g_ptr_array_free (viewers, TRUE);     /* the viewers stay until exit */
}

/* ------------------------------------------------------------------ */
/* latency                                                              */

struct _Samples
{
  GMutex lock;
  GArray *ms;                   /* gdouble */
  GstCaps *ntp;
  GHashTable *arrivals;         /* AU tail hash -> first arrival (µs) */
};

/* An access unit's identity: a hash of its last 64 bytes (slice data, the
 * same bytes in both outputs: they are copies of one fan-out's buffer). */
static guint
au_hash (GstBuffer * buf)
{
  gsize size = gst_buffer_get_size (buf);
  gsize n = MIN (size, 64);
  guint8 tail[64];
  guint h = 2166136261u;
  gsize i;

  gst_buffer_extract (buf, size - n, tail, n);
  for (i = 0; i < n; i++)
    h = (h ^ tail[i]) * 16777619u;
  return h ? h : 1;
}

static GstPadProbeReturn
on_access_unit (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Samples *s = data;
  guint h = au_hash (GST_PAD_PROBE_INFO_BUFFER (info));
  gint64 *now = g_new (gint64, 1);

  *now = g_get_real_time ();
  g_mutex_lock (&s->lock);
  if (!g_hash_table_contains (s->arrivals, GUINT_TO_POINTER (h)))
    g_hash_table_insert (s->arrivals, GUINT_TO_POINTER (h), now);
  else
    g_free (now);
  g_mutex_unlock (&s->lock);
  return GST_PAD_PROBE_OK;
}

/* the depayloaded access units of an output, at its sink */
static void
watch_access_units (GstElement * sink, Samples * s)
{
  GstPad *pad = gst_element_get_static_pad (sink, "sink");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_access_unit, s, NULL);
  gst_object_unref (pad);
}

static GstPadProbeReturn
on_rtp (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Samples *s = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstReferenceTimestampMeta *meta =
      gst_buffer_get_reference_timestamp_meta (buf, s->ntp);
  guint64 now;
  gdouble ms;

  if (meta == NULL)
    return GST_PAD_PROBE_OK;
  now = (guint64) g_get_real_time () * 1000 + NTP_UNIX_OFFSET_S * GST_SECOND;
  ms = ((gdouble) now - (gdouble) meta->timestamp) / 1e6;
  g_mutex_lock (&s->lock);
  g_array_append_val (s->ms, ms);
  g_mutex_unlock (&s->lock);
  return GST_PAD_PROBE_OK;
}

static void
on_pad_added (GstElement * element, GstPad * pad, gpointer data)
{
  if (GST_PAD_DIRECTION (pad) == GST_PAD_SRC)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_rtp, data, NULL);
}

/* after whep-client.c linked its depayloading bin: its appsink "frames" */
static void
on_whep_pad_added (GstElement * webrtc, GstPad * pad, gpointer data)
{
  GstElement *sink = gst_bin_get_by_name (GST_BIN (GST_OBJECT_PARENT
          (webrtc)), "frames");

  if (sink) {
    watch_access_units (sink, data);
    gst_object_unref (sink);
  }
}

static void
on_new_manager (GstElement * rtspsrc, GstElement * rtpbin, gpointer data)
{
  g_object_set (rtpbin, "add-reference-timestamp-meta", TRUE, NULL);
}

/* jitterbuffer latency 0 and the arrival of each access unit (webrtcbin's
 * sender reports are not used: their NTP/RTP mapping gave a constant
 * offset of seconds, jumping by 5 s at a new report, see
 * docs/benchmarks.md) */
static void
watch_latency (WhepClient * c, Samples * samples)
{
  GstElement *webrtc = whep_client_get_webrtcbin (c);

  g_object_set (webrtc, "latency", 0, NULL);
  g_signal_connect_after (webrtc, "pad-added",
      G_CALLBACK (on_whep_pad_added), samples);
}

static gint
cmp_double (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

static void
print_latency (const gchar * what, Samples * s)
{
  GArray *a = s->ms;
  guint n;

  g_mutex_lock (&s->lock);
  g_array_sort (a, cmp_double);
  n = a->len;
  if (n == 0)
    g_error ("%s: no packet with a sender NTP time", what);
  g_print ("| %s | %u | %.1f | %.1f | %.1f |\n", what, n,
      g_array_index (a, gdouble, n / 2), g_array_index (a, gdouble,
          n * 95 / 100), g_array_index (a, gdouble, n - 1));
  g_mutex_unlock (&s->lock);
}

/* The same access units' arrival, WHEP minus RTSP. */
static void
print_difference (Samples * whep, Samples * rtsp)
{
  g_autoptr (GArray) d = g_array_new (FALSE, FALSE, sizeof (gdouble));
  GHashTableIter iter;
  gpointer k, v;
  guint n;

  g_mutex_lock (&whep->lock);
  g_mutex_lock (&rtsp->lock);
  g_hash_table_iter_init (&iter, whep->arrivals);
  while (g_hash_table_iter_next (&iter, &k, &v)) {
    gint64 *other = g_hash_table_lookup (rtsp->arrivals, k);
    gdouble ms;

    if (other == NULL)
      continue;
    ms = (*(gint64 *) v - *other) / 1000.0;
    g_array_append_val (d, ms);
  }
  g_mutex_unlock (&rtsp->lock);
  g_mutex_unlock (&whep->lock);
  n = d->len;
  if (n == 0)
    g_error ("no access unit seen by both outputs");
  g_array_sort (d, cmp_double);
  g_print ("\n| same access units, WHEP arrival minus RTSP arrival | AUs "
      "| p5 (ms) | p50 (ms) | p95 (ms) |\n| --- | --- | --- | --- | --- |\n"
      "| depayloaded at the receiver | %u | %.1f | %.1f | %.1f |\n", n,
      g_array_index (d, gdouble, n * 5 / 100), g_array_index (d, gdouble,
          n / 2), g_array_index (d, gdouble, n * 95 / 100));
}

static void
samples_init (Samples * s)
{
  g_mutex_init (&s->lock);
  s->ms = g_array_new (FALSE, FALSE, sizeof (gdouble));
  s->ntp = gst_caps_new_empty_simple ("timestamp/x-ntp");
  s->arrivals = g_hash_table_new_full (NULL, NULL, NULL, g_free);
}

static void
samples_reset (Samples * s)
{
  g_mutex_lock (&s->lock);
  g_array_set_size (s->ms, 0);
  g_hash_table_remove_all (s->arrivals);
  g_mutex_unlock (&s->lock);
}

static void
measure_latency (const gchar * rtsp_url, guint secs)
{
  static Samples whep, rtsp;
  g_autofree gchar *launch = g_strdup_printf ("rtspsrc name=src "
      "location=%s latency=0 ! rtph264depay ! fakesink name=sink sync=false",
      rtsp_url);
  GstElement *pipe, *src, *sink;
  WhepClient *viewer;

  samples_init (&whep);
  samples_init (&rtsp);
  viewer = open_viewer (&whep);

  pipe = gst_parse_launch (launch, NULL);
  src = gst_bin_get_by_name (GST_BIN (pipe), "src");
  g_signal_connect (src, "new-manager", G_CALLBACK (on_new_manager), NULL);
  g_signal_connect (src, "pad-added", G_CALLBACK (on_pad_added), &rtsp);
  gst_object_unref (src);
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  watch_access_units (sink, &rtsp);
  gst_object_unref (sink);
  gst_element_set_state (pipe, GST_STATE_PLAYING);

  run_for (3000);               /* a few sender reports first */
  samples_reset (&whep);
  samples_reset (&rtsp);
  run_for (secs * 1000);
  g_print ("\n| output | packets | p50 (ms) | p95 (ms) | max (ms) |\n"
      "| --- | --- | --- | --- | --- |\n");
  print_latency ("RTSP: appsrc in the gateway to the receiver's "
      "jitterbuffer (sender reports)", &rtsp);
  print_difference (&whep, &rtsp);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  whep_client_free (viewer);
}

int
main (int argc, char **argv)
{
  guint secs;

  gst_init (&argc, &argv);
  if (argc < 7) {
    g_printerr ("usage: %s GATEWAY_PID BASE_URL RTSP_URL KEY SECONDS N...\n",
        argv[0]);
    return 2;
  }
  base_url = argv[2];
  key = argv[4];
  secs = (guint) atoi (argv[5]);
  session = soup_session_new ();
  measure_cost (argv[1], secs, argv + 6);
  measure_latency (argv[3], secs);
  g_object_unref (session);
  return 0;
}
