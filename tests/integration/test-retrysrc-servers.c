/* camguard - retrysrc against real third-party servers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Servers nobody here wrote, on 127.0.0.1 (tests/tools/third-party-server.c):
 *
 * - VLC's RTSP server (cvlc, stream_out_rtp) serving an H.264 MPEG-TS file
 *   this test makes with x264enc. Over UDP it is killed with SIGKILL and
 *   started again on the same port: retrysrc retries, recovers, frames flow
 *   again. Over TCP VLC answers SETUP with 461 Unsupported transport:
 *   retrysrc gives up at once with UNSUPPORTED_FORMAT (issue 14 item 9).
 * - ffmpeg's MJPEG over HTTP server (-listen 1): down when retrysrc starts
 *   (souphttpsrc posts only an internal flow error: CAMERA_UNREACHABLE,
 *   retried for ever with max-attempts=0, issue 14 item 7), then started;
 *   and killed mid-stream, then started again.
 *
 * Checks go through properties (status by nick), camguard-retry element
 * messages (event, attempt, code) and bus messages: the pipeline never
 * leaves PLAYING and no ERROR leaves retrysrc while it retries. Every wait
 * is bounded. A test skips only when cvlc or ffmpeg is not installed.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <camguard.h>

#include "third-party-server.h"

#define SERVER_WAIT_MS 15000    /* a server listening, or gone */
#define MSG_WAIT_MS 20000       /* every bus wait is bounded by this */

#define TIMEOUT_MS 3000         /* retrysrc timeout (stall detection) */
#define INITIAL_DELAY (200 * GST_MSECOND)
#define MAX_DELAY (1 * GST_SECOND)

/* ------------------------------------------------------------------ */
/* servers                                                             */

static gboolean
skip_without (CgServerKind kind)
{
  g_autofree gchar *reason = NULL;

  if (cg_server_available (kind, &reason))
    return FALSE;
  g_test_skip (reason);
  return TRUE;
}

static void
server_failed (CgServer * s, const GError * error)
{
  g_autofree gchar *log = cg_server_log_tail (s, 4000);

  g_test_message ("%s log:\n%s", cg_server_program (s->kind), log);
  g_error ("%s: %s", cg_server_program (s->kind), error->message);
}

static void
server_start (CgServer * s, CgServerKind kind, const gchar * media, guint port)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = kind == CG_SERVER_VLC_RTSP ?
      cg_server_start_vlc_rtsp (s, media, port, SERVER_WAIT_MS, &error) :
      cg_server_start_ffmpeg_mjpeg (s, port, SERVER_WAIT_MS, &error);

  if (!ok)
    server_failed (s, error);
  g_test_message ("%s listening: %s", cg_server_program (kind), s->url);
}

static void
server_kill (CgServer * s)
{
  g_test_message ("SIGKILL %s", cg_server_program (s->kind));
  g_assert_true (cg_server_kill (s, SERVER_WAIT_MS));
}

static void
server_restart (CgServer * s)
{
  g_autoptr (GError) error = NULL;

  if (!cg_server_restart (s, SERVER_WAIT_MS, &error))
    server_failed (s, error);
  g_test_message ("%s listening again on port %u", cg_server_program
      (s->kind), s->port);
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
  /* bus bookkeeping, test thread only */
  gboolean playing;             /* the pipeline reached PLAYING */
  guint left_playing;           /* STATE_CHANGED of the pipeline after that */
  guint errors;
  guint gave_up;
  guint retrying;
  GstMessage *error;            /* the first ERROR */
} Pipe;

static void
handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, gpointer user_data)
{
  Pipe *p = user_data;
  gint n = g_atomic_int_add (&p->frames, 1) + 1;

  if (n == g_atomic_int_get (&p->target))
    gst_element_post_message (sink, gst_message_new_application (GST_OBJECT
            (sink), gst_structure_new_empty ("frames")));
}

