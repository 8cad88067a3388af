/* camguard - camguard-fake-camera driven by real rtspsrc client pipelines
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Spawns the fake camera, plays it with rtspsrc over TCP and UDP, and checks
 * every run-time command from the client's side: die/revive (errors, refused
 * connections, same port again), auth, status codes, stall/resume, close,
 * clients and quit. Usage (meson passes it): test-fake-camera FAKE-CAMERA
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "fake-camera-client.h"

#define WAIT_MS 10000           /* every wait is bounded by this */

static const gchar *camera_path;

typedef CgFakeCamera Camera;

typedef struct
{
  GstElement *pipeline;
  GstBus *bus;
  gint frames;                  /* atomic */
  gint target;                  /* atomic */
} Client;

static void
camera_start (Camera * c, const gchar * const *extra)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = cg_fake_camera_start (c, camera_path, extra, WAIT_MS, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
  g_test_message ("camera: READY port=%d url=%s", c->port, c->url);
  g_assert_cmpint (c->port, >, 0);
  g_assert_cmpint (c->port, <, 65536);
  g_assert_true (g_str_has_prefix (c->url, "rtsp://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (c->url, "/cam"));
}

static gboolean
camera_wait_exit (Camera * c, guint timeout_ms)
{
  return cg_fake_camera_wait_exit (c, timeout_ms);
}

static void
camera_stop (Camera * c)
{
  g_assert_true (cg_fake_camera_stop (c, WAIT_MS));
}

/* Send one command on the control socket, return its answer line. */
static gchar *
camera_cmd (Camera * c, const gchar * cmd)
{
  g_autoptr (GError) error = NULL;
  gchar *answer = cg_fake_camera_command (c, cmd, WAIT_MS, &error);

  g_assert_no_error (error);
  g_assert_nonnull (answer);
  g_test_message ("%s -> %s", cmd, answer);
  return answer;
}

static void
camera_cmd_ok (Camera * c, const gchar * cmd)
{
  g_autofree gchar *answer = camera_cmd (c, cmd);

  g_assert_true (g_str_has_prefix (answer, "OK"));
}

/* TRUE when a plain TCP connect to the camera's port succeeds. */
static gboolean
port_connects (gint port, GError ** error)
{
  g_autoptr (GSocketClient) sc = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;

  g_socket_client_set_enable_proxy (sc, FALSE);
  g_socket_client_set_timeout (sc, WAIT_MS / 1000);
  conn = g_socket_client_connect_to_host (sc, "127.0.0.1", port, NULL, error);
  return conn != NULL;
}

static void
assert_refused (gint port)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (port_connects (port, &error));
  g_test_message ("connect: %s", error->message);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

typedef struct
{
  gint port;
  gboolean open;
} PortPoll;

static gboolean
port_poll (gpointer user_data)
{
  PortPoll *p = user_data;

  p->open = port_connects (p->port, NULL);
  return p->open ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static gboolean
wait_port_open (gint port, guint timeout_ms)
{
  PortPoll p = { port, FALSE };
  guint id = g_timeout_add (100, port_poll, &p);
  gboolean open = cg_iterate_until (&p.open, timeout_ms);

  if (!open)
    g_source_remove (id);
  return open;
}

static void
handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, gpointer user_data)
{
  Client *cl = user_data;
  gint n = g_atomic_int_add (&cl->frames, 1) + 1;

  if (n == g_atomic_int_get (&cl->target))
    gst_element_post_message (sink, gst_message_new_application (GST_OBJECT
            (sink), gst_structure_new_empty ("frames")));
}

static Client *
client_new (const gchar * url, const gchar * protocols, gboolean mjpeg,
    const gchar * user, const gchar * password)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *desc = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstElement) src = NULL;
  Client *cl = g_new0 (Client, 1);

  desc = g_strdup_printf ("rtspsrc name=src location=%s protocols=%s "
      "latency=100 ! %s ! fakesink name=sink sync=false signal-handoffs=true",
      url, protocols, mjpeg ? "rtpjpegdepay ! jpegdec" :
      "rtph264depay ! h264parse ! avdec_h264");
  cl->pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  cl->bus = gst_element_get_bus (cl->pipeline);
  sink = gst_bin_get_by_name (GST_BIN (cl->pipeline), "sink");
  g_signal_connect (sink, "handoff", G_CALLBACK (handoff), cl);
  src = gst_bin_get_by_name (GST_BIN (cl->pipeline), "src");
  if (user)
    g_object_set (src, "user-id", user, "user-pw", password, NULL);
  g_atomic_int_set (&cl->target, -1);
  g_assert_cmpint (gst_element_set_state (cl->pipeline, GST_STATE_PLAYING),
      !=, GST_STATE_CHANGE_FAILURE);
  return cl;
}

