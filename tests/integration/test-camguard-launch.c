/* camguard - camguard-launch and the faultinject demo pipeline, end to end
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs pipelines/demo-faultinject.sh (the demo the README starts) and
 * camguard-launch itself as subprocesses and checks the JSON lines they
 * print. Usage (meson passes both): test-camguard-launch CAMGUARD-LAUNCH DEMO
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

static const gchar *launch_path;
static const gchar *demo_path;

typedef struct
{
  gint status;
  GPtrArray *lines;             /* JsonNode *, one per stdout line */
  gchar *err;
} Run;

static void
run_clear (Run * r)
{
  g_ptr_array_unref (r->lines);
  g_free (r->err);
}

/* A run that has not ended after this long hangs: it is killed and the
 * test fails. Not a timing assertion, only a hang detector. */
#define HANG_GUARD_SECONDS 60

typedef struct
{
  GMainLoop *loop;
  gchar *out;
  gchar *err;
  gboolean hung;
} Wait;

static void
communicated (GObject * proc, GAsyncResult * res, gpointer user_data)
{
  Wait *w = user_data;
  GError *error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (proc), res, &w->out,
      &w->err, &error);
  g_assert_no_error (error);
  g_main_loop_quit (w->loop);
}

static gboolean
hang_guard (gpointer user_data)
{
  Wait *w = user_data;

  w->hung = TRUE;
  g_main_loop_quit (w->loop);
  return G_SOURCE_REMOVE;
}

/* Waits for @proc to end (bounded) and collects its output. */
static void
wait_output (GSubprocess * proc, Run * r, gchar ** out)
{
  GMainContext *ctx = g_main_context_new ();
  Wait w = { 0 };
  GSource *guard = g_timeout_source_new_seconds (HANG_GUARD_SECONDS);

  g_main_context_push_thread_default (ctx);
  w.loop = g_main_loop_new (ctx, FALSE);
  g_source_set_callback (guard, hang_guard, &w, NULL);
  g_source_attach (guard, ctx);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, communicated, &w);
  g_main_loop_run (w.loop);
  if (w.hung) {
    g_subprocess_force_exit (proc);
    g_main_loop_run (w.loop);   /* communicate ends when the pipes close */
  }
  g_source_destroy (guard);
  g_source_unref (guard);
  g_main_loop_unref (w.loop);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
  if (w.hung)
    g_error ("the process did not end within %d s: it hangs (stderr: %s)",
        HANG_GUARD_SECONDS, w.err);
  *out = w.out;
  r->err = w.err;
  g_assert_true (g_subprocess_get_if_exited (proc));
  r->status = g_subprocess_get_exit_status (proc);
}

static void
collect (Run * r, GSubprocess * proc)
{
  GError *error = NULL;
  gchar *out = NULL;
  gchar **lines;

  wait_output (proc, r, &out);
  r->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  lines = g_strsplit (out, "\n", -1);
  for (gchar ** l = lines; *l; l++) {
    JsonNode *node;

    if (**l == '\0')
      continue;
    node = json_from_string (*l, &error);
    if (error)
      g_error ("not one JSON document per line: %s: %s", error->message, *l);
    g_assert_nonnull (node);
    g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
    g_ptr_array_add (r->lines, node);
  }
  g_strfreev (lines);
  g_free (out);
  g_test_message ("exit %d, %u lines, stderr: %s", r->status, r->lines->len,
      r->err);
}

static GSubprocess *
spawn (const gchar * const *argv)
{
  GError *error = NULL;
  GSubprocess *proc = g_subprocess_newv (argv,
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
      &error);

  g_assert_no_error (error);
  return proc;
}

static void
run (Run * r, const gchar * const *argv)
{
  GSubprocess *proc = spawn (argv);

  collect (r, proc);
  g_object_unref (proc);
}

static JsonObject *
last_object (Run * r)
{
  g_assert_cmpuint (r->lines->len, >, 0);
  return json_node_get_object (g_ptr_array_index (r->lines, r->lines->len - 1));
}

/* Find @key anywhere below @node (the renderers nest GStreamer facts under
 * details); return its integer value or -1. */
