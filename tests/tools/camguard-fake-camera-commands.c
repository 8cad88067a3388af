/* camguard - camguard-fake-camera: the commands and where they come from
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One table of commands (camguard-fake-camera.c lists them), read from the
 * control socket (each answered on it), from stdin (answered on stdout)
 * or run at a time given with --after.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gunixinputstream.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "camguard-fake-camera-private.h"

#define GST_CAT_DEFAULT fake_camera_debug

typedef struct
{
  FakeCamera *cam;
  GSocketConnection *connection;
  GDataInputStream *in;
} ControlConn;


gboolean
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

/* Splits @stripped into its non-empty words (at most 2 are valid). */
static GStrv
split_words (const gchar * stripped, guint * argc)
{
  GStrv argv = g_strsplit_set (stripped, " \t", -1);
  guint n = 0;

  for (guint i = 0; argv[i]; i++) {
    if (*argv[i] == '\0') {
      g_free (argv[i]);
      continue;
    }
    argv[n++] = argv[i];
  }
  argv[n] = NULL;
  *argc = n;
  return argv;
}

/* One command's action, once its argument was checked: @cmd its name,
 * @arg its argument or NULL, @line the whole (stripped) command; returns
 * the answer line. */
typedef gchar *(*CommandFunc) (FakeCamera * cam, const gchar * cmd,
    const gchar * arg, const gchar * line, gboolean * quit);

/* What a command takes after its name. */
typedef enum
{
  ARG_NONE,                     /* nothing */
  ARG_ANY,                      /* anything, ignored */
  ARG_SECONDS,                  /* optional seconds (parse_seconds()) */
  ARG_ONE_OF                    /* one of the '|'-separated choices */
} ArgKind;

/* die [N], refuse */
static gchar *
command_die (FakeCamera * cam, const gchar * cmd, const gchar * arg,
    const gchar * line, gboolean * quit)
{
  gdouble down = 0;

  if (arg)
    parse_seconds (arg, &down);
  camera_die (cam, down);
  return g_strdup_printf ("OK %s", line);
}

static gchar *
command_revive (FakeCamera * cam, const gchar * cmd, const gchar * arg,
    const gchar * line, gboolean * quit)
{
  g_autoptr (GError) error = NULL;

  if (!camera_revive (cam, &error))
    return g_strdup_printf ("ERR cannot listen: %s", error->message);
  return g_strdup_printf ("OK revive port=%d", cam->bound_port);
}

static gchar *
command_auth (FakeCamera * cam, const gchar * cmd, const gchar * arg,
    const gchar * line, gboolean * quit)
{
  camera_set_auth (cam, arg);
  return g_strdup_printf ("OK %s", line);
}

static gchar *
command_status (FakeCamera * cam, const gchar * cmd, const gchar * arg,
    const gchar * line, gboolean * quit)
{
  gint code = atoi (arg);

  g_atomic_int_set (&cam->status, code);
  camera_set_mounted (cam, code != GST_RTSP_STS_NOT_FOUND);
  return g_strdup_printf ("OK %s", line);
}

/* stall, resume */
static gchar *
command_stall (FakeCamera * cam, const gchar * cmd, const gchar * arg,
    const gchar * line, gboolean * quit)
{
  gboolean stall = g_str_equal (cmd, "stall");

  if (!stall && g_atomic_int_get (&cam->stalled))
    g_atomic_int_set (&cam->key_state, KEY_WANTED);
  g_atomic_int_set (&cam->stalled, stall);
  return g_strdup_printf ("OK %s", line);
}

static gchar *
command_close (FakeCamera * cam, const gchar * cmd, const gchar * arg,
    const gchar * line, gboolean * quit)
{
  camera_close_clients (cam);
  return g_strdup ("OK close");
}

static gchar *
command_clients (FakeCamera * cam, const gchar * cmd, const gchar * arg,
    const gchar * line, gboolean * quit)
{
  return g_strdup_printf ("OK clients=%u", camera_n_clients (cam));
}

static gchar *
command_quit (FakeCamera * cam, const gchar * cmd, const gchar * arg,
    const gchar * line, gboolean * quit)
{
  *quit = TRUE;
  return g_strdup ("OK quit");
}