static void
client_free (Client * cl)
{
  gst_element_set_state (cl->pipeline, GST_STATE_NULL);
  gst_object_unref (cl->bus);
  gst_object_unref (cl->pipeline);
  g_free (cl);
}

/* "message | debug | details" of an ERROR or WARNING, on one line */
static gchar *
error_text (GstMessage * msg)
{
  g_autoptr (GError) err = NULL;
  g_autofree gchar *debug = NULL;
  g_autofree gchar *details = NULL;
  const GstStructure *s = NULL;
  gchar *text;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
    gst_message_parse_warning (msg, &err, &debug);
    gst_message_parse_warning_details (msg, &s);
  } else {
    gst_message_parse_error (msg, &err, &debug);
    gst_message_parse_error_details (msg, &s);
  }
  if (s)
    details = gst_structure_to_string (s);
  text = g_strdup_printf ("%s | %s | %s", err->message, debug ? debug : "",
      details ? details : "");
  return g_strdelimit (text, "\n", ' ');
}

/* Wait until @n more frames reached the sink; fails on ERROR or EOS. */
static void
client_wait_frames (Client * cl, gint n)
{
  g_autoptr (GstMessage) msg = NULL;

  g_atomic_int_set (&cl->target, g_atomic_int_get (&cl->frames) + n);
  msg = gst_bus_timed_pop_filtered (cl->bus, WAIT_MS * GST_MSECOND,
      GST_MESSAGE_APPLICATION | GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  if (msg == NULL)
    g_error ("no %d frames within %d ms (%d so far)", n, WAIT_MS,
        g_atomic_int_get (&cl->frames));
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    g_autofree gchar *text = error_text (msg);

    g_error ("error instead of frames: %s", text);
  }
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_APPLICATION);
  g_assert_true (gst_message_has_name (msg, "frames"));
}

/* Wait for the client's ERROR; returns its text (message, debug, details). */
static gchar *
client_wait_error (Client * cl)
{
  g_autoptr (GstMessage) msg = NULL;

  msg = gst_bus_timed_pop_filtered (cl->bus, WAIT_MS * GST_MSECOND,
      GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  return error_text (msg);
}

/* Wait for the end of the stream as the client sees it: an ERROR, or (what
 * rtspsrc 1.22 does when the server closes a TCP connection) a WARNING
 * followed by EOS. Returns the ERROR or WARNING text. */
static GstMessageType
client_wait_end (Client * cl, gchar ** text)
{
  *text = NULL;
  while (TRUE) {
    g_autoptr (GstMessage) msg = NULL;

    msg = gst_bus_timed_pop_filtered (cl->bus, WAIT_MS * GST_MSECOND,
        GST_MESSAGE_ERROR | GST_MESSAGE_WARNING | GST_MESSAGE_EOS);
    g_assert_nonnull (msg);
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_WARNING:
        g_free (*text);
        *text = error_text (msg);
        break;
      case GST_MESSAGE_ERROR:
        g_free (*text);
        *text = error_text (msg);
        return GST_MESSAGE_ERROR;
      default:
        /* EOS without a warning would look like a clean end of stream */
        g_assert_nonnull (*text);
        return GST_MESSAGE_EOS;
    }
  }
}