static gint64
find_int (JsonNode * node, const gchar * key)
{
  if (JSON_NODE_HOLDS_OBJECT (node)) {
    JsonObject *obj = json_node_get_object (node);
    GList *members = json_object_get_members (obj);
    gint64 found = -1;

    for (GList * m = members; m && found < 0; m = m->next) {
      JsonNode *child = json_object_get_member (obj, m->data);

      if (g_str_equal (m->data, key) && JSON_NODE_HOLDS_VALUE (child) &&
          json_node_get_value_type (child) == G_TYPE_INT64)
        found = json_node_get_int (child);
      else
        found = find_int (child, key);
    }
    g_list_free (members);
    return found;
  }
  if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *arr = json_node_get_array (node);

    for (guint i = 0; i < json_array_get_length (arr); i++) {
      gint64 found = find_int (json_array_get_element (arr, i), key);

      if (found >= 0)
        return found;
    }
  }
  return -1;
}

static void
test_demo_flat (void)
{
  const gchar *argv[] = { "sh", demo_path, "--format=flat", NULL };
  Run r;
  JsonObject *last;

  run (&r, argv);
  /* the script exits 0 when camguard-launch reported the injected error */
  g_assert_cmpint (r.status, ==, 0);
  last = last_object (&r);
  /* an RTSP 401 from the camera is a camera credential failure */
  g_assert_cmpstr (json_object_get_string_member (last, "error_code"), ==,
      "PERMISSION_DENIED");
  g_assert_true (json_object_has_member (last, "message"));
  g_assert_true (json_object_has_member (last, "details"));
  g_assert_cmpint (find_int (json_object_get_member (last, "details"),
          "rtsp-status-code"), ==, 401);
  run_clear (&r);
}

static void
test_demo_event (void)
{
  const gchar *argv[] = { "sh", demo_path, NULL };
  Run r;
  JsonObject *last;

  run (&r, argv);
  g_assert_cmpint (r.status, ==, 0);
  last = last_object (&r);
  g_assert_cmpstr (json_object_get_string_member (last, "type"), ==, "error");
  g_assert_cmpstr (json_object_get_string_member (last, "code"), ==,
      "PERMISSION_DENIED");
  run_clear (&r);
}

static void
test_demo_jsonrpc (void)
{
  const gchar *argv[] = { "sh", demo_path, "--format=jsonrpc", NULL };
  Run r;
  JsonObject *last, *err;

  run (&r, argv);
  g_assert_cmpint (r.status, ==, 0);
  last = last_object (&r);
  g_assert_cmpstr (json_object_get_string_member (last, "jsonrpc"), ==, "2.0");
  err = json_object_get_object_member (last, "error");
  g_assert_nonnull (err);
  /* camera failures are "operation failed", never -32001 (API auth) */
  g_assert_cmpint (json_object_get_int_member (err, "code"), ==, -32006);
  run_clear (&r);
}

/* A camguard-* element message is printed as JSON; EOS exits 0. */
static void
test_element_message_and_eos (void)
{
  const gchar *argv[] = { launch_path, "--timeout=60",
    "videotestsrc", "num-buffers=5", "!", "video/x-raw,width=64,height=48",
    "!", "faultinject", "fault=drop", "after-buffers=2", "post-messages=true",
    "!", "fakesink", NULL
  };
  Run r;
  JsonObject *obj, *fields;
  guint n = 0;

  run (&r, argv);
  g_assert_cmpint (r.status, ==, 0);
  for (guint i = 0; i < r.lines->len; i++) {
    obj = json_node_get_object (g_ptr_array_index (r.lines, i));
    if (g_strcmp0 (json_object_get_string_member_with_default (obj, "name",
                NULL), "camguard-fault") != 0)
      continue;
    n++;
    g_assert_cmpstr (json_object_get_string_member (obj, "type"), ==,
        "element-message");
    fields = json_object_get_object_member (obj, "fields");
    g_assert_cmpstr (json_object_get_string_member (fields, "fault"), ==,
        "drop");
    g_assert_cmpint (json_object_get_int_member (fields, "buffer"), ==, 2);
  }
  g_assert_cmpuint (n, ==, 1);
  run_clear (&r);
}

/* A stalled live pipeline is stopped by --timeout (exit 124): the stall
 * must release its streaming thread when the pipeline shuts down. */
static void
test_timeout_stops_stalled_pipeline (void)
{
  const gchar *argv[] = { launch_path, "--timeout=1",
    "videotestsrc", "is-live=true", "!", "video/x-raw,width=64,height=48",
    "!", "faultinject", "fault=stall", "after-buffers=3", "!", "fakesink",
    NULL
  };
  Run r;

  run (&r, argv);
  g_assert_cmpint (r.status, ==, 124);
  run_clear (&r);
}

