/* camguard - camguard-fake-camera: a fake RTSP camera for tests and drills
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Serves a live test pattern (H.264 or MJPEG) over RTSP on 127.0.0.1 with
 * gst-rtsp-server and misbehaves on command: reboot (drop every client and
 * refuse connections for a while, then listen again on the same port),
 * switch authentication, answer 404 or 503, stall the RTP stream while the
 * session stays up, close every connection.
 *
 * When it listens, it prints one line on stdout:
 *
 *   READY port=<port> url=rtsp://127.0.0.1:<port><path>
 *
 * Commands, one per line, come from the unix socket given with --control
 * (each answered with one line "OK ..." or "ERR ..."), from stdin with
 * --stdin-commands (answered on stdout), or from --after SEC:COMMAND:
 *
 *   die N       drop every client and stop listening (connections are
 *               refused); listen again on the same port after N seconds
 *               (N = 0: stay down until revive)
 *   refuse      same as die 0
 *   revive      listen again now
 *   auth none|basic|digest   switch authentication (--user, --password)
 *   status 404|503|200       answer DESCRIBE and SETUP with that status
 *   stall       keep the sessions but send no RTP; resume sends again
 *   resume
 *   close       close every client connection, keep listening
 *   clients     answer "OK clients=N"
 *   quit        exit 0
 *
 * Example:
 *   camguard-fake-camera --port 8554 --after 5:"die 3" --after 20:quit
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixsocketaddress.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>

GST_DEBUG_CATEGORY_STATIC (fake_camera_debug);
#define GST_CAT_DEFAULT fake_camera_debug

#define FAKE_CAMERA_ROLE "user"

typedef enum
{
  KEY_PASS = 0,                 /* let buffers through */
  KEY_WANTED,                   /* resumed: ask the encoder for a key frame */
  KEY_REQUESTED                 /* asked: drop delta units until it comes */
} KeyState;

typedef struct
{
  /* options */
  gint port;
  gchar *codec;
  gint width;
  gint height;
  gint framerate;
  gchar *path;
  gint gop;
  gchar *auth_mode;
  gchar *user;
  gchar *password;
  gchar *control;
  gdouble die_after;
  gdouble down_for;
  gboolean stdin_commands;
  gchar **after;

  GMainLoop *loop;
  GstRTSPServer *server;
  GstRTSPMountPoints *mounts;
  GstRTSPMediaFactory *factory;
  GSource *listen_source;       /* NULL while down */
  guint revive_id;
  gboolean mounted;
  gint bound_port;
  gint status;                  /* atomic, GstRTSPStatusCode for pre-requests */
  gint stalled;                 /* atomic boolean */
  gint key_state;               /* atomic KeyState */
  GSocketService *control_service;
  GDataInputStream *stdin_stream;
  GCancellable *cancellable;
} FakeCamera;

typedef struct
{
  FakeCamera *cam;
  GSocketConnection *connection;
  GDataInputStream *in;
} ControlConn;

static gchar *camera_command (FakeCamera * cam, const gchar * line,
    gboolean * quit);

/* Streaming thread: drop buffers while stalled; after a stall, ask for a key
 * frame and drop delta units until it comes, so that the client decodes again
 * at once. */
static GstPadProbeReturn
stall_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  FakeCamera *cam = user_data;
  GstBuffer *buf;

  if (g_atomic_int_get (&cam->stalled))
    return GST_PAD_PROBE_DROP;

  if (g_atomic_int_get (&cam->key_state) == KEY_PASS)
    return GST_PAD_PROBE_OK;

  if (!(GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER))
    return GST_PAD_PROBE_OK;

  buf = GST_PAD_PROBE_INFO_BUFFER (info);
  if (!GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT)) {
    g_atomic_int_set (&cam->key_state, KEY_PASS);
    return GST_PAD_PROBE_OK;
  }

  if (g_atomic_int_compare_and_exchange (&cam->key_state, KEY_WANTED,
          KEY_REQUESTED)) {
    GstStructure *s;

    /* the GstForceKeyUnit upstream event of gst-video, built by hand */
    s = gst_structure_new ("GstForceKeyUnit",
        "running-time", GST_TYPE_CLOCK_TIME, GST_CLOCK_TIME_NONE,
        "all-headers", G_TYPE_BOOLEAN, TRUE, "count", G_TYPE_UINT, 0, NULL);
    GST_DEBUG ("asking the encoder for a key frame");
    gst_pad_push_event (pad, gst_event_new_custom (GST_EVENT_CUSTOM_UPSTREAM,
            s));
  }
  return GST_PAD_PROBE_DROP;
}

