/* camguard-gateway - the README's demo commands, run as printed
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage (meson passes it): test-readme SOURCE-ROOT BUILD-ROOT
 *
 * Starts scripts/demo-gateway.sh (what scripts/demo.sh runs after setup and
 * build) on free ports, with its data directory at build/demo under a
 * temporary directory, then runs every example of README.md between
 * <!-- demo-examples-begin --> and <!-- demo-examples-end --> from that
 * directory, so `cat build/demo/admin.key` reads the demo's key exactly as
 * printed; only the ports 8080 and 8554 are replaced by the free ones. A
 * block preceded by <!-- expect: TEXT --> lines must exit 0 and print every
 * TEXT; a block without is a prelude of the blocks after it (KEY=...).
 * Then SIGINT: the script stops the gateway and the fake camera and exits 0
 * within a bounded wait, and neither process is left.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "gateway-process.h"
#include "fake-camera-client.h"
#include "third-party-server.h"

#define EXAMPLE_WAIT_MS 60000

static const gchar *source_root;
static const gchar *build_root;

typedef struct
{
  gchar *command;
  GPtrArray *expects;
} Example;

static void
example_free (gpointer data)
{
  Example *e = data;

  g_free (e->command);
  g_ptr_array_unref (e->expects);
  g_free (e);
}

static gchar *
replace_all (const gchar * text, const gchar * from, const gchar * to)
{
  g_auto (GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

/* The README's examples, the prelude blocks prepended, the ports replaced */
static GPtrArray *
readme_examples (guint port, guint rtsp_port)
{
  g_autofree gchar *path = g_build_filename (source_root, "README.md", NULL);
  g_autofree gchar *text = NULL, *http = NULL, *rtsp = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GString) prelude = g_string_new (NULL);
  g_autoptr (GString) block = NULL;
  g_autoptr (GPtrArray) expects = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *out = g_ptr_array_new_with_free_func (example_free);
  gboolean inside = FALSE;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  http = g_strdup_printf (":%u", port);
  rtsp = g_strdup_printf (":%u", rtsp_port);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    const gchar *l = lines[i];

    if (g_str_equal (l, "<!-- demo-examples-begin -->"))
      inside = TRUE;
    else if (g_str_equal (l, "<!-- demo-examples-end -->"))
      break;
    else if (!inside)
      continue;
    else if (block && g_str_equal (l, "```")) {
      g_autofree gchar *a = replace_all (block->str, ":8080", http);
      g_autofree gchar *cmd = replace_all (a, ":8554", rtsp);

      if (expects->len == 0) {
        g_string_append (prelude, cmd);
      } else {
        Example *e = g_new0 (Example, 1);

        e->command = g_strconcat (prelude->str, cmd, NULL);
        e->expects = g_steal_pointer (&expects);
        expects = g_ptr_array_new_with_free_func (g_free);
        g_ptr_array_add (out, e);
      }
      g_string_free (g_steal_pointer (&block), TRUE);
    } else if (block)
      g_string_append_printf (block, "%s\n", l);
    else if (g_str_equal (l, "```sh"))
      block = g_string_new (NULL);
    else if (g_str_has_prefix (l, "<!-- expect: ")
        && g_str_has_suffix (l, " -->"))
      g_ptr_array_add (expects, g_strndup (l + strlen ("<!-- expect: "),
              strlen (l) - strlen ("<!-- expect: ") - strlen (" -->")));
  }
  g_assert_null (block);
  g_assert_cmpuint (expects->len, ==, 0);
  return out;
}

typedef struct
{
  gboolean done;
  gchar *out;
  gchar *err;
} Run;

static void
communicated (GObject * src, GAsyncResult * res, gpointer data)
{
  Run *r = data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (src), res, &r->out,
      &r->err, NULL);
  r->done = TRUE;
}