/* A FIFO nobody reads: filesink's open in NULL->READY blocks for ever, a
 * state change that never returns. */
static gchar *
make_fifo (gchar ** dir)
{
  GError *error = NULL;
  gchar *fifo;

  *dir = g_dir_make_tmp ("camguard-launch-XXXXXX", &error);
  g_assert_no_error (error);
  fifo = g_build_filename (*dir, "fifo", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  return fifo;
}

static void
remove_fifo (gchar * dir, gchar * fifo)
{
  g_unlink (fifo);
  g_rmdir (dir);
  g_free (fifo);
  g_free (dir);
}

/* --timeout works although the state change to PLAYING never returns. */
static void
test_timeout_with_blocked_state_change (void)
{
  gchar *dir, *fifo = make_fifo (&dir);
  gchar *location = g_strdup_printf ("location=%s", fifo);
  const gchar *argv[] = { launch_path, "--timeout=1",
    "videotestsrc", "!", "filesink", location, NULL
  };
  Run r;

  run (&r, argv);
  g_assert_cmpint (r.status, ==, 124);
  g_assert_nonnull (strstr (r.err, "did not stop"));
  run_clear (&r);
  g_free (location);
  remove_fifo (dir, fifo);
}

/* Whether @pid has installed a handler for @signum (SigCgt in /proc). */
static gboolean
catches_signal (GPid pid, gint signum)
{
  gchar *path = g_strdup_printf ("/proc/%d/status", (gint) pid);
  gchar *status = NULL, *line;
  guint64 mask = 0;

  if (g_file_get_contents (path, &status, NULL, NULL)
      && (line = strstr (status, "SigCgt:")))
    mask = g_ascii_strtoull (line + 7, NULL, 16);
  g_free (status);
  g_free (path);
  return (mask >> (signum - 1)) & 1;
}

/* SIGTERM works although the state change to PLAYING never returns: the
 * stop is bounded by --stop-timeout. (The blocked stop itself is checked
 * deterministically by timeout-with-blocked-state-change.) */
static void
test_sigterm_with_blocked_state_change (void)
{
  gchar *dir, *fifo = make_fifo (&dir);
  gchar *location = g_strdup_printf ("location=%s", fifo);
  const gchar *argv[] = { launch_path, "--stop-timeout=1",
    "videotestsrc", "!", "filesink", location, NULL
  };
  GSubprocess *proc = spawn (argv);
  GPid pid = atoi (g_subprocess_get_identifier (proc));
  Run r;

  /* bounded wait until the handler is there, then the signal */
  for (guint i = 0; i < 2000 && !catches_signal (pid, SIGTERM); i++)
    g_usleep (5000);
  g_assert_true (catches_signal (pid, SIGTERM));
  g_subprocess_send_signal (proc, SIGTERM);
  collect (&r, proc);
  /* The signal may come before the start thread has reached the FIFO's
   * open (then the stop is quick: exit 0) or while it is blocked there
   * (then --stop-timeout ends the process: exit 1, saying so). Either way
   * the process ends; before, it never did (the state change blocked the
   * main loop that handles signals). */
  if (strstr (r.err, "did not stop"))
    g_assert_cmpint (r.status, ==, 1);
  else
    g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  g_object_unref (proc);
  g_free (location);
  remove_fifo (dir, fifo);
}

/* retrysrc with a description that does not parse: the run ends with a
 * failure, it does not hang (issue: gst-launch and camguard-launch hung). */
static void
test_retrysrc_bad_description (void)
{
  const gchar *descs[] = { "videotestsrcc", "videotestsrc !",
    "video/x-raw,width=64", NULL
  };

  for (guint i = 0; descs[i]; i++) {
    gchar *prop = g_strdup_printf ("source-description=%s", descs[i]);
    const gchar *argv[] = { launch_path, "retrysrc", prop, "!", "fakesink",
      NULL
    };
    Run r;

    run (&r, argv);
    g_assert_cmpint (r.status, !=, 0);
    g_assert_cmpint (r.status, !=, 124);
    run_clear (&r);
    g_free (prop);
  }
}

/* A live pipeline's EOS is a failure (the camera stopped): it is printed
 * and the exit status says so. */
static void
test_live_eos_is_failure (void)
{
  const gchar *argv[] = { launch_path, "--timeout=60",
    "videotestsrc", "is-live=true", "num-buffers=5", "!",
    "video/x-raw,width=64,height=48", "!", "fakesink", NULL
  };
  Run r;

  run (&r, argv);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (last_object (&r), "code"),
      ==, "CAMERA_DISCONNECTED");
  run_clear (&r);
}