typedef struct
{
  const gchar *name;
  ArgKind arg;
  const gchar *choices;         /* ARG_ONE_OF */
  gboolean announce;            /* echo the command on stderr */
  CommandFunc func;
} Command;

static const Command commands[] = {
  {"die", ARG_SECONDS, NULL, TRUE, command_die},
  {"refuse", ARG_NONE, NULL, TRUE, command_die},
  {"revive", ARG_NONE, NULL, TRUE, command_revive},
  {"auth", ARG_ONE_OF, "none|basic|digest", TRUE, command_auth},
  {"status", ARG_ONE_OF, "200|404|503", TRUE, command_status},
  {"stall", ARG_NONE, NULL, TRUE, command_stall},
  {"resume", ARG_NONE, NULL, TRUE, command_stall},
  {"close", ARG_NONE, NULL, TRUE, command_close},
  {"clients", ARG_NONE, NULL, FALSE, command_clients},
  {"quit", ARG_ANY, NULL, TRUE, command_quit},
};

/* Why @arg does not suit @command (the ERR answer), or NULL. */
static gchar *
check_argument (const Command * command, const gchar * arg)
{
  gdouble seconds;
  g_auto (GStrv) choices = NULL;

  switch (command->arg) {
    case ARG_NONE:
      if (arg)
        return g_strdup_printf ("ERR %s takes no argument", command->name);
      break;
    case ARG_ANY:
      break;
    case ARG_SECONDS:
      if (arg && !parse_seconds (arg, &seconds))
        return g_strdup_printf ("ERR bad seconds '%s'", arg);
      break;
    case ARG_ONE_OF:
      choices = g_strsplit (command->choices, "|", -1);
      if (!arg || !g_strv_contains ((const gchar * const *) choices, arg))
        return g_strdup_printf ("ERR usage: %s %s", command->name,
            command->choices);
      break;
  }
  return NULL;
}

/* Apply one command; returns the answer line (without newline). */
gchar *
camera_command (FakeCamera * cam, const gchar * line, gboolean * quit)
{
  g_autofree gchar *stripped = g_strstrip (g_strdup (line));
  g_auto (GStrv) argv = NULL;
  const Command *command = NULL;
  gchar *refused;
  guint argc;

  argv = split_words (stripped, &argc);
  if (argc == 0)
    return g_strdup ("ERR empty command");
  if (argc > 2)
    return g_strdup_printf ("ERR too many arguments for %s", argv[0]);

  GST_INFO ("command: %s", stripped);
  for (guint i = 0; i < G_N_ELEMENTS (commands) && !command; i++)
    if (g_str_equal (argv[0], commands[i].name))
      command = &commands[i];
  if (command == NULL)
    return g_strdup_printf ("ERR unknown command '%s'", argv[0]);
  refused = check_argument (command, argv[1]);
  if (refused)
    return refused;
  if (command->announce)
    g_printerr ("fake-camera: %s\n", stripped);
  return command->func (cam, argv[0], argv[1], stripped, quit);
}


void
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

gboolean
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

void
control_stop (FakeCamera * cam)
{
  if (cam->control_service == NULL)
    return;
  g_socket_service_stop (cam->control_service);
  g_socket_listener_close (G_SOCKET_LISTENER (cam->control_service));
  g_clear_object (&cam->control_service);
  g_unlink (cam->control);
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

/* Reads commands from stdin until EOF; answers on stdout. */
void
stdin_commands_start (FakeCamera * cam)
{
  g_autoptr (GInputStream) in = g_unix_input_stream_new (0, FALSE);

  cam->stdin_stream = g_data_input_stream_new (in);
  g_data_input_stream_set_newline_type (cam->stdin_stream,
      G_DATA_STREAM_NEWLINE_TYPE_ANY);
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

void
schedule (FakeCamera * cam, gdouble seconds, const gchar * command)
{
  Scheduled *s = g_new0 (Scheduled, 1);

  s->cam = cam;
  s->command = g_strdup (command);
  g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) (seconds * 1000),
      scheduled_fire, s, scheduled_free);
}