/* @source: how retrysrc gets its camera (`source-description="..."` or
 * `uri=...`); @props: more retrysrc properties; @decoder: what turns the
 * source's output into raw video */
static Pipe *
pipe_new (const gchar * source, const gchar * props, const gchar * decoder)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *desc = NULL;
  g_autoptr (GstElement) sink = NULL;
  Pipe *p = g_new0 (Pipe, 1);

  desc = g_strdup_printf ("retrysrc name=r %s "
      "timeout=%u initial-delay=%" G_GUINT64_FORMAT " max-delay=%"
      G_GUINT64_FORMAT " %s ! %s ! fakesink name=sink signal-handoffs=true",
      source, TIMEOUT_MS, (guint64) INITIAL_DELAY, (guint64) MAX_DELAY,
      props ? props : "", decoder);
  g_test_message ("pipeline: %s", desc);
  p->pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  p->bus = gst_element_get_bus (p->pipeline);
  p->retry = gst_bin_get_by_name (GST_BIN (p->pipeline), "r");
  g_assert_nonnull (p->retry);
  sink = gst_bin_get_by_name (GST_BIN (p->pipeline), "sink");
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

/* retrysrc's status property by nick */
static gchar *
pipe_status (Pipe * p)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
      (p->retry), "status");
  GValue v = G_VALUE_INIT;
  GEnumValue *ev;
  gchar *nick;

  g_assert_nonnull (pspec);
  g_value_init (&v, pspec->value_type);
  g_object_get_property (G_OBJECT (p->retry), "status", &v);
  ev = g_enum_get_value (G_PARAM_SPEC_ENUM (pspec)->enum_class,
      g_value_get_enum (&v));
  nick = g_strdup (ev ? ev->value_nick : "?");
  g_value_unset (&v);
  return nick;
}

static void
log_error (GstMessage * m)
{
  g_autoptr (GError) err = NULL;
  g_autofree gchar *debug = NULL;
  g_autofree gchar *details = NULL;
  const GstStructure *s = NULL;

  gst_message_parse_error (m, &err, &debug);
  gst_message_parse_error_details (m, &s);
  if (s)
    details = gst_structure_to_string (s);
  g_test_message ("ERROR from %s: %s | %s | %s", GST_MESSAGE_SRC_NAME (m),
      err->message, debug ? debug : "", details ? details : "");
}

typedef enum
{
  WANT_PLAYING,
  WANT_FRAMES,
  WANT_RETRY,
  WANT_ERROR,
} Want;

/* Keeps the books on one message; returns whether it is the one wanted
 * (for WANT_RETRY: a camguard-retry message with @event). */
static gboolean
pipe_account (Pipe * p, GstMessage * m, Want want, const gchar * event)
{
  const GstStructure *s;

  switch (GST_MESSAGE_TYPE (m)) {
    case GST_MESSAGE_STATE_CHANGED:{
      GstState old, new_state;

      if (GST_MESSAGE_SRC (m) != GST_OBJECT (p->pipeline))
        return FALSE;
      gst_message_parse_state_changed (m, &old, &new_state, NULL);
      if (p->playing) {
        g_test_message ("pipeline left PLAYING: %s -> %s",
            gst_element_state_get_name (old),
            gst_element_state_get_name (new_state));
        p->left_playing++;
        return FALSE;
      }
      p->playing = new_state == GST_STATE_PLAYING;
      return p->playing && want == WANT_PLAYING;
    }
    case GST_MESSAGE_ERROR:
      log_error (m);
      p->errors++;
      if (p->error == NULL)
        p->error = gst_message_ref (m);
      return want == WANT_ERROR;
    case GST_MESSAGE_APPLICATION:
      return want == WANT_FRAMES && gst_message_has_name (m, "frames");
    case GST_MESSAGE_ELEMENT:
      if (!gst_message_has_name (m, "camguard-retry"))
        return FALSE;
      s = gst_message_get_structure (m);
      {
        guint attempt = 0;

        gst_structure_get_uint (s, "attempt", &attempt);
        g_test_message ("camguard-retry %s attempt %u code %s",
            gst_structure_get_string (s, "event"), attempt,
            gst_structure_get_string (s, "code"));
      }
      if (g_strcmp0 (gst_structure_get_string (s, "event"), "gave-up") == 0)
        p->gave_up++;
      if (g_strcmp0 (gst_structure_get_string (s, "event"), "retrying") == 0)
        p->retrying++;
      return want == WANT_RETRY
          && g_strcmp0 (gst_structure_get_string (s, "event"), event) == 0;
    default:
      return FALSE;
  }
}

