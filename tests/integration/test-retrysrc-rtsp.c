/* camguard - retrysrc over real RTSP against camguard-fake-camera
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Real pipelines on the system clock, everything on 127.0.0.1:
 *
 *   retrysrc source-description="rtspsrc ... ! rtph264depay ! h264parse"
 *     ! avdec_h264 ! fakesink
 *
 * The fake camera is killed and revived (TCP and UDP), asks for credentials
 * that the client does not have, stalls its RTP stream, and closes the
 * connection 100 times. Checks the camguard-retry messages (event, code,
 * next-delay, outage), that the pipeline never leaves PLAYING, that no ERROR
 * or EOS leaves retrysrc while it retries, that the PTS at the sink are
 * monotonic across restarts, and that a restart cycle leaks neither file
 * descriptors nor memory. Every wait is bounded.
 *
 * Usage (meson passes it): test-retrysrc-rtsp FAKE-CAMERA
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <camguard.h>

#include "fake-camera-client.h"

#define WAIT_MS 10000           /* camera start/stop and control commands */
#define MSG_WAIT_MS 15000       /* every bus wait is bounded by this */

#define TIMEOUT_MS 2000         /* retrysrc timeout (stall detection) */
#define INITIAL_DELAY (200 * GST_MSECOND)
#define MAX_DELAY (1 * GST_SECOND)

static const gchar *camera_path;

/* ------------------------------------------------------------------ */
/* the fake camera (tests/tools/fake-camera-client.c)                  */

typedef CgFakeCamera Camera;

static void
camera_start (Camera * c, const gchar * const *extra)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = cg_fake_camera_start (c, camera_path, extra, WAIT_MS, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
  g_test_message ("camera: READY port=%d url=%s", c->port, c->url);
  g_assert_true (g_str_has_prefix (c->url, "rtsp://127.0.0.1:"));
}

static void
camera_stop (Camera * c)
{
  g_assert_true (cg_fake_camera_stop (c, WAIT_MS));
}

/* Send one command on the control socket, return its answer line. */
static gchar *
camera_cmd (Camera * c, const gchar * cmd, gboolean verbose)
{
  g_autoptr (GError) error = NULL;
  gchar *answer = cg_fake_camera_command (c, cmd, WAIT_MS, &error);

  g_assert_no_error (error);
  g_assert_nonnull (answer);
  if (verbose)
    g_test_message ("camera: %s -> %s", cmd, answer);
  return answer;
}

static void
camera_cmd_ok (Camera * c, const gchar * cmd, gboolean verbose)
{
  g_autofree gchar *answer = camera_cmd (c, cmd, verbose);

  g_assert_true (g_str_has_prefix (answer, "OK"));
}

/* ------------------------------------------------------------------ */
/* the client pipeline                                                 */

typedef struct
{
  GstElement *pipeline;
  GstElement *retry;
  GstBus *bus;
  gint frames;                  /* atomic */
  gint target;                  /* atomic */
  gint pts_decreases;           /* atomic */
  gint pts_frames;              /* atomic: frames with a PTS */
  GstClockTime last_pts;        /* streaming thread only */
  /* bus bookkeeping, test thread only */
  gboolean playing;             /* the pipeline reached PLAYING */
  guint left_playing;           /* STATE_CHANGED of the pipeline after that */
  guint errors;
  guint eos;
  GstMessage *error;            /* the first ERROR */
  gboolean quiet;               /* do not log every camguard-retry */
} Pipe;

static void
handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, gpointer user_data)
{
  Pipe *p = user_data;
  gint n;

  if (GST_BUFFER_PTS_IS_VALID (buf)) {
    if (GST_CLOCK_TIME_IS_VALID (p->last_pts)
        && GST_BUFFER_PTS (buf) < p->last_pts)
      g_atomic_int_inc (&p->pts_decreases);
    g_atomic_int_inc (&p->pts_frames);
    p->last_pts = GST_BUFFER_PTS (buf);
  }
  n = g_atomic_int_add (&p->frames, 1) + 1;
  if (n == g_atomic_int_get (&p->target))
    gst_element_post_message (sink, gst_message_new_application (GST_OBJECT
            (sink), gst_structure_new_empty ("frames")));
}

