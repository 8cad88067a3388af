/* camguard-launch - run one pipeline and print its classified errors as JSON
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Like gst-launch-1.0 for one pipeline description, but every ERROR,
 * WARNING, QOS, ELEMENT and EOS message on the bus goes through libcamguard's
 * stateful classifier (CgClassifier), and each classified error is printed on
 * stdout as one line of JSON in the chosen format. camguard element messages
 * (structure names starting with "camguard-") are printed as JSON too.
 * stdout carries nothing else; diagnostics go to stderr.
 *
 * The pipeline is started and stopped on threads of their own, so that
 * --timeout, SIGINT and SIGTERM work even when a state change never returns;
 * a stop that takes longer than --stop-timeout ends the process anyway, and
 * a second SIGINT ends it at once. A pipeline that does not preroll is live:
 * its EOS is a failure (the camera stopped sending), as the classifier
 * reports it. An ERROR ends the run as in gst-launch-1.0: at once with
 * --exit-on-error, else after the pipeline ended the stream or 3 s passed.
 *
 * Exit status: 0 at EOS (or interrupt) without a failure, 1 when an ERROR
 * or a failure without one (a live EOS, a server gone away) was seen, 2 for
 * bad arguments or a pipeline that cannot be built, 124 when --timeout
 * expired first.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <gst/gst.h>

#include "cg-classifier.h"
#include "cg-render.h"

#define EXIT_OK 0
#define EXIT_ERROR 1
#define EXIT_USAGE 2
#define EXIT_TIMEOUT 124

/* Without --exit-on-error, how long an ERROR may take to end the stream. */
#define ERROR_GRACE_SECONDS 3
#define DEFAULT_STOP_TIMEOUT 10

typedef enum
{
  FORMAT_EVENT,
  FORMAT_FLAT,
  FORMAT_PROBLEM,
  FORMAT_JSONRPC,
} OutputFormat;

typedef struct
{
  GMainLoop *loop;
  GstElement *pipeline;
  CgClassifier *classifier;
  OutputFormat format;
  gboolean exit_on_error;
  gboolean seen_error;
  gboolean stopping;            /* finish() was called */
  guint stop_timeout;           /* seconds the stop may take, 0: no limit */
  guint grace_id;               /* waiting for EOS after an ERROR */
  gint exit_code;
  gchar *last_line;             /* last error line printed */
} Launch;

static void
emit_line (Launch * l, const gchar * line)
{
  fputs (line, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

/* @error as one line of JSON in the chosen format. */
static gchar *
render_error (Launch * l, const CgError * error)
{
  CgJsonWriter *w;

  /* a response to no request: "id": null; the renderer is compact */
  if (l->format == FORMAT_JSONRPC)
    return cg_error_to_jsonrpc_response (error, NULL, NULL);
  w = cg_json_writer_new ();
  switch (l->format) {
    case FORMAT_FLAT:
      cg_error_write_json (error, NULL, w);
      break;
    case FORMAT_PROBLEM:
      cg_error_write_problem (error, NULL, NULL, w);
      break;
    case FORMAT_EVENT:
    default:
      cg_error_write_event (error, w);
      break;
  }
  return cg_json_writer_free_to_string (w, NULL);
}

static void
print_error (Launch * l, const CgError * error)
{
  gchar *line = render_error (l, error);

  emit_line (l, line);
  g_free (l->last_line);
  l->last_line = line;
}

/* A camguard element message as one line: its fields are written as
 * error details are (cg_structure_write_json(): strings redacted, secret
 * fields masked). */
static void
print_element_message (Launch * l, GstMessage * msg)
{
  const GstStructure *s = gst_message_get_structure (msg);
  CgJsonWriter *w = cg_json_writer_new ();
  g_autofree gchar *path = GST_MESSAGE_SRC (msg) ?
      gst_object_get_path_string (GST_MESSAGE_SRC (msg)) : NULL;
  g_autofree gchar *line = NULL;

  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "type", "element-message");
  cg_json_writer_member_string (w, "name", gst_structure_get_name (s));
  if (path)
    cg_json_writer_member_string (w, "source", path);
  cg_json_writer_member (w, "fields");
  cg_structure_write_json (s, w);
  cg_json_writer_end_object (w);
  line = cg_json_writer_free_to_string (w, NULL);
  emit_line (l, line);
}

/* Push @msg through the classifier and print what it yields. */
static void
classify (Launch * l, GstMessage * msg)
{
  CgError *error;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
    case GST_MESSAGE_WARNING:
    case GST_MESSAGE_INFO:
    case GST_MESSAGE_QOS:
    case GST_MESSAGE_ELEMENT:
    case GST_MESSAGE_EOS:
      break;
    default:
      return;
  }

  error = cg_classifier_push (l->classifier, msg);
  if (error) {
    print_error (l, error);
    cg_error_unref (error);
  }

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT) {
    const GstStructure *s = gst_message_get_structure (msg);

    if (s && g_str_has_prefix (gst_structure_get_name (s), "camguard-"))
      print_element_message (l, msg);
  }
}