/* Pops bus messages until the wanted one or @timeout_ms. An ERROR ends
 * every wait. Returns the message, NULL on a timeout or an ERROR not
 * wanted. */
static GstMessage *
pipe_wait (Pipe * p, Want want, const gchar * event, guint timeout_ms)
{
  gint64 deadline =
      g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (TRUE) {
    gint64 left = MAX (deadline - g_get_monotonic_time (), 0);
    GstMessage *m = gst_bus_timed_pop_filtered (p->bus, left * GST_USECOND,
        GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR | GST_MESSAGE_STATE_CHANGED |
        GST_MESSAGE_APPLICATION);

    if (m == NULL)
      return NULL;
    if (pipe_account (p, m, want, event))
      return m;
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
      gst_message_unref (m);
      return NULL;
    }
    gst_message_unref (m);
  }
}

static void
pipe_fail (Pipe * p, const gchar * what)
{
  g_autofree gchar *status = pipe_status (p);
  g_autoptr (GstStructure) stats = NULL;
  g_autofree gchar *text = NULL;

  g_object_get (p->retry, "statistics", &stats, NULL);
  text = stats ? gst_structure_to_string (stats) : g_strdup ("");
  if (p->errors)
    g_error ("%s: an ERROR came first (status %s, %d frames; %s)", what,
        status, g_atomic_int_get (&p->frames), text);
  g_error ("%s within %d ms (status %s, %d frames; %s)", what, MSG_WAIT_MS,
      status, g_atomic_int_get (&p->frames), text);
}

static void
pipe_wait_playing (Pipe * p)
{
  g_autoptr (GstMessage) m = pipe_wait (p, WANT_PLAYING, NULL, MSG_WAIT_MS);

  if (m == NULL)
    pipe_fail (p, "the pipeline did not reach PLAYING");
}

/* Waits until @n more frames reached the sink. */
static void
pipe_wait_frames (Pipe * p, gint n)
{
  g_autoptr (GstMessage) m = NULL;

  g_atomic_int_set (&p->target, g_atomic_int_get (&p->frames) + n);
  m = pipe_wait (p, WANT_FRAMES, NULL, MSG_WAIT_MS);
  if (m == NULL)
    pipe_fail (p, "not enough frames");
}

/* Waits for a camguard-retry message with @event. */
static GstMessage *
pipe_wait_retry (Pipe * p, const gchar * event)
{
  GstMessage *m = pipe_wait (p, WANT_RETRY, event, MSG_WAIT_MS);

  if (m == NULL) {
    g_autofree gchar *what = g_strdup_printf ("no camguard-retry %s", event);

    pipe_fail (p, what);
  }
  return m;
}

static const gchar *
retry_code (GstMessage * m)
{
  return gst_structure_get_string (gst_message_get_structure (m), "code");
}

/* The camguard-retry message names a code the catalogue retries (the exact
 * camera code after data, DISCONNECTED or UNREACHABLE, is retrysrc's to
 * choose). */
static void
assert_retryable_code (GstMessage * m)
{
  CgCode code;

  g_assert_true (cg_code_from_name (retry_code (m), &code));
  g_assert_true (cg_catalogue_lookup (code)->retryable);
}

/* Nothing pending on the bus breaks the rules, and the rules held: the
 * pipeline never left PLAYING, no ERROR, retrysrc never gave up and runs. */