static void
media_configure (GstRTSPMediaFactory * factory, GstRTSPMedia * media,
    gpointer user_data)
{
  FakeCamera *cam = user_data;
  g_autoptr (GstElement) element = gst_rtsp_media_get_element (media);
  g_autoptr (GstElement) pay = NULL;
  g_autoptr (GstPad) pad = NULL;

  pay = gst_bin_get_by_name (GST_BIN (element), "pay0");
  if (pay == NULL) {
    GST_WARNING ("media %p has no pay0", media);
    return;
  }
  pad = gst_element_get_static_pad (pay, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, stall_probe, cam, NULL);
  GST_DEBUG ("configured media %p", media);
}

static GstRTSPStatusCode
pre_request (GstRTSPClient * client, GstRTSPContext * ctx, gpointer user_data)
{
  FakeCamera *cam = user_data;
  gint status = g_atomic_int_get (&cam->status);

  if (status != GST_RTSP_STS_OK && status != GST_RTSP_STS_NOT_FOUND) {
    GST_DEBUG ("answering %d", status);
    return status;
  }
  return GST_RTSP_STS_OK;
}

static void
client_connected (GstRTSPServer * server, GstRTSPClient * client,
    gpointer user_data)
{
  FakeCamera *cam = user_data;

  GST_DEBUG ("client %p connected", client);
  g_signal_connect (client, "pre-describe-request", G_CALLBACK (pre_request),
      cam);
  g_signal_connect (client, "pre-setup-request", G_CALLBACK (pre_request), cam);
}

static GstRTSPFilterResult
remove_client (GstRTSPServer * server, GstRTSPClient * client,
    gpointer user_data)
{
  return GST_RTSP_FILTER_REMOVE;
}

static GstRTSPFilterResult
count_client (GstRTSPServer * server, GstRTSPClient * client,
    gpointer user_data)
{
  guint *n = user_data;

  (*n)++;
  return GST_RTSP_FILTER_KEEP;
}

static GstRTSPFilterResult
set_client_auth (GstRTSPServer * server, GstRTSPClient * client,
    gpointer user_data)
{
  gst_rtsp_client_set_auth (client, user_data);
  return GST_RTSP_FILTER_KEEP;
}

static void
camera_close_clients (FakeCamera * cam)
{
  GList *kept;

  kept = gst_rtsp_server_client_filter (cam->server, remove_client, NULL);
  g_list_free_full (kept, g_object_unref);
}

static guint
camera_n_clients (FakeCamera * cam)
{
  guint n = 0;
  GList *kept;

  kept = gst_rtsp_server_client_filter (cam->server, count_client, &n);
  g_list_free_full (kept, g_object_unref);
  return n;
}

static gboolean
camera_listen (FakeCamera * cam, GError ** error)
{
  if (cam->listen_source)
    return TRUE;

  /* After the first bind the server's service is the bound port, so the new
   * socket (SO_REUSEADDR) listens on the same port again. */
  cam->listen_source = gst_rtsp_server_create_source (cam->server, NULL, error);
  if (cam->listen_source == NULL)
    return FALSE;
  g_source_attach (cam->listen_source, NULL);
  cam->bound_port = gst_rtsp_server_get_bound_port (cam->server);
  GST_INFO ("listening on port %d", cam->bound_port);
  return TRUE;
}

static void
camera_stop_listening (FakeCamera * cam)
{
  if (cam->listen_source == NULL)
    return;
  /* destroying the source drops the last references to the listening
   * socket, which closes it: new connections get a RST */
  g_source_destroy (cam->listen_source);
  g_clear_pointer (&cam->listen_source, g_source_unref);
  GST_INFO ("stopped listening");
}

static gboolean
revive_timeout (gpointer user_data)
{
  FakeCamera *cam = user_data;
  g_autoptr (GError) error = NULL;

  cam->revive_id = 0;
  g_printerr ("fake-camera: revive (timer)\n");
  if (!camera_listen (cam, &error))
    g_printerr ("fake-camera: could not listen again: %s\n", error->message);
  return G_SOURCE_REMOVE;
}