static gboolean
contains_ci (const gchar * haystack, const gchar * needle)
{
  g_autofree gchar *h = g_ascii_strdown (haystack, -1);
  g_autofree gchar *n = g_ascii_strdown (needle, -1);

  return strstr (h, n) != NULL;
}

static void
play_and_stop (Camera * c, const gchar * protocols, gboolean mjpeg,
    const gchar * user, const gchar * password)
{
  Client *cl = client_new (c->url, protocols, mjpeg, user, password);

  client_wait_frames (cl, 10);
  client_free (cl);
}

/* tests */

static void
test_h264_tcp (void)
{
  Camera c = { 0 };

  camera_start (&c, NULL);
  play_and_stop (&c, "tcp", FALSE, NULL, NULL);
  camera_stop (&c);
}

static void
test_h264_udp (void)
{
  Camera c = { 0 };

  camera_start (&c, NULL);
  play_and_stop (&c, "udp", FALSE, NULL, NULL);
  camera_stop (&c);
}

static void
test_mjpeg (void)
{
  const gchar *extra[] = { "--codec", "mjpeg", NULL };
  Camera c = { 0 };

  camera_start (&c, extra);
  play_and_stop (&c, "tcp", TRUE, NULL, NULL);
  play_and_stop (&c, "udp", TRUE, NULL, NULL);
  camera_stop (&c);
}

static void
test_die_revive (void)
{
  Camera c = { 0 };
  Client *cl;
  g_autofree gchar *text = NULL;
  g_autofree gchar *answer = NULL;
  GstMessageType type;

  camera_start (&c, NULL);
  cl = client_new (c.url, "tcp", FALSE, NULL, NULL);
  client_wait_frames (cl, 10);

  camera_cmd_ok (&c, "die 0");
  type = client_wait_end (cl, &text);
  g_test_message ("client after die: %s: %s",
      gst_message_type_get_name (type), text);
  g_assert_true (type == GST_MESSAGE_ERROR
      || contains_ci (text, "closed the connection"));
  client_free (cl);
  assert_refused (c.port);

  /* a new client fails too */
  cl = client_new (c.url, "tcp", FALSE, NULL, NULL);
  g_clear_pointer (&text, g_free);
  text = client_wait_error (cl);
  g_test_message ("new client while down: %s", text);
  client_free (cl);

  answer = camera_cmd (&c, "revive");
  g_assert_true (g_str_has_prefix (answer, "OK"));
  g_assert_true (port_connects (c.port, NULL));
  play_and_stop (&c, "tcp", FALSE, NULL, NULL);
  play_and_stop (&c, "udp", FALSE, NULL, NULL);
  camera_stop (&c);
}

static void
test_die_timed (void)
{
  Camera c = { 0 };

  camera_start (&c, NULL);
  camera_cmd_ok (&c, "die 2");
  assert_refused (c.port);
  g_assert_true (wait_port_open (c.port, WAIT_MS));
  play_and_stop (&c, "tcp", FALSE, NULL, NULL);
  camera_cmd_ok (&c, "refuse");
  assert_refused (c.port);
  camera_cmd_ok (&c, "revive");
  play_and_stop (&c, "tcp", FALSE, NULL, NULL);
  camera_stop (&c);
}