static void
pipe_assert_clean (Pipe * p)
{
  g_autoptr (GstMessage) m = pipe_wait (p, WANT_ERROR, NULL, 0);
  g_autofree gchar *status = pipe_status (p);

  g_assert_null (m);
  g_assert_true (p->playing);
  g_assert_cmpuint (p->left_playing, ==, 0);
  g_assert_cmpuint (p->errors, ==, 0);
  g_assert_cmpuint (p->gave_up, ==, 0);
  g_assert_cmpstr (status, ==, "running");
}

/* ------------------------------------------------------------------ */
/* VLC                                                                 */

static gchar *
rtsp_source (const gchar * url, const gchar * protocols)
{
  return g_strdup_printf ("source-description=\"rtspsrc location=%s "
      "protocols=%s latency=0 ! rtph264depay ! h264parse\"", url, protocols);
}

/* The same camera through retrysrc's uri: rtspu:// asks rtspsrc for UDP. */
static gchar *
rtsp_uri_source (const gchar * url)
{
  g_assert_true (g_str_has_prefix (url, "rtsp://"));
  return g_strdup_printf ("uri=rtspu://%s", url + strlen ("rtsp://"));
}

static void
test_vlc_udp_kill_restart (gconstpointer by_uri)
{
  CgServer s = { 0 };
  g_autofree gchar *source = NULL;
  GstMessage *m;
  Pipe *p;

  if (skip_without (CG_SERVER_VLC_RTSP))
    return;
  server_start (&s, CG_SERVER_VLC_RTSP, cg_server_vlc_media (), 0);
  source = by_uri ? rtsp_uri_source (s.url) : rtsp_source (s.url, "udp");
  p = pipe_new (source, NULL, "avdec_h264");
  pipe_wait_playing (p);
  pipe_wait_frames (p, 30);

  server_kill (&s);
  m = pipe_wait_retry (p, "retrying");
  assert_retryable_code (m);
  gst_message_unref (m);
  /* still retrying while VLC is away, never giving up */
  m = pipe_wait_retry (p, "retrying");
  assert_retryable_code (m);
  gst_message_unref (m);

  server_restart (&s);
  m = pipe_wait_retry (p, "recovered");
  gst_message_unref (m);
  pipe_wait_frames (p, 30);
  pipe_assert_clean (p);
  pipe_free (p);
  cg_server_clear (&s);
}

/* VLC answers SETUP over TCP with 461 Unsupported transport: the camera
 * refuses the transport, retrying it will not help (issue 14 item 9). */
static void
test_vlc_tcp_unsupported_transport (void)
{
  CgServer s = { 0 };
  g_autofree gchar *source = NULL;
  g_autoptr (GstMessage) m = NULL;
  g_autofree gchar *status = NULL;
  CgCode code = CG_CODE_INTERNAL_ERROR;
  Pipe *p;

  if (skip_without (CG_SERVER_VLC_RTSP))
    return;
  server_start (&s, CG_SERVER_VLC_RTSP, cg_server_vlc_media (), 0);
  source = rtsp_source (s.url, "tcp");
  p = pipe_new (source, NULL, "avdec_h264");

  m = pipe_wait (p, WANT_ERROR, NULL, MSG_WAIT_MS);
  if (m == NULL)
    pipe_fail (p, "no ERROR");
  g_assert_true (GST_MESSAGE_SRC (m) == GST_OBJECT (p->retry));
  g_assert_true (cg_message_get_code (m, &code));
  g_assert_cmpstr (cg_code_to_name (code), ==, "UNSUPPORTED_FORMAT");
  /* given up at once: retrying the same transport will not help */
  g_assert_cmpuint (p->retrying, ==, 0);
  g_assert_cmpuint (p->errors, ==, 1);
  status = pipe_status (p);
  g_assert_cmpstr (status, ==, "failed");
  pipe_free (p);
  cg_server_clear (&s);
}

/* ------------------------------------------------------------------ */
/* ffmpeg                                                              */