static void
camera_set_auth (FakeCamera * cam, const gchar * mode)
{
  g_autoptr (GstRTSPAuth) auth = NULL;
  g_autoptr (GstRTSPToken) token = NULL;
  GList *kept;

  if (g_strcmp0 (mode, "none") != 0) {
    auth = gst_rtsp_auth_new ();
    token = gst_rtsp_token_new (GST_RTSP_TOKEN_MEDIA_FACTORY_ROLE,
        G_TYPE_STRING, FAKE_CAMERA_ROLE, NULL);
    if (g_strcmp0 (mode, "digest") == 0) {
      gst_rtsp_auth_add_digest (auth, cam->user, cam->password, token);
      gst_rtsp_auth_set_supported_methods (auth, GST_RTSP_AUTH_DIGEST);
    } else {
      g_autofree gchar *basic = gst_rtsp_auth_make_basic (cam->user,
          cam->password);

      gst_rtsp_auth_add_basic (auth, basic, token);
      gst_rtsp_auth_set_supported_methods (auth, GST_RTSP_AUTH_BASIC);
    }
  }
  gst_rtsp_server_set_auth (cam->server, auth);
  kept = gst_rtsp_server_client_filter (cam->server, set_client_auth, auth);
  g_list_free_full (kept, g_object_unref);
}

static void
camera_set_mounted (FakeCamera * cam, gboolean mounted)
{
  if (mounted == cam->mounted)
    return;
  if (mounted)
    gst_rtsp_mount_points_add_factory (cam->mounts, cam->path,
        g_object_ref (cam->factory));
  else
    gst_rtsp_mount_points_remove_factory (cam->mounts, cam->path);
  cam->mounted = mounted;
}

static gboolean
parse_seconds (const gchar * s, gdouble * out)
{
  gchar *end = NULL;
  gdouble v;

  if (s == NULL || *s == '\0')
    return FALSE;
  v = g_ascii_strtod (s, &end);
  if (end == s || *end != '\0' || v < 0 || v > 86400)
    return FALSE;
  *out = v;
  return TRUE;
}

static void
camera_die (FakeCamera * cam, gdouble down)
{
  camera_stop_listening (cam);
  camera_close_clients (cam);
  if (cam->revive_id)
    g_source_remove (cam->revive_id);
  cam->revive_id = 0;
  if (down > 0)
    cam->revive_id = g_timeout_add ((guint) (down * 1000), revive_timeout, cam);
}