/* @props: extra retrysrc properties. The circuit breaker is kept out of
 * the way (threshold 1000): with these short jittered delays a 2 s reboot
 * can see ten failures, which would open it for a minute. */
static Pipe *
pipe_new (const gchar * url, const gchar * protocols, const gchar * props)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *desc = NULL;
  g_autoptr (GstElement) sink = NULL;
  Pipe *p = g_new0 (Pipe, 1);

  desc = g_strdup_printf ("retrysrc name=r source-description=\"rtspsrc "
      "location=%s protocols=%s latency=0 ! rtph264depay ! h264parse\" "
      "timeout=%u initial-delay=%" G_GUINT64_FORMAT " max-delay=%"
      G_GUINT64_FORMAT " breaker-threshold=1000 %s ! avdec_h264 ! "
      "fakesink name=sink "
      "signal-handoffs=true", url, protocols, TIMEOUT_MS,
      (guint64) INITIAL_DELAY, (guint64) MAX_DELAY, props ? props : "");
  p->pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  p->bus = gst_element_get_bus (p->pipeline);
  p->retry = gst_bin_get_by_name (GST_BIN (p->pipeline), "r");
  g_assert_nonnull (p->retry);
  sink = gst_bin_get_by_name (GST_BIN (p->pipeline), "sink");
  p->last_pts = GST_CLOCK_TIME_NONE;
  g_atomic_int_set (&p->target, -1);
  g_signal_connect (sink, "handoff", G_CALLBACK (handoff), p);
  g_assert_cmpint (gst_element_set_state (p->pipeline, GST_STATE_PLAYING),
      !=, GST_STATE_CHANGE_FAILURE);
  return p;
}

static void
pipe_free (Pipe * p)
{
  gst_element_set_state (p->pipeline, GST_STATE_NULL);
  gst_clear_message (&p->error);
  gst_object_unref (p->retry);
  gst_object_unref (p->bus);
  gst_object_unref (p->pipeline);
  g_free (p);
}

/* "message | debug | details" of an ERROR, on one line */
static gchar *
error_text (GstMessage * msg)
{
  g_autoptr (GError) err = NULL;
  g_autofree gchar *debug = NULL;
  g_autofree gchar *details = NULL;
  const GstStructure *s = NULL;
  gchar *text;

  gst_message_parse_error (msg, &err, &debug);
  gst_message_parse_error_details (msg, &s);
  if (s)
    details = gst_structure_to_string (s);
  text = g_strdup_printf ("%s | %s | %s", err->message, debug ? debug : "",
      details ? details : "");
  return g_strdelimit (text, "\n", ' ');
}

typedef enum
{
  WANT_PLAYING,
  WANT_FRAMES,
  WANT_RETRY,
  WANT_ERROR,
} Want;

/* Pops bus messages until the wanted one (for WANT_RETRY: a camguard-retry
 * message with @event), keeping the books on the others, or until
 * @timeout_ms passed. An ERROR ends every wait. Returns the message (NULL on
 * timeout); for WANT_RETRY its structure stays valid while the message
 * lives. */