static gchar *
mjpeg_source (const gchar * url)
{
  return g_strdup_printf ("source-description=\"souphttpsrc location=%s "
      "is-live=true timeout=3 ! multipartdemux ! image/jpeg ! jpegdec\"", url);
}

/* The camera is down when retrysrc starts: souphttpsrc posts only an
 * internal flow error; that is CAMERA_UNREACHABLE, retried until the
 * camera comes (issue 14 item 7). */
static void
test_ffmpeg_down_at_start (void)
{
  CgServer s = { 0 };
  guint port = cg_free_tcp_port ();
  g_autofree gchar *url = NULL;
  g_autofree gchar *source = NULL;
  Pipe *p;
  guint i;

  if (skip_without (CG_SERVER_FFMPEG_MJPEG))
    return;
  url = g_strdup_printf ("http://127.0.0.1:%u/video.mjpg", port);
  source = mjpeg_source (url);
  p = pipe_new (source, "max-attempts=0", "videoconvert");
  /* PLAYING may come only with the first frame: not awaited here */
  for (i = 0; i < 3; i++) {
    GstMessage *m = pipe_wait_retry (p, "retrying");

    g_assert_cmpstr (retry_code (m), ==, "CAMERA_UNREACHABLE");
    gst_message_unref (m);
  }

  server_start (&s, CG_SERVER_FFMPEG_MJPEG, NULL, port);
  g_assert_cmpstr (s.url, ==, url);
  gst_message_unref (pipe_wait_retry (p, "recovered"));
  pipe_wait_frames (p, 20);
  pipe_assert_clean (p);
  pipe_free (p);
  cg_server_clear (&s);
}

/* @by_uri: retrysrc's uri, which passes the pictures on as image/jpeg */
static void
test_ffmpeg_kill_restart (gconstpointer by_uri)
{
  CgServer s = { 0 };
  g_autofree gchar *source = NULL;
  GstMessage *m;
  Pipe *p;

  if (skip_without (CG_SERVER_FFMPEG_MJPEG))
    return;
  server_start (&s, CG_SERVER_FFMPEG_MJPEG, NULL, 0);
  source = by_uri ? g_strdup_printf ("uri=%s", s.url) : mjpeg_source (s.url);
  p = pipe_new (source, "max-attempts=0", by_uri ? "jpegdec" : "videoconvert");
  pipe_wait_playing (p);
  pipe_wait_frames (p, 20);

  server_kill (&s);
  /* souphttpsrc sees the end of the body: EOS from the source */
  m = pipe_wait_retry (p, "retrying");
  assert_retryable_code (m);
  gst_message_unref (m);
  /* reconnecting to the dead server fails with only an internal flow
   * error, which is retried too (issue 14 item 7) */
  m = pipe_wait_retry (p, "retrying");
  assert_retryable_code (m);
  gst_message_unref (m);

  server_restart (&s);
  gst_message_unref (pipe_wait_retry (p, "recovered"));
  pipe_wait_frames (p, 20);
  pipe_assert_clean (p);
  pipe_free (p);
  cg_server_clear (&s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

  g_test_add_data_func ("/retrysrc-servers/vlc/udp-kill-restart", NULL,
      test_vlc_udp_kill_restart);
  g_test_add_data_func ("/retrysrc-servers/vlc/uri-rtspu-kill-restart",
      GINT_TO_POINTER (TRUE), test_vlc_udp_kill_restart);
  g_test_add_func ("/retrysrc-servers/vlc/tcp-unsupported-transport",
      test_vlc_tcp_unsupported_transport);
  g_test_add_func ("/retrysrc-servers/ffmpeg/down-at-start",
      test_ffmpeg_down_at_start);
  g_test_add_data_func ("/retrysrc-servers/ffmpeg/kill-restart", NULL,
      test_ffmpeg_kill_restart);
  g_test_add_data_func ("/retrysrc-servers/ffmpeg/uri-kill-restart",
      GINT_TO_POINTER (TRUE), test_ffmpeg_kill_restart);
  return g_test_run ();
}
