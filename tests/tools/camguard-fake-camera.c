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
 *
 * camguard-fake-camera-private.h says which part does what.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>

#include <glib-unix.h>

#include "camguard-fake-camera-private.h"

GST_DEBUG_CATEGORY (fake_camera_debug);
#define GST_CAT_DEFAULT fake_camera_debug

static gboolean
on_signal (gpointer user_data)
{
  FakeCamera *cam = user_data;

  GST_INFO ("signal received, quitting");
  camera_quit (cam);
  return G_SOURCE_CONTINUE;
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


/* Parses the command line into @cam (defaults for what is not given) and
 * checks it; prints why and returns FALSE when it is wrong. */
static gboolean
parse_options (FakeCamera * cam, int *argc, char ***argv)
{
  GOptionEntry entries[] = {
    {"port", 0, 0, G_OPTION_ARG_INT, &cam->port,
        "TCP port on 127.0.0.1, 0 picks a free one (default 0)", "N"},
    {"codec", 0, 0, G_OPTION_ARG_STRING, &cam->codec,
        "h264 or mjpeg (default h264)", "CODEC"},
    {"width", 0, 0, G_OPTION_ARG_INT, &cam->width, "Width (default 320)", "W"},
    {"height", 0, 0, G_OPTION_ARG_INT, &cam->height, "Height (default 240)",
        "H"},
    {"framerate", 0, 0, G_OPTION_ARG_INT, &cam->framerate,
        "Frames per second (default 30)", "FPS"},
    {"path", 0, 0, G_OPTION_ARG_STRING, &cam->path,
        "Mount path (default /cam)", "PATH"},
    {"gop", 0, 0, G_OPTION_ARG_INT, &cam->gop,
        "Key frame interval in frames (default: the framerate)", "N"},
    {"auth", 0, 0, G_OPTION_ARG_STRING, &cam->auth_mode,
        "none, basic or digest (default none)", "MODE"},
    {"user", 0, 0, G_OPTION_ARG_STRING, &cam->user,
        "User name (default cam)", "USER"},
    {"password", 0, 0, G_OPTION_ARG_STRING, &cam->password,
        "Password (default secret)", "PASSWORD"},
    {"control", 0, 0, G_OPTION_ARG_FILENAME, &cam->control,
        "Unix socket for run-time commands", "PATH"},
    {"stdin-commands", 0, 0, G_OPTION_ARG_NONE, &cam->stdin_commands,
        "Also read commands from stdin (answers go to stdout)", NULL},
    {"after", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cam->after,
        "Run COMMAND SEC seconds after start (repeatable)", "SEC:COMMAND"},
    {"die-after", 0, 0, G_OPTION_ARG_DOUBLE, &cam->die_after,
        "Same as --after SEC:'die DOWN' with DOWN from --down-for", "SEC"},
    {"down-for", 0, 0, G_OPTION_ARG_DOUBLE, &cam->down_for,
        "Seconds down for --die-after (default 0: until revive)", "SEC"},
    {NULL}
  };
  g_autoptr (GOptionContext) octx = NULL;
  g_autoptr (GError) error = NULL;

  octx = g_option_context_new ("- fake RTSP camera for tests");
  g_option_context_add_main_entries (octx, entries, NULL);
  g_option_context_add_group (octx, gst_init_get_option_group ());
  if (!g_option_context_parse (octx, argc, argv, &error)) {
    g_printerr ("camguard-fake-camera: %s\n", error->message);
    return FALSE;
  }
  if (*argc > 1) {
    g_printerr ("camguard-fake-camera: unexpected argument '%s'\n", (*argv)[1]);
    return FALSE;
  }

  if (cam->codec == NULL)
    cam->codec = g_strdup ("h264");
  if (cam->path == NULL)
    cam->path = g_strdup ("/cam");
  if (cam->auth_mode == NULL)
    cam->auth_mode = g_strdup ("none");
  if (cam->user == NULL)
    cam->user = g_strdup ("cam");
  if (cam->password == NULL)
    cam->password = g_strdup ("secret");
  if (!check_options (cam, &error)) {
    g_printerr ("camguard-fake-camera: %s\n", error->message);
    return FALSE;
  }
  for (guint i = 0; cam->after && cam->after[i]; i++) {
    g_auto (GStrv) parts = g_strsplit (cam->after[i], ":", 2);
    gdouble seconds;

    if (g_strv_length (parts) != 2 || !parse_seconds (parts[0], &seconds)) {
      g_printerr ("camguard-fake-camera: bad --after '%s' (SEC:COMMAND)\n",
          cam->after[i]);
      return FALSE;
    }
  }
  return TRUE;
}

/* Listens, then starts the command sources and the --after timers; prints
 * why and returns FALSE when it cannot. */
static gboolean
camera_start (FakeCamera * cam)
{
  g_autoptr (GError) error = NULL;

  camera_server_setup (cam);
  if (!camera_listen (cam, &error)) {
    g_printerr ("camguard-fake-camera: cannot listen: %s\n",
        error ? error->message : "unknown error");
    return FALSE;
  }
  if (cam->control && !control_start (cam, &error)) {
    g_printerr ("camguard-fake-camera: control socket %s: %s\n", cam->control,
        error->message);
    return FALSE;
  }
  if (cam->stdin_commands)
    stdin_commands_start (cam);

  for (guint i = 0; cam->after && cam->after[i]; i++) {
    g_auto (GStrv) parts = g_strsplit (cam->after[i], ":", 2);
    gdouble seconds = 0;

    parse_seconds (parts[0], &seconds);
    schedule (cam, seconds, parts[1]);
  }
  if (cam->die_after > 0) {
    g_autofree gchar *cmd = g_strdup_printf ("die %g", cam->down_for);

    schedule (cam, cam->die_after, cmd);
  }
  return TRUE;
}

static void
camera_clear (FakeCamera * cam)
{
  control_stop (cam);
  camera_server_clear (cam);
  g_clear_object (&cam->stdin_stream);
  g_clear_object (&cam->cancellable);
  g_main_loop_unref (cam->loop);
  g_free (cam->codec);
  g_free (cam->path);
  g_free (cam->auth_mode);
  g_free (cam->user);
  g_free (cam->password);
  g_free (cam->control);
  g_strfreev (cam->after);
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
  guint sigint_id, sigterm_id;

  if (!parse_options (&cam, &argc, &argv))
    return 2;
  GST_DEBUG_CATEGORY_INIT (fake_camera_debug, "camguard-fake-camera", 0,
      "camguard fake RTSP camera");

  cam.loop = g_main_loop_new (NULL, FALSE);
  cam.cancellable = g_cancellable_new ();
  if (!camera_start (&cam))
    return 1;

  sigint_id = g_unix_signal_add (SIGINT, on_signal, &cam);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, &cam);

  fprintf (stdout, "READY port=%d url=rtsp://127.0.0.1:%d%s\n",
      cam.bound_port, cam.bound_port, cam.path);
  fflush (stdout);

  g_main_loop_run (cam.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  camera_clear (&cam);
  return 0;
}