static GstMessage *
pipe_wait (Pipe * p, Want want, const gchar * event, guint timeout_ms)
{
  gint64 deadline =
      g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (TRUE) {
    gint64 left = deadline - g_get_monotonic_time ();
    GstMessage *m;

    if (left < 0)
      left = 0;
    m = gst_bus_timed_pop_filtered (p->bus, left * GST_USECOND,
        GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR | GST_MESSAGE_EOS |
        GST_MESSAGE_STATE_CHANGED | GST_MESSAGE_APPLICATION);

    if (m == NULL)
      return NULL;
    switch (GST_MESSAGE_TYPE (m)) {
      case GST_MESSAGE_STATE_CHANGED:
        if (GST_MESSAGE_SRC (m) == GST_OBJECT (p->pipeline)) {
          GstState old, new_state;

          gst_message_parse_state_changed (m, &old, &new_state, NULL);
          if (p->playing) {
            g_test_message ("pipeline left PLAYING: %s -> %s",
                gst_element_state_get_name (old),
                gst_element_state_get_name (new_state));
            p->left_playing++;
          } else if (new_state == GST_STATE_PLAYING) {
            p->playing = TRUE;
            if (want == WANT_PLAYING)
              return m;
          }
        }
        break;
      case GST_MESSAGE_ERROR:{
        g_autofree gchar *text = error_text (m);

        g_test_message ("ERROR from %s: %s", GST_MESSAGE_SRC_NAME (m), text);
        p->errors++;
        if (p->error == NULL)
          p->error = gst_message_ref (m);
        if (want == WANT_ERROR)
          return m;
        gst_message_unref (m);
        return NULL;
      }
      case GST_MESSAGE_EOS:
        g_test_message ("EOS");
        p->eos++;
        break;
      case GST_MESSAGE_APPLICATION:
        if (want == WANT_FRAMES && gst_message_has_name (m, "frames"))
          return m;
        break;
      case GST_MESSAGE_ELEMENT:
        if (gst_message_has_name (m, "camguard-retry")) {
          const GstStructure *s = gst_message_get_structure (m);
          guint64 delay = GST_CLOCK_TIME_NONE, outage = GST_CLOCK_TIME_NONE;
          guint attempt = 0;

          gst_structure_get_uint (s, "attempt", &attempt);
          gst_structure_get_uint64 (s, "next-delay", &delay);
          gst_structure_get_uint64 (s, "outage", &outage);
          if (!p->quiet)
            g_test_message ("camguard-retry %s attempt %u code %s next-delay %"
                GST_TIME_FORMAT " outage %" GST_TIME_FORMAT,
                gst_structure_get_string (s, "event"), attempt,
                gst_structure_get_string (s, "code"), GST_TIME_ARGS (delay),
                GST_TIME_ARGS (outage));
          if (want == WANT_RETRY
              && g_strcmp0 (gst_structure_get_string (s, "event"), event) == 0)
            return m;
        }
        break;
      default:
        break;
    }
    gst_message_unref (m);
  }
}

static void
pipe_wait_playing (Pipe * p)
{
  g_autoptr (GstMessage) m = pipe_wait (p, WANT_PLAYING, NULL, MSG_WAIT_MS);

  if (m == NULL)
    g_error ("the pipeline did not reach PLAYING within %d ms", MSG_WAIT_MS);
}

/* Wait until @n more frames reached the sink. */
static void
pipe_wait_frames (Pipe * p, gint n)
{
  g_autoptr (GstMessage) m = NULL;

  g_atomic_int_set (&p->target, g_atomic_int_get (&p->frames) + n);
  m = pipe_wait (p, WANT_FRAMES, NULL, MSG_WAIT_MS);
  if (m == NULL)
    g_error ("no %d frames within %d ms (%d so far, %u errors)", n,
        MSG_WAIT_MS, g_atomic_int_get (&p->frames), p->errors);
}

static void
print_statistics (Pipe * p)
{
  g_autoptr (GstStructure) stats = NULL;
  g_autofree gchar *text = NULL;

  g_object_get (p->retry, "statistics", &stats, NULL);
  text = gst_structure_to_string (stats);
  g_test_message ("statistics: %s", text);
}

/* Waits for a camguard-retry message with @event; fails after
 * MSG_WAIT_MS or on an ERROR. */
static GstMessage *
pipe_wait_retry (Pipe * p, const gchar * event, gboolean verbose)
{
  GstMessage *m = pipe_wait (p, WANT_RETRY, event, MSG_WAIT_MS);

  if (m == NULL) {
    GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
        (p->retry), "status");
    GValue v = G_VALUE_INIT;
    GEnumValue *ev;

    g_value_init (&v, pspec->value_type);
    g_object_get_property (G_OBJECT (p->retry), "status", &v);
    ev = g_enum_get_value (G_PARAM_SPEC_ENUM (pspec)->enum_class,
        g_value_get_enum (&v));
    print_statistics (p);
    g_error ("no camguard-retry %s within %d ms (%u errors, status %s, "
        "%d frames)", event, MSG_WAIT_MS, p->errors, ev ? ev->value_nick :
        "?", g_atomic_int_get (&p->frames));
  }
  if (verbose) {
    g_autofree gchar *text =
        gst_structure_to_string (gst_message_get_structure (m));

    g_test_message ("%s", text);
  }
  return m;
}