/* Without --exit-on-error an ERROR still ends the run, as in gst-launch-1.0:
 * here retrysrc gives up before the first buffer ever reached the sink. */
static void
test_error_ends_run (void)
{
  const gchar *argv[] = { launch_path,
    "retrysrc", "max-attempts=1", "initial-delay=1000000",
    "max-delay=1000000", "source-description=filesrc location=/nonexistent",
    "!", "fakesink", NULL
  };
  Run r;

  run (&r, argv);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpuint (r.lines->len, >, 0);
  run_clear (&r);
}

/* The usage line names the description once. */
static void
test_usage_line (void)
{
  const gchar *argv[] = { launch_path, "--help", NULL };
  GSubprocess *proc = spawn (argv);
  gchar *out = NULL, *first;
  Run r = { 0 };

  wait_output (proc, &r, &out);
  first = strstr (out, "PIPELINE-DESCRIPTION");
  g_assert_nonnull (first);
  g_assert_null (strstr (first + 1, "PIPELINE-DESCRIPTION"));
  g_free (out);
  g_free (r.err);
  g_object_unref (proc);
}

static void
test_bad_usage (void)
{
  const gchar *argv1[] = { launch_path, "--format=xml", "fakesrc", "!",
    "fakesink", NULL
  };
  const gchar *argv2[] = { launch_path, "no-such-element-here", NULL };
  Run r;

  run (&r, argv1);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_cmpuint (r.lines->len, ==, 0);
  run_clear (&r);

  run (&r, argv2);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);
}

/* A pipeline that cannot start prints the ERROR that explains it, every
 * time. The ERROR and the start failure reach the main loop in either
 * order; when the failure came first the stop had begun, and the ERROR was
 * lost either way: the bus watch took it and dropped it (stopping), or it
 * was still queued and the pipeline flushed its bus going to NULL before
 * stopped_cb drained it. About one run in three printed nothing at all. */
static void
test_start_failure_prints_error (void)
{
  const gchar *argv[] = { launch_path, "--format=flat", "-e", "filesrc",
    "location=/nonexistent/camguard-launch-test", "!", "fakesink", NULL
  };

  /* every other run without --exit-on-error ("-e" left out) */
  for (guint i = 0; i < 40; i++) {
    const gchar *args[G_N_ELEMENTS (argv)] = { NULL };
    Run r;
    guint j, k = 0;

    for (j = 0; argv[j]; j++)
      if (i % 2 == 0 || !g_str_equal (argv[j], "-e"))
        args[k++] = argv[j];
    run (&r, args);
    g_assert_cmpint (r.status, ==, 1);
    /* the cause is the last line (cascades may come before it) */
    g_assert_cmpstr (json_object_get_string_member (last_object (&r),
            "error_code"), ==, "DEVICE_NOT_FOUND");
    run_clear (&r);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 3)
    g_error ("usage: %s CAMGUARD-LAUNCH DEMO-SCRIPT", argv[0]);
  launch_path = argv[1];
  demo_path = argv[2];

  g_test_add_func ("/camguard-launch/demo/flat", test_demo_flat);
  g_test_add_func ("/camguard-launch/demo/event", test_demo_event);
  g_test_add_func ("/camguard-launch/demo/jsonrpc", test_demo_jsonrpc);
  g_test_add_func ("/camguard-launch/element-message-and-eos",
      test_element_message_and_eos);
  g_test_add_func ("/camguard-launch/timeout-stops-stalled-pipeline",
      test_timeout_stops_stalled_pipeline);
  g_test_add_func ("/camguard-launch/bad-usage", test_bad_usage);
  g_test_add_func ("/camguard-launch/usage-line", test_usage_line);
  g_test_add_func ("/camguard-launch/timeout-with-blocked-state-change",
      test_timeout_with_blocked_state_change);
  g_test_add_func ("/camguard-launch/sigterm-with-blocked-state-change",
      test_sigterm_with_blocked_state_change);
  g_test_add_func ("/camguard-launch/live-eos-is-failure",
      test_live_eos_is_failure);
  g_test_add_func ("/camguard-launch/error-ends-run", test_error_ends_run);
  g_test_add_func ("/camguard-launch/retrysrc-bad-description",
      test_retrysrc_bad_description);
  g_test_add_func ("/camguard-launch/start-failure-prints-error",
      test_start_failure_prints_error);
  return g_test_run ();
}
