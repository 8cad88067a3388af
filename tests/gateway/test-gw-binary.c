/* camguard-gateway - the binary: --check-config, start, logs, SIGTERM
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage (meson passes it): test-gw-binary CAMGUARD-GATEWAY
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fake-camera-client.h"

#define WAIT_MS 20000

static const gchar *gateway_path;
static gchar *tmpdir;

static gchar *
write_config (const gchar * name, const gchar * text)
{
  gchar *path = g_build_filename (tmpdir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* Runs the gateway to its end; returns its exit status, stderr in @err. */
static gint
run_to_end (const gchar * const *args, gchar ** err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) p = NULL;
  g_autoptr (GError) error = NULL;
  guint i;

  g_ptr_array_add (argv, (gpointer) gateway_path);
  for (i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  p = g_subprocess_newv ((const gchar * const *) argv->pdata,
      G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
      &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (p, NULL, NULL, NULL, err,
          &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (p));
  return g_subprocess_get_exit_status (p);
}

static void
test_check_config (void)
{
  g_autofree gchar *good = write_config ("good.conf", "[gateway]\n"
      "data-dir=/nonexistent/camguard\n[camera demo]\ntype=test\n");
  g_autofree gchar *bad = write_config ("bad.conf", "[gateway]\n"
      "port=99999\n[camera door]\ntype=rtsp\nuri=ftp://u:hunter2@h/\n"
      "[camera demo]\ntype=test\nframerate=0/1\n");
  g_autofree gchar *err = NULL;
  const gchar *ok_args[] = { "--config", good, "--check-config", NULL };
  const gchar *bad_args[] = { "--config", bad, "--check-config",
    "--data-dir", tmpdir, NULL
  };
  const gchar *no_dir[] = { "--check-config", NULL };
  const gchar *bad_port[] = { "--config", good, "--port", "70000",
    "--check-config", NULL
  };

  g_assert_cmpint (run_to_end (ok_args, &err), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_to_end (bad_args, &err), ==, 2);
  g_assert_nonnull (strstr (err, "bad.conf: [gateway] port: '99999'"));
  g_assert_nonnull (strstr (err, "bad.conf: [camera door] uri: "));
  g_assert_nonnull (strstr (err, "bad.conf: [camera demo] framerate: "));
  g_assert_null (strstr (err, "hunter2"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_to_end (no_dir, &err), ==, 2);
  g_assert_nonnull (strstr (err, "[gateway] data-dir: is required"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_to_end (bad_port, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--port: 70000"));
  g_clear_pointer (&err, g_free);
}

typedef struct
{
  GDataInputStream *in;
  GString *all;
  const gchar *const *want;     /* every one of these, in any order */
  gboolean seen;
  gboolean eof;
} Reader;

static void read_next (Reader * r);

static void
line_read (GObject * src, GAsyncResult * res, gpointer data)
{
  Reader *r = data;
  g_autofree gchar *line = g_data_input_stream_read_line_finish (r->in, res,
      NULL, NULL);

  if (line == NULL) {
    r->eof = TRUE;
    return;
  }
  g_string_append_printf (r->all, "%s\n", line);
  r->seen = TRUE;
  for (guint i = 0; r->want[i]; i++)
    if (strstr (r->all->str, r->want[i]) == NULL)
      r->seen = FALSE;
  read_next (r);
}

static void
read_next (Reader * r)
{
  g_data_input_stream_read_line_async (r->in, G_PRIORITY_DEFAULT, NULL,
      line_read, r);
}

static void
exited (GObject * src, GAsyncResult * res, gpointer data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (src), res, NULL);
  *(gboolean *) data = TRUE;
}

/* Every line is one JSON object with time, level and message; none holds
 * the camera's password. */
static void
assert_json_lines (const gchar * text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint i, n = 0;

  g_assert_null (strstr (text, "hunter2"));
  for (i = 0; lines[i]; i++) {
    g_autoptr (JsonParser) p = json_parser_new ();
    JsonObject *o;

    if (*lines[i] == '\0')
      continue;
    if (!json_parser_load_from_data (p, lines[i], -1, NULL))
      g_error ("not JSON: %s", lines[i]);
    o = json_node_get_object (json_parser_get_root (p));
    g_assert_true (json_object_has_member (o, "time"));
    g_assert_true (json_object_has_member (o, "level"));
    g_assert_true (json_object_has_member (o, "message"));
    n++;
  }
  g_assert_cmpuint (n, >, 3);
}

static void
run_and_terminate (const gchar * format, const gchar * retry_line)
{
  /* the code can be logged (a warning of rtspsrc) before the state */
  const gchar *until[] = { "camera demo: starting -> running",
    "camera door: starting -> retrying", retry_line, NULL
  };
  g_autofree gchar *data = g_build_filename (tmpdir, "data", NULL);
  g_autofree gchar *conf = write_config ("run.conf", "[gateway]\nport=0\n"
      "[camera demo]\ntype=test\nwidth=160\nheight=120\n"
      "[camera door]\ntype=rtsp\nuri=rtsp://admin:hunter2@127.0.0.1:1/s\n"
      "retry-initial-delay=50\nretry-max-delay=100\n");
  g_autoptr (GSubprocess) p = NULL;
  g_autoptr (GError) error = NULL;
  Reader r = { 0 };
  gboolean done = FALSE;

  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
      G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, gateway_path, "--config", conf,
      "--data-dir", data, "--log-format", format, NULL);
  g_assert_no_error (error);
  r.in = g_data_input_stream_new (g_subprocess_get_stderr_pipe (p));
  r.all = g_string_new (NULL);
  r.want = until;
  read_next (&r);
  if (!cg_iterate_until (&r.seen, WAIT_MS))
    g_error ("never saw '%s' and '%s' in:\n%s", until[0], until[1], r.all->str);

  g_subprocess_send_signal (p, SIGTERM);
  g_subprocess_wait_async (p, NULL, exited, &done);
  g_assert_true (cg_iterate_until (&done, WAIT_MS));
  g_assert_true (g_subprocess_get_if_exited (p));
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
  g_assert_true (cg_iterate_until (&r.eof, WAIT_MS));
  if (strstr (r.all->str, "camera demo: running -> stopped") == NULL
      || strstr (r.all->str, "camera door: retrying -> stopped") == NULL)
    g_error ("not every camera stopped from its state:\n%s", r.all->str);
  if (g_str_equal (format, "json"))
    assert_json_lines (r.all->str);
  else
    g_assert_nonnull (strstr (r.all->str, " [door] CAMERA_UNREACHABLE: "));
  g_assert_null (strstr (r.all->str, "hunter2"));
  g_object_unref (r.in);
  g_string_free (r.all, TRUE);
}

static void
test_sigterm_json (void)
{
  run_and_terminate ("json", "\"code\":\"CAMERA_UNREACHABLE\"");
}

static void
test_sigterm_text (void)
{
  run_and_terminate ("text", " [door] CAMERA_UNREACHABLE: ");
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  gateway_path = argv[1];
  tmpdir = g_dir_make_tmp ("gw-binary-XXXXXX", NULL);
  g_test_add_func ("/gw/binary/check-config", test_check_config);
  g_test_add_func ("/gw/binary/sigterm-json", test_sigterm_json);
  g_test_add_func ("/gw/binary/sigterm-text", test_sigterm_text);
  ret = g_test_run ();
  {
    g_autofree gchar *cmd = NULL;
    const gchar *names[] = { "good.conf", "bad.conf", "run.conf",
      "data/" "cameras.json", NULL
    };
    guint i;

    for (i = 0; names[i]; i++) {
      g_autofree gchar *p = g_build_filename (tmpdir, names[i], NULL);

      g_unlink (p);
    }
    cmd = g_build_filename (tmpdir, "data", NULL);
    g_rmdir (cmd);
    g_rmdir (tmpdir);
  }
  g_free (tmpdir);
  return ret;
}
