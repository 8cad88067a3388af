/* camguard-gateway tests - the real binary as a child process, and real
 * HTTP, WebSocket and RTSP clients for it
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <string.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>

#include <sys/prctl.h>

#include "gateway-process.h"
#include "fake-camera-client.h"

/* --create-key: the key (the last line of stdout) */
gchar *
gw_process_create_key (const gchar * gateway, const gchar * config,
    const gchar * role, gint * exit_status)
{
  g_autoptr (GSubprocess) p = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *out = NULL;
  g_auto (GStrv) lines = NULL;
  guint n;

  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
      G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, gateway, "--config", config,
      "--create-key", role, "--name", role, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (p, NULL, NULL, &out, NULL,
          &error));
  g_assert_no_error (error);
  *exit_status = g_subprocess_get_exit_status (p);
  lines = g_strsplit (g_strchomp (out), "\n", -1);
  n = g_strv_length (lines);
  return n ? g_strdup (lines[n - 1]) : NULL;
}

/* One key per role (viewer, operator, admin, in that order) into @keys,
 * each checked. */
void
gw_process_create_role_keys (const gchar * gateway, const gchar * config,
    gchar * keys[3])
{
  static const gchar *const roles[] = { "viewer", "operator", "admin" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (roles); i++) {
    gint status = -1;

    keys[i] = gw_process_create_key (gateway, config, roles[i], &status);
    g_assert_cmpint (status, ==, 0);
    g_assert_true (g_str_has_prefix (keys[i], "cgk_"));
  }
}

static void read_next (GwProcess * p);

static void
line_read (GObject * src, GAsyncResult * res, gpointer data)
{
  GwProcess *p = data;
  g_autofree gchar *line = g_data_input_stream_read_line_finish (p->err, res,
      NULL, NULL);

  if (line == NULL) {
    p->eof = TRUE;
    return;
  }
  g_string_append_printf (p->log, "%s\n", line);
  read_next (p);
}

static void
read_next (GwProcess * p)
{
  g_data_input_stream_read_line_async (p->err, G_PRIORITY_DEFAULT, NULL,
      line_read, p);
}

typedef struct
{
  GwProcess *p;
  const gchar *text;
  gboolean seen;
} LogWait;

static gboolean
check_log (gpointer data)
{
  LogWait *w = data;

  w->seen = strstr (w->p->log->str, w->text) != NULL || w->p->eof;
  return w->seen ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/**
 * gw_process_wait_log:
 *
 * Iterates the default context until @text is in the log (bounded).
 */
gboolean
gw_process_wait_log (GwProcess * p, const gchar * text, guint timeout_ms)
{
  LogWait w = { p, text, FALSE };
  guint id = g_timeout_add (10, check_log, &w);
  gboolean found;

  cg_iterate_until (&w.seen, timeout_ms);
  if (!w.seen)
    g_source_remove (id);
  found = strstr (p->log->str, text) != NULL;
  return found;
}

static guint
port_after (const gchar * log, const gchar * label)
{
  const gchar *at = strstr (log, label);

  g_assert_nonnull (at);
  return (guint) g_ascii_strtoull (at + strlen (label), NULL, 10);
}

/* Takes @proc (started with its stderr piped) and collects its stderr in
 * p->log, for gw_process_wait_log(). */
void
gw_process_watch (GwProcess * p, GSubprocess * proc)
{
  p->log = g_string_new (NULL);
  p->proc = proc;
  p->err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (p->proc));
  read_next (p);
}

/* The gateway goes with the test: a test that fails (g_error, a crash)
 * never tears down, and its gateway must not outlive it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

void
gw_process_start (GwProcess * p, const gchar * gateway, const gchar * config)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
      G_SUBPROCESS_FLAGS_STDERR_PIPE);
  GSubprocess *proc;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  proc = g_subprocess_launcher_spawn (launcher, &error, gateway, "--config",
      config, NULL);
  g_assert_no_error (error);
  gw_process_watch (p, proc);
  if (!gw_process_wait_log (p, " running: ", GW_TEST_WAIT_MS))
    g_error ("the gateway did not start:\n%s", p->log->str);
  p->http_port = port_after (p->log->str, "listen 127.0.0.1:");
  p->rtsp_port = port_after (p->log->str, "rtsp port ");
  p->base = g_strdup_printf ("http://127.0.0.1:%u", p->http_port);
  p->session = soup_session_new ();
}

static void
exited (GObject * src, GAsyncResult * res, gpointer data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (src), res, NULL);
  *(gboolean *) data = TRUE;
}

/* SIGTERM; the exit status, or -1 when it did not exit in time */
gint
gw_process_terminate (GwProcess * p, guint timeout_ms)
{
  return gw_process_stop (p, SIGTERM, timeout_ms);
}