/* Apply one command; returns the answer line (without newline). */
static gchar *
camera_command (FakeCamera * cam, const gchar * line, gboolean * quit)
{
  g_auto (GStrv) argv = NULL;
  g_autofree gchar *stripped = g_strstrip (g_strdup (line));
  const gchar *cmd;
  const gchar *arg;
  guint argc;

  argv = g_strsplit_set (stripped, " \t", -1);
  /* drop empty words */
  argc = 0;
  for (guint i = 0; argv[i]; i++) {
    if (*argv[i] == '\0') {
      g_free (argv[i]);
      continue;
    }
    argv[argc++] = argv[i];
  }
  argv[argc] = NULL;

  if (argc == 0)
    return g_strdup ("ERR empty command");
  cmd = argv[0];
  arg = argv[1];
  if (argc > 2)
    return g_strdup_printf ("ERR too many arguments for %s", cmd);

  GST_INFO ("command: %s", stripped);

  if (g_str_equal (cmd, "die") || g_str_equal (cmd, "refuse")) {
    gdouble down = 0;

    if (g_str_equal (cmd, "die") && arg && !parse_seconds (arg, &down))
      return g_strdup_printf ("ERR bad seconds '%s'", arg);
    if (g_str_equal (cmd, "refuse") && arg)
      return g_strdup ("ERR refuse takes no argument");
    g_printerr ("fake-camera: %s\n", stripped);
    camera_die (cam, down);
    return g_strdup_printf ("OK %s", stripped);
  } else if (g_str_equal (cmd, "revive")) {
    g_autoptr (GError) error = NULL;

    if (arg)
      return g_strdup ("ERR revive takes no argument");
    g_printerr ("fake-camera: %s\n", stripped);
    if (cam->revive_id)
      g_source_remove (cam->revive_id);
    cam->revive_id = 0;
    if (!camera_listen (cam, &error))
      return g_strdup_printf ("ERR cannot listen: %s", error->message);
    return g_strdup_printf ("OK revive port=%d", cam->bound_port);
  } else if (g_str_equal (cmd, "auth")) {
    if (!arg || !(g_str_equal (arg, "none") || g_str_equal (arg, "basic")
            || g_str_equal (arg, "digest")))
      return g_strdup ("ERR usage: auth none|basic|digest");
    g_printerr ("fake-camera: %s\n", stripped);
    camera_set_auth (cam, arg);
    return g_strdup_printf ("OK %s", stripped);
  } else if (g_str_equal (cmd, "status")) {
    gint code;

    if (!arg || !(g_str_equal (arg, "200") || g_str_equal (arg, "404")
            || g_str_equal (arg, "503")))
      return g_strdup ("ERR usage: status 200|404|503");
    code = atoi (arg);
    g_printerr ("fake-camera: %s\n", stripped);
    g_atomic_int_set (&cam->status, code);
    camera_set_mounted (cam, code != GST_RTSP_STS_NOT_FOUND);
    return g_strdup_printf ("OK %s", stripped);
  } else if (g_str_equal (cmd, "stall") || g_str_equal (cmd, "resume")) {
    gboolean stall = g_str_equal (cmd, "stall");

    if (arg)
      return g_strdup_printf ("ERR %s takes no argument", cmd);
    g_printerr ("fake-camera: %s\n", stripped);
    if (!stall && g_atomic_int_get (&cam->stalled))
      g_atomic_int_set (&cam->key_state, KEY_WANTED);
    g_atomic_int_set (&cam->stalled, stall);
    return g_strdup_printf ("OK %s", stripped);
  } else if (g_str_equal (cmd, "close")) {
    if (arg)
      return g_strdup ("ERR close takes no argument");
    g_printerr ("fake-camera: %s\n", stripped);
    camera_close_clients (cam);
    return g_strdup ("OK close");
  } else if (g_str_equal (cmd, "clients")) {
    if (arg)
      return g_strdup ("ERR clients takes no argument");
    return g_strdup_printf ("OK clients=%u", camera_n_clients (cam));
  } else if (g_str_equal (cmd, "quit")) {
    g_printerr ("fake-camera: %s\n", stripped);
    *quit = TRUE;
    return g_strdup ("OK quit");
  }
  return g_strdup_printf ("ERR unknown command '%s'", cmd);
}

static void
camera_quit (FakeCamera * cam)
{
  g_cancellable_cancel (cam->cancellable);
  g_main_loop_quit (cam->loop);
}

/* control socket */

static void
control_conn_free (ControlConn * cc)
{
  g_object_unref (cc->in);
  g_io_stream_close (G_IO_STREAM (cc->connection), NULL, NULL);
  g_object_unref (cc->connection);
  g_free (cc);
}

static void control_read_line (GObject * source, GAsyncResult * res,
    gpointer user_data);

static void
control_conn_next (ControlConn * cc)
{
  g_data_input_stream_read_line_async (cc->in, G_PRIORITY_DEFAULT,
      cc->cam->cancellable, control_read_line, cc);
}

static void
control_read_line (GObject * source, GAsyncResult * res, gpointer user_data)
{
  ControlConn *cc = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *line = NULL;
  g_autofree gchar *answer = NULL;
  g_autofree gchar *reply = NULL;
  GOutputStream *out;
  gboolean quit = FALSE;

  line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source),
      res, NULL, &error);
  if (line == NULL) {
    if (error)
      GST_DEBUG ("control connection: %s", error->message);
    control_conn_free (cc);
    return;
  }

  answer = camera_command (cc->cam, line, &quit);
  reply = g_strconcat (answer, "\n", NULL);
  out = g_io_stream_get_output_stream (G_IO_STREAM (cc->connection));
  if (!g_output_stream_write_all (out, reply, strlen (reply), NULL, NULL,
          &error)) {
    GST_DEBUG ("control connection: %s", error->message);
    control_conn_free (cc);
    if (quit)
      camera_quit (cc->cam);
    return;
  }
  if (quit) {
    FakeCamera *cam = cc->cam;

    control_conn_free (cc);
    camera_quit (cam);
    return;
  }
  control_conn_next (cc);
}