/* Classify what is still queued on the bus (cascades of the error), print
 * the cause last when asked and it is not printed already, and quit. Runs
 * on the main thread once the pipeline is in NULL. */
static gboolean
stopped_cb (gpointer user_data)
{
  Launch *l = user_data;
  GstBus *bus = gst_element_get_bus (l->pipeline);
  GstMessage *msg;
  CgError *cause;

  while ((msg = gst_bus_pop (bus))) {
    classify (l, msg);
    gst_message_unref (msg);
  }
  gst_object_unref (bus);

  cause = cg_classifier_get_cause (l->classifier);
  if (cause && l->exit_on_error) {
    gchar *line = render_error (l, cause);

    if (g_strcmp0 (line, l->last_line) != 0)
      print_error (l, cause);
    g_free (line);
  }
  /* an ERROR, or a failure without one (a live source's EOS, a server that
   * went away) is exit status 1, whatever ended the run */
  if (cause && l->exit_code == EXIT_OK)
    l->exit_code = EXIT_ERROR;
  g_clear_pointer (&cause, cg_error_unref);
  g_main_loop_quit (l->loop);
  return G_SOURCE_REMOVE;
}

/* The pipeline goes to NULL on its own thread: a state change that never
 * returns (a sink opening a FIFO nobody reads, an element stuck in
 * change_state) must not keep the main loop from the stop timeout. */
static gpointer
stop_thread (gpointer user_data)
{
  Launch *l = user_data;

  gst_element_set_state (l->pipeline, GST_STATE_NULL);
  g_main_context_invoke (NULL, stopped_cb, l);
  return NULL;
}

/* The pipeline did not reach NULL within --stop-timeout: nothing more can
 * be done safely in this process, so it ends here. */
static gboolean
stop_timeout_cb (gpointer user_data)
{
  Launch *l = user_data;

  g_printerr ("camguard-launch: the pipeline did not stop within %u s; "
      "exiting without it\n", l->stop_timeout);
  fflush (stdout);
  _exit (l->exit_code == EXIT_OK ? EXIT_ERROR : l->exit_code);
  return G_SOURCE_REMOVE;
}

/* Stop the pipeline (once) and quit with @exit_code. */
static void
finish (Launch * l, gint exit_code)
{
  if (l->stopping)
    return;
  l->stopping = TRUE;
  l->exit_code = exit_code;
  if (l->stop_timeout > 0)
    g_timeout_add_seconds (l->stop_timeout, stop_timeout_cb, l);
  g_thread_unref (g_thread_new ("camguard-launch-stop", stop_thread, l));
}

static gboolean
error_grace_cb (gpointer user_data)
{
  Launch *l = user_data;

  l->grace_id = 0;
  g_printerr ("camguard-launch: no EOS within %u s after the ERROR, "
      "stopping the pipeline\n", ERROR_GRACE_SECONDS);
  finish (l, EXIT_ERROR);
  return G_SOURCE_REMOVE;
}

/* An ERROR ends the run, as in gst-launch-1.0. With --exit-on-error at
 * once; otherwise the pipeline gets ERROR_GRACE_SECONDS to end the stream
 * itself (retrysrc sends EOS after its give-up ERROR, so that a muxer
 * downstream can finalize its file). */
