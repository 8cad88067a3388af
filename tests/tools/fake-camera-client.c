/* camguard - driving camguard-fake-camera from tests and benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Starts the camera on a free port of 127.0.0.1 with a control socket in a
 * fresh temporary directory, reads its READY line, sends it commands, stops
 * it. Every wait is bounded; waits run the thread-default main context. The
 * camera is killed with its parent (PR_SET_PDEATHSIG), so an aborted test
 * leaves none behind.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "fake-camera-client.h"

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * cg_iterate_until:
 *
 * Runs the thread-default main context until *@done or @timeout_ms passed.
 *
 * Returns: *@done
 */
gboolean
cg_iterate_until (gboolean * done, guint timeout_ms)
{
  GMainContext *ctx = g_main_context_ref_thread_default ();
  GSource *timer = g_timeout_source_new (timeout_ms);
  gboolean timed_out = FALSE;

  g_source_set_callback (timer, timeout_cb, &timed_out, NULL);
  g_source_attach (timer, ctx);
  while (!*done && !timed_out)
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
  g_main_context_unref (ctx);
  return *done;
}

typedef struct
{
  gboolean done;
  gchar *line;
  GError *error;
} LineResult;

static void
line_read (GObject * source, GAsyncResult * res, gpointer user_data)
{
  LineResult *r = user_data;

  r->line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM
      (source), res, NULL, &r->error);
  r->done = TRUE;
}

static gchar *
read_line_bounded (GDataInputStream * in, guint timeout_ms, GError ** error)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  LineResult r = { FALSE, NULL, NULL };

  g_data_input_stream_read_line_async (in, G_PRIORITY_DEFAULT, cancellable,
      line_read, &r);
  if (!cg_iterate_until (&r.done, timeout_ms)) {
    g_cancellable_cancel (cancellable);
    /* the cancelled read completes at once */
    cg_iterate_until (&r.done, G_MAXUINT);
  }
  if (!r.line && !r.error)
    g_set_error (&r.error, G_IO_ERROR, G_IO_ERROR_CLOSED, "end of stream");
  if (r.error)
    g_propagate_error (error, r.error);
  return r.line;
}

static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/**
 * cg_fake_camera_start:
 * @camera: a zeroed #CgFakeCamera
 * @path: the camguard-fake-camera executable
 * @extra_args: (nullable): more command-line arguments
 *
 * Returns: %TRUE when the camera printed its READY line within
 * @timeout_ms; @camera's port and url are set then.
 */
gboolean
cg_fake_camera_start (CgFakeCamera * camera, const gchar * path,
    const gchar * const *extra_args, guint timeout_ms, GError ** error)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autofree gchar *line = NULL;
  const gchar *url;
  guint i;

  camera->tmpdir = g_dir_make_tmp ("camguard-fake-camera-XXXXXX", error);
  if (!camera->tmpdir)
    return FALSE;
  camera->ctl = g_build_filename (camera->tmpdir, "ctl", NULL);

  g_ptr_array_add (argv, (gpointer) path);
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, (gpointer) "0");
  g_ptr_array_add (argv, (gpointer) "--control");
  g_ptr_array_add (argv, camera->ctl);
  for (i = 0; extra_args && extra_args[i]; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  camera->proc = g_subprocess_launcher_spawnv (launcher,
      (const gchar * const *) argv->pdata, error);
  if (!camera->proc)
    return FALSE;
  camera->out =
      g_data_input_stream_new (g_subprocess_get_stdout_pipe (camera->proc));

  line = read_line_bounded (camera->out, timeout_ms, error);
  if (!line)
    return FALSE;
  url = strstr (line, " url=");
  if (!g_str_has_prefix (line, "READY port=") || !url) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "not a READY line: %s", line);
    return FALSE;
  }
  camera->port = atoi (line + strlen ("READY port="));
  camera->url = g_strdup (url + strlen (" url="));
  return TRUE;
}

/**
 * cg_fake_camera_command:
 * @command: one command line, e.g. "die 2"
 *
 * Sends @command on the control socket.
 *
 * Returns: (transfer full): the camera's answer line ("OK ..." or
 * "ERR ..."), or %NULL with @error set
 */
gchar *
cg_fake_camera_command (CgFakeCamera * camera, const gchar * command,
    guint timeout_ms, GError ** error)
{
  g_autoptr (GSocketClient) sc = g_socket_client_new ();
  g_autoptr (GSocketAddress) addr = g_unix_socket_address_new (camera->ctl);
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GDataInputStream) in = NULL;
  g_autofree gchar *req = g_strconcat (command, "\n", NULL);

  g_socket_client_set_enable_proxy (sc, FALSE);
  g_socket_client_set_timeout (sc, MAX (timeout_ms / 1000, 1));
  conn = g_socket_client_connect (sc, G_SOCKET_CONNECTABLE (addr), NULL, error);
  if (!conn)
    return NULL;
  /* the socket timeout bounds the write and the read */
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM
              (conn)), req, strlen (req), NULL, NULL, error))
    return NULL;
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM
          (conn)));
  return g_data_input_stream_read_line (in, NULL, NULL, error);
}

static void
wait_done (GObject * source, GAsyncResult * res, gpointer user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), res, NULL);
  *done = TRUE;
}

/**
 * cg_fake_camera_wait_exit:
 *
 * Returns: %TRUE when the camera process exited within @timeout_ms
 */
gboolean
cg_fake_camera_wait_exit (CgFakeCamera * camera, guint timeout_ms)
{
  gboolean done = FALSE;

  g_subprocess_wait_async (camera->proc, NULL, wait_done, &done);
  return cg_iterate_until (&done, timeout_ms);
}

/**
 * cg_fake_camera_stop:
 *
 * Kills the camera (if it still runs), waits for it and removes its files.
 * Safe on a camera that failed to start.
 *
 * Returns: %TRUE when the process was gone within @timeout_ms
 */
gboolean
cg_fake_camera_stop (CgFakeCamera * camera, guint timeout_ms)
{
  gboolean exited = TRUE;

  if (camera->proc) {
    /* a no-op when it already exited */
    g_subprocess_force_exit (camera->proc);
    exited = cg_fake_camera_wait_exit (camera, timeout_ms);
    g_clear_object (&camera->out);
    g_clear_object (&camera->proc);
  }
  if (camera->ctl)
    g_unlink (camera->ctl);
  if (camera->tmpdir)
    g_rmdir (camera->tmpdir);
  g_clear_pointer (&camera->ctl, g_free);
  g_clear_pointer (&camera->tmpdir, g_free);
  g_clear_pointer (&camera->url, g_free);
  return exited;
}