static gboolean
control_incoming (GSocketService * service, GSocketConnection * connection,
    GObject * source_object, gpointer user_data)
{
  ControlConn *cc = g_new0 (ControlConn, 1);

  cc->cam = user_data;
  cc->connection = g_object_ref (connection);
  cc->in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM
          (connection)));
  g_data_input_stream_set_newline_type (cc->in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  control_conn_next (cc);
  return TRUE;
}

static gboolean
control_start (FakeCamera * cam, GError ** error)
{
  g_autoptr (GSocketAddress) address = NULL;

  g_unlink (cam->control);
  address = g_unix_socket_address_new (cam->control);
  cam->control_service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER
          (cam->control_service), address, G_SOCKET_TYPE_STREAM,
          G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL, error))
    return FALSE;
  g_signal_connect (cam->control_service, "incoming",
      G_CALLBACK (control_incoming), cam);
  g_socket_service_start (cam->control_service);
  return TRUE;
}

/* stdin commands */

static void stdin_read_line (GObject * source, GAsyncResult * res,
    gpointer user_data);

static void
stdin_read_line (GObject * source, GAsyncResult * res, gpointer user_data)
{
  FakeCamera *cam = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *line = NULL;
  g_autofree gchar *answer = NULL;
  gboolean quit = FALSE;

  line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source),
      res, NULL, &error);
  if (line == NULL) {
    /* EOF on stdin only ends the commands, not the camera */
    GST_DEBUG ("stdin closed%s%s", error ? ": " : "",
        error ? error->message : "");
    return;
  }
  answer = camera_command (cam, line, &quit);
  fprintf (stdout, "%s\n", answer);
  fflush (stdout);
  if (quit) {
    camera_quit (cam);
    return;
  }
  g_data_input_stream_read_line_async (cam->stdin_stream, G_PRIORITY_DEFAULT,
      cam->cancellable, stdin_read_line, cam);
}

/* --after */

typedef struct
{
  FakeCamera *cam;
  gchar *command;
} Scheduled;

static void
scheduled_free (gpointer data)
{
  Scheduled *s = data;

  g_free (s->command);
  g_free (s);
}

static gboolean
scheduled_fire (gpointer user_data)
{
  Scheduled *s = user_data;
  g_autofree gchar *answer = NULL;
  gboolean quit = FALSE;

  answer = camera_command (s->cam, s->command, &quit);
  if (g_str_has_prefix (answer, "ERR"))
    g_printerr ("fake-camera: --after '%s': %s\n", s->command, answer);
  if (quit)
    camera_quit (s->cam);
  return G_SOURCE_REMOVE;
}

static void
schedule (FakeCamera * cam, gdouble seconds, const gchar * command)
{
  Scheduled *s = g_new0 (Scheduled, 1);

  s->cam = cam;
  s->command = g_strdup (command);
  g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) (seconds * 1000),
      scheduled_fire, s, scheduled_free);
}

static gboolean
on_signal (gpointer user_data)
{
  FakeCamera *cam = user_data;

  GST_INFO ("signal received, quitting");
  camera_quit (cam);
  return G_SOURCE_CONTINUE;
}

static gchar *
make_launch (FakeCamera * cam)
{
  g_autofree gchar *src = g_strdup_printf ("( videotestsrc is-live=true "
      "pattern=ball ! video/x-raw,format=I420,width=%d,height=%d,"
      "framerate=%d/1 ! ",
      cam->width, cam->height, cam->framerate);

  if (g_str_equal (cam->codec, "mjpeg"))
    return g_strconcat (src, "jpegenc ! rtpjpegpay name=pay0 pt=26 )", NULL);
  return g_strdup_printf ("%sx264enc tune=zerolatency speed-preset=ultrafast "
      "key-int-max=%d ! rtph264pay name=pay0 pt=96 config-interval=-1 )",
      src, cam->gop);
}

static gboolean
check_options (FakeCamera * cam, GError ** error)
{
  if (cam->port < 0 || cam->port > 65535)
    goto bad;
  if (!g_str_equal (cam->codec, "h264") && !g_str_equal (cam->codec, "mjpeg"))
    goto bad;
  if (cam->width <= 0 || cam->height <= 0 || cam->framerate <= 0)
    goto bad;
  if (cam->gop < 0)
    goto bad;
  if (cam->gop == 0)
    cam->gop = cam->framerate;
  if (cam->path[0] != '/')
    goto bad;
  if (!g_str_equal (cam->auth_mode, "none")
      && !g_str_equal (cam->auth_mode, "basic")
      && !g_str_equal (cam->auth_mode, "digest"))
    goto bad;
  if (cam->die_after < 0 || cam->down_for < 0)
    goto bad;
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
      "bad option value (see --help)");
  return FALSE;
}