/* Nothing pending on the bus breaks the rules, and the rules held. */
static void
pipe_assert_clean (Pipe * p)
{
  g_autoptr (GstMessage) m = pipe_wait (p, WANT_ERROR, NULL, 0);

  g_assert_null (m);
  g_assert_true (p->playing);
  g_assert_cmpuint (p->left_playing, ==, 0);
  g_assert_cmpuint (p->errors, ==, 0);
  g_assert_cmpuint (p->eos, ==, 0);
  g_assert_cmpint (g_atomic_int_get (&p->pts_decreases), ==, 0);
  /* the PTS check saw every frame */
  g_assert_cmpint (g_atomic_int_get (&p->pts_frames), ==,
      g_atomic_int_get (&p->frames));
}

static const gchar *
retry_code (GstMessage * m)
{
  return gst_structure_get_string (gst_message_get_structure (m), "code");
}

/* ------------------------------------------------------------------ */
/* tests                                                               */

static void
check_kill_restart (const gchar * protocols)
{
  Camera c = { 0 };
  Pipe *p;
  GstMessage *m;
  guint64 outage = 0;

  camera_start (&c, NULL);
  p = pipe_new (c.url, protocols, NULL);
  pipe_wait_playing (p);
  pipe_wait_frames (p, 30);

  camera_cmd_ok (&c, "die 2", TRUE);
  m = pipe_wait_retry (p, "retrying", TRUE);
  g_assert_nonnull (retry_code (m));
  gst_message_unref (m);

  m = pipe_wait_retry (p, "recovered", TRUE);
  g_assert_true (gst_structure_get_uint64 (gst_message_get_structure (m),
          "outage", &outage));
  g_assert_cmpuint (outage, >, 0);
  gst_message_unref (m);

  pipe_wait_frames (p, 30);
  print_statistics (p);
  pipe_assert_clean (p);
  pipe_free (p);
  camera_stop (&c);
}

static void
test_kill_restart_tcp (void)
{
  check_kill_restart ("tcp");
}

static void
test_kill_restart_udp (void)
{
  check_kill_restart ("udp");
}

static void
test_unauthorized (void)
{
  const gchar *extra[] = { "--auth", "basic", NULL };
  Camera c = { 0 };
  Pipe *p;
  GstMessage *m;
  const GstStructure *s;
  guint retrying = 0;

  camera_start (&c, extra);
  p = pipe_new (c.url, "tcp", "max-attempts=2 jitter=none");

  while (TRUE) {
    g_autofree gchar *text = NULL;
    guint64 next_delay = 0;
    const gchar *event;

    m = pipe_wait (p, WANT_RETRY, "retrying", MSG_WAIT_MS);
    if (m == NULL)
      break;                    /* an ERROR, or nothing any more */
    s = gst_message_get_structure (m);
    text = gst_structure_to_string (s);
    g_test_message ("%s", text);
    event = gst_structure_get_string (s, "event");
    g_assert_cmpstr (event, ==, "retrying");
    retrying++;
    g_assert_cmpstr (retry_code (m), ==, "PERMISSION_DENIED");
    g_assert_true (gst_structure_get_uint64 (s, "next-delay", &next_delay));
    g_assert_cmpuint (next_delay, ==, MAX_DELAY);
    gst_message_unref (m);
  }
  /* max-attempts=2: two attempts, the failure of the second gives up */
  g_assert_cmpuint (retrying, ==, 2);
  g_assert_cmpuint (p->errors, ==, 1);
  {
    CgCode code;

    g_assert_true (cg_message_get_code (p->error, &code));
    g_assert_cmpstr (cg_code_to_name (code), ==, "PERMISSION_DENIED");
  }
  /* exactly one ERROR */
  m = pipe_wait (p, WANT_ERROR, NULL, 1000);
  g_assert_null (m);
  g_assert_cmpuint (p->errors, ==, 1);
  print_statistics (p);
  pipe_free (p);
  camera_stop (&c);
}