static void
check_auth (const gchar * mode)
{
  Camera c = { 0 };
  g_autofree gchar *cmd = g_strdup_printf ("auth %s", mode);
  g_autofree gchar *text = NULL;
  Client *cl;

  camera_start (&c, NULL);
  camera_cmd_ok (&c, cmd);

  cl = client_new (c.url, "tcp", FALSE, NULL, NULL);
  text = client_wait_error (cl);
  g_test_message ("no credentials: %s", text);
  g_assert_true (strstr (text, "401") || contains_ci (text, "unauthorized"));
  client_free (cl);

  cl = client_new (c.url, "tcp", FALSE, "cam", "wrong");
  g_clear_pointer (&text, g_free);
  text = client_wait_error (cl);
  g_test_message ("wrong password: %s", text);
  g_assert_true (strstr (text, "401") || contains_ci (text, "unauthorized"));
  client_free (cl);

  play_and_stop (&c, "tcp", FALSE, "cam", "secret");

  camera_cmd_ok (&c, "auth none");
  play_and_stop (&c, "tcp", FALSE, NULL, NULL);
  camera_stop (&c);
}

static void
test_auth_basic (void)
{
  check_auth ("basic");
}

static void
test_auth_digest (void)
{
  check_auth ("digest");
}

static void
test_status (void)
{
  Camera c = { 0 };
  g_autofree gchar *text = NULL;
  Client *cl;

  camera_start (&c, NULL);

  camera_cmd_ok (&c, "status 404");
  cl = client_new (c.url, "tcp", FALSE, NULL, NULL);
  text = client_wait_error (cl);
  g_test_message ("404: %s", text);
  g_assert_true (strstr (text, "404") || contains_ci (text, "not found"));
  client_free (cl);

  camera_cmd_ok (&c, "status 503");
  cl = client_new (c.url, "tcp", FALSE, NULL, NULL);
  g_clear_pointer (&text, g_free);
  text = client_wait_error (cl);
  g_test_message ("503: %s", text);
  g_assert_true (strstr (text, "503") || contains_ci (text, "unavailable"));
  client_free (cl);

  camera_cmd_ok (&c, "status 200");
  play_and_stop (&c, "tcp", FALSE, NULL, NULL);

  /* 404 again after 503 (mount, unmount, mount) */
  camera_cmd_ok (&c, "status 404");
  cl = client_new (c.url, "tcp", FALSE, NULL, NULL);
  g_clear_pointer (&text, g_free);
  text = client_wait_error (cl);
  g_assert_true (strstr (text, "404") || contains_ci (text, "not found"));
  client_free (cl);
  camera_cmd_ok (&c, "status 200");
  play_and_stop (&c, "tcp", FALSE, NULL, NULL);
  camera_stop (&c);
}