/* Runs @e with sh in @dir (Debian's python3 first in PATH), bounded. */
static void
run_example (Example * e, const gchar * dir)
{
  g_autoptr (GSubprocessLauncher) l =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
      G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GSubprocess) p = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *path = g_strconcat ("/usr/bin:", g_getenv ("PATH"), NULL);
  Run r = { FALSE, NULL, NULL };

  g_subprocess_launcher_set_cwd (l, dir);
  g_subprocess_launcher_setenv (l, "PATH", path, TRUE);
  p = g_subprocess_launcher_spawn (l, &error, "sh", "-c", e->command, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (p, NULL, NULL, communicated, &r);
  if (!cg_iterate_until (&r.done, EXAMPLE_WAIT_MS)) {
    g_subprocess_force_exit (p);
    cg_iterate_until (&r.done, EXAMPLE_WAIT_MS);
    g_error ("README example did not end:\n%s", e->command);
  }
  if (!g_subprocess_get_if_exited (p) || g_subprocess_get_exit_status (p))
    g_error ("README example failed:\n%s\nstdout: %s\nstderr: %s",
        e->command, r.out, r.err);
  for (guint i = 0; i < e->expects->len; i++)
    if (!strstr (r.out, g_ptr_array_index (e->expects, i)))
      g_error ("README example:\n%s\ndid not print '%s'; stdout: %s",
          e->command, (gchar *) g_ptr_array_index (e->expects, i), r.out);
  g_test_message ("ran: %s", e->command);
  g_free (r.out);
  g_free (r.err);
}

static void
child_setup (gpointer data)
{
  /* Ctrl-C must reach it as it does from a terminal */
  signal (SIGINT, SIG_DFL);
  /* if this test dies, the demo stops (its trap stops its children) */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
start_demo (const gchar * dir, const gchar * demo_dir, guint port,
    guint rtsp_port)
{
  g_autoptr (GSubprocessLauncher) l =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree gchar *script = g_build_filename (source_root, "scripts",
      "demo-gateway.sh", NULL);
  g_autofree gchar *out = g_build_filename (dir, "demo.out", NULL);
  g_autofree gchar *p1 = g_strdup_printf ("%u", port);
  g_autofree gchar *p2 = g_strdup_printf ("%u", rtsp_port);
  g_autoptr (GError) error = NULL;
  GSubprocess *p;

  g_subprocess_launcher_set_stdout_file_path (l, out);
  g_subprocess_launcher_setenv (l, "CAMGUARD_BUILD_ROOT", build_root, TRUE);
  g_subprocess_launcher_setenv (l, "CAMGUARD_DEMO_DIR", demo_dir, TRUE);
  g_subprocess_launcher_setenv (l, "CAMGUARD_DEMO_PORT", p1, TRUE);
  g_subprocess_launcher_setenv (l, "CAMGUARD_DEMO_RTSP_PORT", p2, TRUE);
  g_subprocess_launcher_set_child_setup (l, child_setup, NULL, NULL);
  p = g_subprocess_launcher_spawn (l, &error, "sh", script, NULL);
  g_assert_no_error (error);
  return p;
}

static gint
read_pid (const gchar * demo_dir, const gchar * name)
{
  g_autofree gchar *path = g_build_filename (demo_dir, name, NULL);
  g_autofree gchar *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return (gint) g_ascii_strtoll (text, NULL, 10);
}

static void
assert_gone (gint pid)
{
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
}

/* What the demo prints before running: URLs and the key */
static void
check_printed (const gchar * dir, const gchar * demo_dir, guint port)
{
  g_autofree gchar *out_path = g_build_filename (dir, "demo.out", NULL);
  g_autofree gchar *key_path = g_build_filename (demo_dir, "admin.key", NULL);
  g_autofree gchar *out = NULL, *key = NULL, *api = NULL, *ws = NULL;

  g_assert_true (g_file_get_contents (out_path, &out, NULL, NULL));
  g_assert_true (g_file_get_contents (key_path, &key, NULL, NULL));
  g_strchomp (key);
  g_assert_true (g_str_has_prefix (key, "cgk_"));
  api = g_strdup_printf ("http://127.0.0.1:%u/api/v1/cameras", port);
  ws = g_strdup_printf ("ws://127.0.0.1:%u/ws", port);
  g_assert_nonnull (strstr (out, api));
  g_assert_nonnull (strstr (out, ws));
  g_assert_nonnull (strstr (out, key));
  g_assert_nonnull (strstr (out, "/ball"));
  g_assert_nonnull (strstr (out, "/drill"));
  g_assert_nonnull (strstr (out, "/door"));
}

/* The event store commits in batches (75 ms apart, later while other
 * tests keep the disk busy): the README's events example runs once the
 * drill's retry can be read back, not only once it was logged. */
static void
wait_retry_stored (const gchar * demo_dir, guint port)
{
  g_autofree gchar *key_path = g_build_filename (demo_dir, "admin.key", NULL);
  g_autofree gchar *url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/"
      "cameras/drill/events?kind=retry&limit=1", port);
  g_autofree gchar *key = NULL;
  g_autofree gchar *auth = NULL;
  g_autoptr (SoupSession) session = soup_session_new ();
  gint64 end =
      g_get_monotonic_time () + GW_TEST_WAIT_MS * G_TIME_SPAN_MILLISECOND;
  gboolean never = FALSE;

  g_assert_true (g_file_get_contents (key_path, &key, NULL, NULL));
  auth = g_strconcat ("Bearer ", g_strstrip (key), NULL);
  while (g_get_monotonic_time () < end) {
    g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr (GBytes) body = NULL;
    gsize len = 0;
    const gchar *data;

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Authorization", auth);
    body = soup_session_send_and_read (session, msg, NULL, NULL);
    data = body ? g_bytes_get_data (body, &len) : NULL;
    if (data && g_strstr_len (data, len, "\"kind\":\"retry\""))
      return;
    cg_iterate_until (&never, 50);
  }
  g_error ("the drill's retry never came out of the event store");
}