int
main (int argc, char **argv)
{
  FakeCamera cam = {
    .port = 0,
    .width = 320,
    .height = 240,
    .framerate = 30,
    .gop = 0,
    .die_after = 0,
    .down_for = 0,
    .status = GST_RTSP_STS_OK,
  };
  GOptionEntry entries[] = {
    {"port", 0, 0, G_OPTION_ARG_INT, &cam.port,
        "TCP port on 127.0.0.1, 0 picks a free one (default 0)", "N"},
    {"codec", 0, 0, G_OPTION_ARG_STRING, &cam.codec,
        "h264 or mjpeg (default h264)", "CODEC"},
    {"width", 0, 0, G_OPTION_ARG_INT, &cam.width, "Width (default 320)", "W"},
    {"height", 0, 0, G_OPTION_ARG_INT, &cam.height, "Height (default 240)",
        "H"},
    {"framerate", 0, 0, G_OPTION_ARG_INT, &cam.framerate,
        "Frames per second (default 30)", "FPS"},
    {"path", 0, 0, G_OPTION_ARG_STRING, &cam.path,
        "Mount path (default /cam)", "PATH"},
    {"gop", 0, 0, G_OPTION_ARG_INT, &cam.gop,
        "Key frame interval in frames (default: the framerate)", "N"},
    {"auth", 0, 0, G_OPTION_ARG_STRING, &cam.auth_mode,
        "none, basic or digest (default none)", "MODE"},
    {"user", 0, 0, G_OPTION_ARG_STRING, &cam.user,
        "User name (default cam)", "USER"},
    {"password", 0, 0, G_OPTION_ARG_STRING, &cam.password,
        "Password (default secret)", "PASSWORD"},
    {"control", 0, 0, G_OPTION_ARG_FILENAME, &cam.control,
        "Unix socket for run-time commands", "PATH"},
    {"stdin-commands", 0, 0, G_OPTION_ARG_NONE, &cam.stdin_commands,
        "Also read commands from stdin (answers go to stdout)", NULL},
    {"after", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cam.after,
        "Run COMMAND SEC seconds after start (repeatable)", "SEC:COMMAND"},
    {"die-after", 0, 0, G_OPTION_ARG_DOUBLE, &cam.die_after,
        "Same as --after SEC:'die DOWN' with DOWN from --down-for", "SEC"},
    {"down-for", 0, 0, G_OPTION_ARG_DOUBLE, &cam.down_for,
        "Seconds down for --die-after (default 0: until revive)", "SEC"},
    {NULL}
  };
  g_autoptr (GOptionContext) octx = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *launch = NULL;
  guint sigint_id, sigterm_id;

  octx = g_option_context_new ("- fake RTSP camera for tests");
  g_option_context_add_main_entries (octx, entries, NULL);
  g_option_context_add_group (octx, gst_init_get_option_group ());
  if (!g_option_context_parse (octx, &argc, &argv, &error)) {
    g_printerr ("camguard-fake-camera: %s\n", error->message);
    return 2;
  }
  if (argc > 1) {
    g_printerr ("camguard-fake-camera: unexpected argument '%s'\n", argv[1]);
    return 2;
  }

  GST_DEBUG_CATEGORY_INIT (fake_camera_debug, "camguard-fake-camera", 0,
      "camguard fake RTSP camera");

  if (cam.codec == NULL)
    cam.codec = g_strdup ("h264");
  if (cam.path == NULL)
    cam.path = g_strdup ("/cam");
  if (cam.auth_mode == NULL)
    cam.auth_mode = g_strdup ("none");
  if (cam.user == NULL)
    cam.user = g_strdup ("cam");
  if (cam.password == NULL)
    cam.password = g_strdup ("secret");
  if (!check_options (&cam, &error)) {
    g_printerr ("camguard-fake-camera: %s\n", error->message);
    return 2;
  }
  for (guint i = 0; cam.after && cam.after[i]; i++) {
    g_auto (GStrv) parts = g_strsplit (cam.after[i], ":", 2);
    gdouble seconds;

    if (g_strv_length (parts) != 2 || !parse_seconds (parts[0], &seconds)) {
      g_printerr ("camguard-fake-camera: bad --after '%s' (SEC:COMMAND)\n",
          cam.after[i]);
      return 2;
    }
  }

  cam.loop = g_main_loop_new (NULL, FALSE);
  cam.cancellable = g_cancellable_new ();

  cam.server = gst_rtsp_server_new ();
  gst_rtsp_server_set_address (cam.server, "127.0.0.1");
  {
    g_autofree gchar *service = g_strdup_printf ("%d", cam.port);

    gst_rtsp_server_set_service (cam.server, service);
  }
  g_signal_connect (cam.server, "client-connected",
      G_CALLBACK (client_connected), &cam);

  launch = make_launch (&cam);
  GST_INFO ("launch line: %s", launch);
  cam.factory = gst_rtsp_media_factory_new ();
  gst_rtsp_media_factory_set_launch (cam.factory, launch);
  gst_rtsp_media_factory_set_shared (cam.factory, TRUE);
  gst_rtsp_media_factory_set_protocols (cam.factory,
      GST_RTSP_LOWER_TRANS_TCP | GST_RTSP_LOWER_TRANS_UDP);
  gst_rtsp_media_factory_add_role (cam.factory, FAKE_CAMERA_ROLE,
      GST_RTSP_PERM_MEDIA_FACTORY_ACCESS, G_TYPE_BOOLEAN, TRUE,
      GST_RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, G_TYPE_BOOLEAN, TRUE, NULL);
  g_signal_connect (cam.factory, "media-configure",
      G_CALLBACK (media_configure), &cam);

  cam.mounts = gst_rtsp_server_get_mount_points (cam.server);
  camera_set_mounted (&cam, TRUE);
  camera_set_auth (&cam, cam.auth_mode);

  if (!camera_listen (&cam, &error)) {
    g_printerr ("camguard-fake-camera: cannot listen: %s\n",
        error ? error->message : "unknown error");
    return 1;
  }

  if (cam.control && !control_start (&cam, &error)) {
    g_printerr ("camguard-fake-camera: control socket %s: %s\n", cam.control,
        error->message);
    return 1;
  }

  if (cam.stdin_commands) {
    g_autoptr (GInputStream) in = g_unix_input_stream_new (0, FALSE);

    cam.stdin_stream = g_data_input_stream_new (in);
    g_data_input_stream_set_newline_type (cam.stdin_stream,
        G_DATA_STREAM_NEWLINE_TYPE_ANY);
    g_data_input_stream_read_line_async (cam.stdin_stream, G_PRIORITY_DEFAULT,
        cam.cancellable, stdin_read_line, &cam);
  }

  for (guint i = 0; cam.after && cam.after[i]; i++) {
    g_auto (GStrv) parts = g_strsplit (cam.after[i], ":", 2);
    gdouble seconds = 0;

    parse_seconds (parts[0], &seconds);
    schedule (&cam, seconds, parts[1]);
  }
  if (cam.die_after > 0) {
    g_autofree gchar *cmd = g_strdup_printf ("die %g", cam.down_for);

    schedule (&cam, cam.die_after, cmd);
  }

  sigint_id = g_unix_signal_add (SIGINT, on_signal, &cam);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, &cam);

  fprintf (stdout, "READY port=%d url=rtsp://127.0.0.1:%d%s\n",
      cam.bound_port, cam.bound_port, cam.path);
  fflush (stdout);

  g_main_loop_run (cam.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  if (cam.revive_id)
    g_source_remove (cam.revive_id);
  camera_stop_listening (&cam);
  camera_close_clients (&cam);
  if (cam.control_service) {
    g_socket_service_stop (cam.control_service);
    g_socket_listener_close (G_SOCKET_LISTENER (cam.control_service));
    g_clear_object (&cam.control_service);
    g_unlink (cam.control);
  }
  g_clear_object (&cam.stdin_stream);
  g_clear_object (&cam.mounts);
  g_clear_object (&cam.factory);
  g_clear_object (&cam.server);
  g_clear_object (&cam.cancellable);
  g_main_loop_unref (cam.loop);
  g_free (cam.codec);
  g_free (cam.path);
  g_free (cam.auth_mode);
  g_free (cam.user);
  g_free (cam.password);
  g_free (cam.control);
  g_strfreev (cam.after);
  return 0;
}