static void
on_error (Launch * l)
{
  l->seen_error = TRUE;
  if (l->exit_on_error)
    finish (l, EXIT_ERROR);
  else if (l->grace_id == 0 && !l->stopping)
    l->grace_id = g_timeout_add_seconds (ERROR_GRACE_SECONDS, error_grace_cb,
        l);
}

static gboolean
bus_cb (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Launch *l = user_data;

  if (l->stopping)
    return G_SOURCE_CONTINUE;   /* stopped_cb drains the rest */

  classify (l, msg);

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      on_error (l);
      break;
    case GST_MESSAGE_EOS:
      finish (l, l->seen_error ? EXIT_ERROR : EXIT_OK);
      break;
    case GST_MESSAGE_CLOCK_LOST:
      /* as gst-launch-1.0: pick a new clock */
      gst_element_set_state (l->pipeline, GST_STATE_PAUSED);
      gst_element_set_state (l->pipeline, GST_STATE_PLAYING);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  Launch *l = user_data;

  g_printerr ("camguard-launch: timeout, stopping the pipeline\n");
  finish (l, EXIT_TIMEOUT);
  return G_SOURCE_REMOVE;
}

static gboolean
interrupt_cb (gpointer user_data)
{
  Launch *l = user_data;

  if (l->stopping) {
    /* a second interrupt: the user does not want to wait for the stop */
    g_printerr ("camguard-launch: interrupted again, exiting now\n");
    fflush (stdout);
    _exit (l->exit_code == EXIT_OK ? EXIT_ERROR : l->exit_code);
  }
  g_printerr ("camguard-launch: interrupted, stopping the pipeline\n");
  finish (l, l->seen_error ? EXIT_ERROR : EXIT_OK);
  return G_SOURCE_CONTINUE;
}