/* @signum; the exit status, or -1 when it did not exit in time */
gint
gw_process_stop (GwProcess * p, gint signum, guint timeout_ms)
{
  g_subprocess_send_signal (p->proc, signum);
  g_subprocess_wait_async (p->proc, NULL, exited, &p->exited);
  if (!cg_iterate_until (&p->exited, timeout_ms))
    return -1;
  cg_iterate_until (&p->eof, timeout_ms);
  if (!g_subprocess_get_if_exited (p->proc))
    return -1;
  return g_subprocess_get_exit_status (p->proc);
}

void
gw_process_clear (GwProcess * p)
{
  if (p->proc && !p->exited) {
    g_subprocess_force_exit (p->proc);
    g_subprocess_wait (p->proc, NULL, NULL);
  }
  g_clear_object (&p->session);
  g_clear_object (&p->err);
  g_clear_object (&p->proc);
  if (p->log)
    g_string_free (p->log, TRUE);
  p->log = NULL;
  g_clear_pointer (&p->base, g_free);
}

/* ------------------------------------------------------------------ */
/* HTTP                                                                 */

GwReply *
gw_process_request (GwProcess * p, const gchar * method, const gchar * path,
    const gchar * key, const gchar * json_body)
{
  return gw_process_send (p, method, path, key, "application/json", json_body);
}

/* A request with a body of any type (@body NULL: none). */
GwReply *
gw_process_send (GwProcess * p, const gchar * method, const gchar * path,
    const gchar * key, const gchar * content_type, const gchar * body)
{
  g_autofree gchar *url = g_strconcat (p->base, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *h;
  GwReply *r = g_new0 (GwReply, 1);
  const gchar *ct;

  g_assert_nonnull (msg);
  if (key) {
    g_autofree gchar *auth = g_strconcat ("Bearer ", key, NULL);

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Authorization", auth);
  }
  if (body) {
    g_autoptr (GBytes) b = g_bytes_new (body, strlen (body));

    soup_message_set_request_body_from_bytes (msg, content_type, b);
  }
  r->body = soup_session_send_and_read (p->session, msg, NULL, &error);
  g_assert_no_error (error);
  r->status = soup_message_get_status (msg);
  h = soup_message_get_response_headers (msg);
  ct = soup_message_headers_get_content_type (h, NULL);
  r->content_type = g_strdup (ct);
  r->frame_age = g_strdup (soup_message_headers_get_one (h, "X-Frame-Age-Ms"));
  r->location = g_strdup (soup_message_headers_get_one (h, "Location"));
  if (ct && g_str_has_suffix (ct, "json")) {
    g_autoptr (JsonParser) parser = json_parser_new ();
    gsize len;
    const gchar *data = g_bytes_get_data (r->body, &len);

    if (json_parser_load_from_data (parser, data, len, NULL))
      r->json = json_node_copy (json_parser_get_root (parser));
  }
  return r;
}

void
gw_reply_free (GwReply * r)
{
  g_free (r->content_type);
  g_free (r->frame_age);
  g_free (r->location);
  g_bytes_unref (r->body);
  if (r->json)
    json_node_unref (r->json);
  g_free (r);
}

const gchar *
gw_reply_error_code (GwReply * r)
{
  if (r->json == NULL || !JSON_NODE_HOLDS_OBJECT (r->json))
    return NULL;
  return json_object_get_string_member_with_default (json_node_get_object
      (r->json), "error_code", NULL);
}

/* ------------------------------------------------------------------ */
/* WebSocket                                                            */

/* Whether @o is an event notification of @camera whose params' @member is
 * @value. */
gboolean
gw_ws_is_camera_event (JsonObject * o, const gchar * camera,
    const gchar * member, const gchar * value)
{
  JsonObject *params;

  if (g_strcmp0 (json_object_get_string_member_with_default (o, "method",
              NULL), "event") != 0)
    return FALSE;
  params = json_object_get_object_member (o, "params");
  return g_strcmp0 (json_object_get_string_member_with_default (params,
          "cameraId", NULL), camera) == 0
      && g_strcmp0 (json_object_get_string_member_with_default (params,
          member, NULL), value) == 0;
}

#define INBOX "gw-test-inbox"

/* One message from /ws, parsed (transfer full); not JSON is an error. */
JsonNode *
gw_ws_parse (GBytes * message)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize len;
  const gchar *data = g_bytes_get_data (message, &len);

  if (!json_parser_load_from_data (parser, data, len, NULL))
    g_error ("not JSON from /ws: %.*s", (gint) len, data);
  return json_parser_steal_root (parser);
}