static void
test_stall_resume (void)
{
  Camera c = { 0 };
  g_autoptr (GstMessage) msg = NULL;
  Client *cl;
  GstState state, pending;

  camera_start (&c, NULL);
  cl = client_new (c.url, "tcp", FALSE, NULL, NULL);
  client_wait_frames (cl, 10);

  camera_cmd_ok (&c, "stall");
  /* let what is in flight drain (latency is 100 ms) */
  msg = gst_bus_timed_pop_filtered (cl->bus, 500 * GST_MSECOND,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  g_assert_null (msg);
  g_atomic_int_set (&cl->frames, 0);
  /* 2 s without any message that ends the stream, and without frames */
  msg = gst_bus_timed_pop_filtered (cl->bus, 2 * GST_SECOND,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  g_assert_null (msg);
  g_assert_cmpint (g_atomic_int_get (&cl->frames), ==, 0);
  g_assert_cmpint (gst_element_get_state (cl->pipeline, &state, &pending, 0),
      ==, GST_STATE_CHANGE_SUCCESS);
  g_assert_cmpint (state, ==, GST_STATE_PLAYING);

  camera_cmd_ok (&c, "resume");
  client_wait_frames (cl, 10);
  client_free (cl);
  camera_stop (&c);
}

static void
test_close (void)
{
  Camera c = { 0 };
  g_autofree gchar *text = NULL;
  Client *cl;
  GstMessageType type;

  camera_start (&c, NULL);
  cl = client_new (c.url, "tcp", FALSE, NULL, NULL);
  client_wait_frames (cl, 10);
  camera_cmd_ok (&c, "close");
  type = client_wait_end (cl, &text);
  g_test_message ("client after close: %s: %s",
      gst_message_type_get_name (type), text);
  g_assert_true (type == GST_MESSAGE_ERROR
      || contains_ci (text, "closed the connection"));
  client_free (cl);
  /* still listening */
  play_and_stop (&c, "tcp", FALSE, NULL, NULL);
  camera_stop (&c);
}

static void
test_clients (void)
{
  Camera c = { 0 };
  g_autofree gchar *a0 = NULL;
  g_autofree gchar *a1 = NULL;
  g_autofree gchar *a2 = NULL;
  Client *cl1, *cl2;

  camera_start (&c, NULL);
  a0 = camera_cmd (&c, "clients");
  g_assert_cmpstr (a0, ==, "OK clients=0");
  cl1 = client_new (c.url, "tcp", FALSE, NULL, NULL);
  client_wait_frames (cl1, 5);
  a1 = camera_cmd (&c, "clients");
  g_assert_cmpstr (a1, ==, "OK clients=1");
  cl2 = client_new (c.url, "udp", FALSE, NULL, NULL);
  client_wait_frames (cl2, 5);
  a2 = camera_cmd (&c, "clients");
  g_assert_cmpstr (a2, ==, "OK clients=2");
  client_free (cl2);
  client_free (cl1);
  camera_stop (&c);
}

static void
test_bad_commands (void)
{
  Camera c = { 0 };
  const gchar *bad[] = { "frobnicate", "die soon", "auth kerberos",
    "status 418", "clients 3", ""
  };

  camera_start (&c, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autofree gchar *answer = camera_cmd (&c, bad[i]);

    g_assert_true (g_str_has_prefix (answer, "ERR"));
  }
  camera_stop (&c);
}

static void
test_quit (void)
{
  Camera c = { 0 };

  camera_start (&c, NULL);
  camera_cmd_ok (&c, "quit");
  g_assert_true (camera_wait_exit (&c, WAIT_MS));
  g_assert_true (g_subprocess_get_if_exited (c.proc));
  g_assert_cmpint (g_subprocess_get_exit_status (c.proc), ==, 0);
  g_assert_false (g_file_test (c.ctl, G_FILE_TEST_EXISTS));
  camera_stop (&c);
}

static void
test_after (void)
{
  const gchar *extra[] = { "--after", "0.5:die 0", "--after", "1.5:quit",
    NULL
  };
  Camera c = { 0 };

  camera_start (&c, extra);
  g_assert_true (camera_wait_exit (&c, WAIT_MS));
  g_assert_true (g_subprocess_get_if_exited (c.proc));
  g_assert_cmpint (g_subprocess_get_exit_status (c.proc), ==, 0);
  camera_stop (&c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

  if (argc < 2)
    g_error ("usage: test-fake-camera CAMGUARD-FAKE-CAMERA");
  camera_path = argv[1];

  g_test_add_func ("/fake-camera/h264/tcp", test_h264_tcp);
  g_test_add_func ("/fake-camera/h264/udp", test_h264_udp);
  g_test_add_func ("/fake-camera/mjpeg", test_mjpeg);
  g_test_add_func ("/fake-camera/die-revive", test_die_revive);
  g_test_add_func ("/fake-camera/die-timed", test_die_timed);
  g_test_add_func ("/fake-camera/auth/basic", test_auth_basic);
  g_test_add_func ("/fake-camera/auth/digest", test_auth_digest);
  g_test_add_func ("/fake-camera/status", test_status);
  g_test_add_func ("/fake-camera/stall-resume", test_stall_resume);
  g_test_add_func ("/fake-camera/close", test_close);
  g_test_add_func ("/fake-camera/clients", test_clients);
  g_test_add_func ("/fake-camera/bad-commands", test_bad_commands);
  g_test_add_func ("/fake-camera/quit", test_quit);
  g_test_add_func ("/fake-camera/after", test_after);
  return g_test_run ();
}