static gboolean
start_failed_cb (gpointer user_data)
{
  Launch *l = user_data;
  GstBus *bus = gst_element_get_bus (l->pipeline);
  GstMessage *msg;

  g_printerr ("camguard-launch: the pipeline failed to start\n");
  /* the ERROR that explains it was posted before the state change failed;
   * if the bus watch has not had it yet, it gets it here: once the stop
   * begins the watch drops what it takes, and the pipeline flushes its bus
   * going to NULL */
  while (!l->stopping && (msg = gst_bus_pop (bus))) {
    bus_cb (bus, msg, l);
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  l->exit_on_error = TRUE;
  l->seen_error = TRUE;
  finish (l, EXIT_ERROR);
  return G_SOURCE_REMOVE;
}

/* Starts the pipeline off the main thread, so that a state change that
 * blocks cannot keep --timeout, SIGINT or SIGTERM from working. A pipeline
 * that does not preroll is live: its EOS is a failure (the camera stopped),
 * which the classifier must know. */
static gpointer
start_thread (gpointer user_data)
{
  Launch *l = user_data;
  GstStateChangeReturn ret;

  ret = gst_element_set_state (l->pipeline, GST_STATE_PAUSED);
  if (ret == GST_STATE_CHANGE_NO_PREROLL)
    cg_classifier_set_live (l->classifier, TRUE);
  if (ret != GST_STATE_CHANGE_FAILURE)
    ret = gst_element_set_state (l->pipeline, GST_STATE_PLAYING);
  if (ret == GST_STATE_CHANGE_FAILURE)
    g_main_context_invoke (NULL, start_failed_cb, l);
  return NULL;
}

static gboolean
parse_format (const gchar * s, OutputFormat * format)
{
  if (g_str_equal (s, "event"))
    *format = FORMAT_EVENT;
  else if (g_str_equal (s, "flat"))
    *format = FORMAT_FLAT;
  else if (g_str_equal (s, "problem"))
    *format = FORMAT_PROBLEM;
  else if (g_str_equal (s, "jsonrpc"))
    *format = FORMAT_JSONRPC;
  else
    return FALSE;
  return TRUE;
}

int
main (int argc, char **argv)
{
  gchar *format_str = NULL;
  gboolean exit_on_error = FALSE;
  gint timeout = 0, stop_timeout = DEFAULT_STOP_TIMEOUT;
  gchar **description = NULL;
  GOptionEntry entries[] = {
    {"format", 'f', 0, G_OPTION_ARG_STRING, &format_str,
          "Output format of classified errors: event (WebSocket error event, "
          "default), flat ({error_code, message, details, request_id}), "
          "problem (RFC 7807) or jsonrpc (JSON-RPC 2.0 error response)",
        "FORMAT"},
    {"exit-on-error", 'e', 0, G_OPTION_ARG_NONE, &exit_on_error,
        "Stop at the first ERROR at once (without it, the pipeline gets "
          "3 s to end the stream) and print the incident's cause as the "
          "last line", NULL},
    {"timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
        "Stop after this many seconds and exit 124 (0: no limit)", "SECONDS"},
    {"stop-timeout", 0, 0, G_OPTION_ARG_INT, &stop_timeout,
        "Exit anyway when stopping the pipeline takes longer than this "
          "many seconds (default 10; 0: wait for ever)", "SECONDS"},
    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &description,
        NULL, NULL},
    {NULL}
  };
  GOptionContext *ctx;
  GError *error = NULL;
  Launch l = { 0 };
  GstBus *bus;
  guint bus_watch;

  ctx = g_option_context_new ("PIPELINE-DESCRIPTION");
  g_option_context_set_summary (ctx,
      "Run a GStreamer pipeline like gst-launch-1.0 and print every "
      "classified error as one line of JSON on stdout.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("camguard-launch: %s\n", error->message);
    g_clear_error (&error);
    g_option_context_free (ctx);
    return EXIT_USAGE;
  }
  g_option_context_free (ctx);

  l.format = FORMAT_EVENT;
  if (format_str && !parse_format (format_str, &l.format)) {
    g_printerr ("camguard-launch: unknown --format '%s' (event, flat, "
        "problem, jsonrpc)\n", format_str);
    return EXIT_USAGE;
  }
  if (timeout < 0 || stop_timeout < 0) {
    g_printerr ("camguard-launch: --timeout and --stop-timeout must not be "
        "negative\n");
    return EXIT_USAGE;
  }
  if (!description || !description[0]) {
    g_printerr ("camguard-launch: no pipeline description given\n");
    return EXIT_USAGE;
  }
  l.exit_on_error = exit_on_error;
  l.stop_timeout = stop_timeout;

  l.pipeline = gst_parse_launchv ((const gchar **) description, &error);
  if (!l.pipeline) {
    g_printerr ("camguard-launch: cannot build the pipeline: %s\n",
        error ? error->message : "unknown error");
    g_clear_error (&error);
    return EXIT_USAGE;
  }
  if (error) {
    /* a recoverable parse error, e.g. a missing property: go on */
    g_printerr ("camguard-launch: warning: %s\n", error->message);
    g_clear_error (&error);
  }
  if (!GST_IS_PIPELINE (l.pipeline)) {
    GstElement *p = gst_pipeline_new (NULL);

    gst_bin_add (GST_BIN (p), l.pipeline);
    l.pipeline = p;
  }

  l.classifier = cg_classifier_new ();
  l.loop = g_main_loop_new (NULL, FALSE);

  bus = gst_element_get_bus (l.pipeline);
  bus_watch = gst_bus_add_watch (bus, bus_cb, &l);
  gst_object_unref (bus);
  if (timeout > 0)
    g_timeout_add_seconds (timeout, timeout_cb, &l);
  g_unix_signal_add (SIGINT, interrupt_cb, &l);
  g_unix_signal_add (SIGTERM, interrupt_cb, &l);
  g_thread_unref (g_thread_new ("camguard-launch-start", start_thread, &l));

  g_main_loop_run (l.loop);

  g_source_remove (bus_watch);
  gst_object_unref (l.pipeline);
  g_object_unref (l.classifier);
  g_main_loop_unref (l.loop);
  g_free (l.last_line);
  g_free (format_str);
  g_strfreev (description);
  return l.exit_code;
}