static const gchar *const ready_lines[] = {
  "camera ball: starting -> running",
  "camera door: starting -> running",
  "camera drill: running -> retrying",
  "camera drill: retrying -> running",
};

static void
test_readme_examples (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *dir = g_dir_make_tmp ("gw-readme-XXXXXX", &error);
  g_autofree gchar *demo_dir = NULL;
  g_autoptr (GPtrArray) examples = NULL;
  GwProcess p = { 0 };
  guint port = cg_free_tcp_port (), rtsp_port = cg_free_tcp_port ();
  gint gw_pid, cam_pid, reboot_pid;

  g_assert_no_error (error);
  demo_dir = g_build_filename (dir, "build", "demo", NULL);
  g_assert_cmpint (g_mkdir_with_parents (demo_dir, 0700), ==, 0);
  examples = readme_examples (port, rtsp_port);
  g_assert_cmpuint (examples->len, >=, 8);
  gw_process_watch (&p, start_demo (dir, demo_dir, port, rtsp_port));
  for (guint i = 0; i < G_N_ELEMENTS (ready_lines); i++)
    if (!gw_process_wait_log (&p, ready_lines[i], GW_TEST_WAIT_MS))
      g_error ("no '%s' from the demo:\n%s", ready_lines[i], p.log->str);
  check_printed (dir, demo_dir, port);
  wait_retry_stored (demo_dir, port);
  gw_pid = read_pid (demo_dir, "gateway.pid");
  cam_pid = read_pid (demo_dir, "fake-camera.pid");
  reboot_pid = read_pid (demo_dir, "reboots.pid");
  for (guint i = 0; i < examples->len; i++)
    run_example (g_ptr_array_index (examples, i), dir);

  /* Ctrl-C: everything stops, bounded, nothing left behind */
  g_assert_cmpint (gw_process_stop (&p, SIGINT, GW_TEST_WAIT_MS), ==, 0);
  g_assert_true (p.eof);        /* no child holds its stderr any more */
  g_assert_nonnull (strstr (p.log->str, "demo: stopped"));
  g_assert_nonnull (strstr (p.log->str, "\"stopped\""));
  assert_gone (gw_pid);
  assert_gone (cam_pid);
  assert_gone (reboot_pid);
  gw_process_clear (&p);
  cg_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 3);
  source_root = argv[1];
  build_root = argv[2];
  g_test_add_func ("/gw/readme/examples", test_readme_examples);
  return g_test_run ();
}