static void
test_stall (void)
{
  Camera c = { 0 };
  Pipe *p;
  GstMessage *m;
  gint64 t0, elapsed_ms;

  camera_start (&c, NULL);
  p = pipe_new (c.url, "tcp", NULL);
  pipe_wait_playing (p);
  pipe_wait_frames (p, 30);

  camera_cmd_ok (&c, "stall", TRUE);
  t0 = g_get_monotonic_time ();
  m = pipe_wait_retry (p, "retrying", TRUE);
  elapsed_ms = (g_get_monotonic_time () - t0) / 1000;
  g_test_message ("stall reported after %" G_GINT64_FORMAT " ms (timeout %d)",
      elapsed_ms, TIMEOUT_MS);
  /* a stall is classified CONNECTION_TIMEOUT (stall_check_async) */
  g_assert_cmpstr (retry_code (m), ==, "CONNECTION_TIMEOUT");
  gst_message_unref (m);
  /* timeout after the last buffer, which left the camera just before the
   * command; reported at most timeout/10 late, plus scheduling slack */
  g_assert_cmpint (elapsed_ms, >=, TIMEOUT_MS - 300);
  g_assert_cmpint (elapsed_ms, <=, TIMEOUT_MS + TIMEOUT_MS / 10 + 1000);

  camera_cmd_ok (&c, "resume", TRUE);
  m = pipe_wait_retry (p, "recovered", TRUE);
  gst_message_unref (m);
  pipe_wait_frames (p, 30);
  print_statistics (p);
  pipe_assert_clean (p);
  pipe_free (p);
  camera_stop (&c);
}

static guint
count_fds (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir))
    n++;
  return n;
}

static guint64
vm_rss_kib (void)
{
  g_autofree gchar *status = NULL;
  const gchar *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL,
          NULL));
  line = strstr (status, "\nVmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
}

#define CYCLES 100

static void
test_cycles (void)
{
  /* a short GOP: a restarted source is shown from its first key frame */
  const gchar *extra[] = { "--gop", "10", NULL };
  Camera c = { 0 };
  Pipe *p;
  guint fds10 = 0, fds100 = 0;
  guint64 rss10 = 0, rss100 = 0;
  gint64 t0 = g_get_monotonic_time ();

  camera_start (&c, extra);
  /* short delays: the source flaps (it fails again within stable-period
   * of each recovery), so the delays keep growing up to max-delay */
  p = pipe_new (c.url, "tcp", "initial-delay=50000000 max-delay=200000000");
  p->quiet = TRUE;
  pipe_wait_playing (p);
  pipe_wait_frames (p, 10);

  for (guint i = 1; i <= CYCLES; i++) {
    GstMessage *m;

    camera_cmd_ok (&c, "close", i == 1);
    m = pipe_wait_retry (p, "retrying", i == 1);
    gst_message_unref (m);
    m = pipe_wait_retry (p, "recovered", i == 1);
    gst_message_unref (m);
    pipe_wait_frames (p, 3);
    if (i == 10) {
      fds10 = count_fds ();
      rss10 = vm_rss_kib ();
      g_test_message ("after cycle 10: %u fds, VmRSS %" G_GUINT64_FORMAT
          " KiB", fds10, rss10);
    }
  }
  fds100 = count_fds ();
  rss100 = vm_rss_kib ();
  g_test_message ("after cycle %d: %u fds, VmRSS %" G_GUINT64_FORMAT " KiB "
      "(%+d fds, %+" G_GINT64_FORMAT " KiB), %" G_GINT64_FORMAT " s in all",
      CYCLES, fds100, rss100, (gint) fds100 - (gint) fds10,
      (gint64) rss100 - (gint64) rss10,
      (g_get_monotonic_time () - t0) / G_USEC_PER_SEC);
  print_statistics (p);
  pipe_assert_clean (p);
  g_assert_cmpuint (fds100, <=, fds10 + 4);
  g_assert_cmpuint (rss100, <=, rss10 + 8 * 1024);
  pipe_free (p);
  camera_stop (&c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

  if (argc < 2)
    g_error ("usage: test-retrysrc-rtsp CAMGUARD-FAKE-CAMERA");
  camera_path = argv[1];

  g_test_add_func ("/retrysrc-rtsp/kill-restart/tcp", test_kill_restart_tcp);
  g_test_add_func ("/retrysrc-rtsp/kill-restart/udp", test_kill_restart_udp);
  g_test_add_func ("/retrysrc-rtsp/unauthorized", test_unauthorized);
  g_test_add_func ("/retrysrc-rtsp/stall", test_stall);
  g_test_add_func ("/retrysrc-rtsp/cycles", test_cycles);
  return g_test_run ();
}