static void
on_ws_message (SoupWebsocketConnection * ws, gint type, GBytes * message,
    gpointer user_data)
{
  GQueue *inbox = g_object_get_data (G_OBJECT (ws), INBOX);
  g_autoptr (JsonNode) root = gw_ws_parse (message);

  if (JSON_NODE_HOLDS_OBJECT (root))
    g_queue_push_tail (inbox, json_node_dup_object (root));
}

static void
inbox_free (gpointer data)
{
  g_queue_free_full (data, (GDestroyNotify) json_object_unref);
}

typedef struct
{
  SoupWebsocketConnection *ws;
  GError *error;
  gboolean done;
} Connect;

static void
connected (GObject * src, GAsyncResult * res, gpointer data)
{
  Connect *c = data;

  c->ws = soup_session_websocket_connect_finish (SOUP_SESSION (src), res,
      &c->error);
  c->done = TRUE;
}

SoupWebsocketConnection *
gw_process_ws_connect (GwProcess * p)
{
  g_autofree gchar *url = g_strdup_printf ("ws://127.0.0.1:%u/ws",
      p->http_port);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  Connect c = { 0 };

  soup_session_websocket_connect_async (p->session, msg, NULL, NULL,
      G_PRIORITY_DEFAULT, NULL, connected, &c);
  g_assert_true (cg_iterate_until (&c.done, GW_TEST_WAIT_MS));
  g_assert_no_error (c.error);
  g_object_set_data_full (G_OBJECT (c.ws), INBOX, g_queue_new (), inbox_free);
  g_signal_connect (c.ws, "message", G_CALLBACK (on_ws_message), NULL);
  return c.ws;
}

typedef struct
{
  GQueue *inbox;
    gboolean (*match) (JsonObject *, gpointer);
  gpointer data;
  JsonObject *found;
  gboolean done;
} WsWait;

static gboolean
scan_inbox (gpointer user_data)
{
  WsWait *w = user_data;
  GList *l;

  for (l = w->inbox->head; l; l = l->next)
    if (w->match (l->data, w->data)) {
      w->found = l->data;
      g_queue_delete_link (w->inbox, l);
      w->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* The first message @match accepts (taken out of the inbox), within
 * @timeout_ms; NULL if none came. */
JsonObject *
gw_ws_next (SoupWebsocketConnection * ws,
    gboolean (*match) (JsonObject *, gpointer), gpointer data, guint timeout_ms)
{
  WsWait w = { g_object_get_data (G_OBJECT (ws), INBOX), match, data };
  guint id = g_timeout_add (5, scan_inbox, &w);

  if (scan_inbox (&w) == G_SOURCE_REMOVE || cg_iterate_until (&w.done,
          timeout_ms)) {
    if (g_main_context_find_source_by_id (NULL, id))
      g_source_remove (id);
    return w.found;
  }
  g_source_remove (id);
  return NULL;
}

static gboolean
has_id (JsonObject * o, gpointer data)
{
  return json_object_has_member (o, "id")
      && json_object_get_int_member (o, "id") == GPOINTER_TO_INT (data);
}

/* One JSON-RPC call and its response (transfer full) */
JsonObject *
gw_ws_call (SoupWebsocketConnection * ws, const gchar * method,
    const gchar * params_json, gint id)
{
  g_autofree gchar *text = g_strdup_printf ("{\"jsonrpc\":\"2.0\","
      "\"method\":\"%s\",\"params\":%s,\"id\":%d}", method, params_json, id);
  JsonObject *o;

  soup_websocket_connection_send_text (ws, text);
  o = gw_ws_next (ws, has_id, GINT_TO_POINTER (id), GW_TEST_WAIT_MS);
  if (o == NULL)
    g_error ("no answer to %s", text);
  return o;
}

/* ------------------------------------------------------------------ */
/* RTSP                                                                 */

/* An rtspsrc client reads @n_frames H.264 access units of the camera. */
gboolean
gw_rtsp_read_frames (guint port, const gchar * camera_id, guint n_frames,
    guint timeout_ms)
{
  g_autofree gchar *desc = g_strdup_printf ("rtspsrc location="
      "rtsp://127.0.0.1:%u/%s protocols=tcp latency=0 ! rtph264depay ! "
      "h264parse ! appsink name=sink sync=false", port, camera_id);
  g_autoptr (GError) error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);
  GstElement *sink;
  gint64 end = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  guint n = 0;

  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while (n < n_frames && g_get_monotonic_time () < end) {
    GstSample *s = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
        100 * GST_MSECOND);

    if (s) {
      n++;
      gst_sample_unref (s);
    } else if (gst_app_sink_is_eos (GST_APP_SINK (sink))) {
      break;
    }
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  return n >= n_frames;
}
