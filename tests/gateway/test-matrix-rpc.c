/* camguard-gateway - every JSON-RPC method x every credential, and every
 * protocol error path of /ws, against the real binary
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The methods come from `camguard-gateway --list-routes` (the method table
 * the binary serves), so a method added later is in the matrix.
 *
 * Usage (meson passes it): test-matrix-rpc CAMGUARD-GATEWAY
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>

#include "matrix-fixture.h"
#include "fake-camera-client.h"

#define NO_CAMERA "no-such-camera"

static MxGateway gw;

/* ------------------------------------------------------------------ */
/* a WebSocket client that keeps every message (objects and arrays)    */

#define QUEUE_KEY "mx-rpc-queue"

static void
on_text (SoupWebsocketConnection * ws, gint type, GBytes * message,
    gpointer user_data)
{
  GQueue *q = g_object_get_data (G_OBJECT (ws), QUEUE_KEY);

  g_queue_push_tail (q, gw_ws_parse (message));
}

static SoupWebsocketConnection *
connect_ws (void)
{
  SoupWebsocketConnection *ws = gw_process_ws_connect (&gw.gw);

  g_object_set_data_full (G_OBJECT (ws), QUEUE_KEY, g_queue_new (),
      (GDestroyNotify) g_queue_free);
  g_signal_connect (ws, "message", G_CALLBACK (on_text), NULL);
  return ws;
}

static gboolean
queue_has (gpointer data)
{
  return !g_queue_is_empty (data);
}

typedef struct
{
  GQueue *q;
  gboolean done;
} QWait;

static gboolean
poll_queue (gpointer data)
{
  QWait *w = data;

  w->done = queue_has (w->q);
  return w->done ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/* Sends @text; the next message that is not an event notification. */
static JsonNode *
exchange (SoupWebsocketConnection * ws, const gchar * text)
{
  GQueue *q = g_object_get_data (G_OBJECT (ws), QUEUE_KEY);

  soup_websocket_connection_send_text (ws, text);
  for (;;) {
    QWait w = { q, FALSE };
    guint id = g_timeout_add (5, poll_queue, &w);
    JsonNode *n;

    poll_queue (&w);
    if (!w.done && !cg_iterate_until (&w.done, GW_TEST_WAIT_MS)) {
      g_source_remove (id);
      g_error ("no answer to %s", text);
    }
    if (g_main_context_find_source_by_id (NULL, id))
      g_source_remove (id);
    n = g_queue_pop_head (q);
    if (JSON_NODE_HOLDS_OBJECT (n)
        && json_object_has_member (json_node_get_object (n), "method")) {
      json_node_unref (n);      /* a notification */
      continue;
    }
    return n;
  }
}

static JsonObject *
call (SoupWebsocketConnection * ws, const gchar * method,
    const gchar * params, gint id)
{
  g_autofree gchar *text = g_strdup_printf ("{\"jsonrpc\":\"2.0\","
      "\"method\":\"%s\",\"params\":%s,\"id\":%d}", method, params, id);
  g_autoptr (JsonNode) n = exchange (ws, text);
  JsonObject *o;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (n));
  o = json_node_dup_object (n);
  g_assert_cmpstr (json_object_get_string_member (o, "jsonrpc"), ==, "2.0");
  g_assert_cmpint (json_object_get_int_member (o, "id"), ==, id);
  return o;
}

/* The error's code, and its data's error_code and request_id checked;
 * 0 when the answer is a result. */
static gint64
error_of (JsonObject * response, const gchar ** code_name)
{
  JsonObject *e, *data;

  if (!json_object_has_member (response, "error")) {
    g_assert_true (json_object_has_member (response, "result"));
    return 0;
  }
  e = json_object_get_object_member (response, "error");
  data = json_object_get_object_member (e, "data");
  g_assert_nonnull (data);
  g_assert_nonnull (json_object_get_string_member (data, "request_id"));
  g_assert_nonnull (json_object_get_string_member (e, "message"));
  if (code_name)
    *code_name = json_object_get_string_member (data, "error_code");
  return json_object_get_int_member (e, "code");
}

static void
expect_rpc_error (JsonObject * response, gint64 code, const gchar * name,
    const gchar * what)
{
  const gchar *got_name = NULL;
  gint64 got = error_of (response, &got_name);

  if (got != code || g_strcmp0 (got_name, name) != 0) {
    g_autoptr (JsonNode) n = json_node_init_object (json_node_alloc (),
        response);
    g_autofree gchar *text = json_to_string (n, FALSE);

    g_error ("%s: %" G_GINT64_FORMAT " %s, expected %" G_GINT64_FORMAT
        " %s: %s", what, got, got_name, code, name, text);
  }
}

static void
close_ws (SoupWebsocketConnection * ws)
{
  GQueue *q = g_object_get_data (G_OBJECT (ws), QUEUE_KEY);
  JsonNode *n;

  while ((n = g_queue_pop_head (q)))
    json_node_unref (n);
  soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_object_unref (ws);
}

/* ------------------------------------------------------------------ */
/* roles                                                                */

/* Params that get past auth for each method: a camera method names a
 * camera that does not exist (then -32004 proves the caller got in). */
static const gchar *
params_for (const gchar * method, gboolean * camera)
{
  static const struct
  {
    const gchar *method, *params;
    gboolean camera;
  } known[] = {
    {"get_camera_list", "{}", FALSE},
    {"get_camera_status", "{\"camera\":\"" NO_CAMERA "\"}", TRUE},
    {"take_snapshot", "{\"camera\":\"" NO_CAMERA "\"}", TRUE},
    {"start_camera", "{\"camera\":\"" NO_CAMERA "\"}", TRUE},
    {"stop_camera", "{\"camera\":\"" NO_CAMERA "\"}", TRUE},
    {"restart_camera", "{\"camera\":\"" NO_CAMERA "\"}", TRUE},
    {"set_quality", "{\"camera\":\"" NO_CAMERA "\",\"mode\":\"auto\"}", TRUE},
    {"subscribe", "{\"topics\":[\"state\"],\"camera\":\"" NO_CAMERA "\"}",
        TRUE},
    {"unsubscribe", "{\"topics\":[\"state\"]}", FALSE},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_equal (known[i].method, method)) {
      *camera = known[i].camera;
      return known[i].params;
    }
  *camera = FALSE;
  return "{\"camera\":\"" NO_CAMERA "\"}";
}

/* A session as @cred: none, a failed authenticate (unknown key), or an
 * authenticated role. */
static SoupWebsocketConnection *
session_as (MxCred cred)
{
  SoupWebsocketConnection *ws = connect_ws ();
  g_autofree gchar *params = NULL;
  g_autoptr (JsonObject) r = NULL;

  if (cred == MX_CRED_NONE)
    return ws;
  params = g_strdup_printf ("{\"token\":\"%s\"}", gw.keys[cred]);
  r = call (ws, "authenticate", params, 1000);
  if (cred == MX_CRED_UNKNOWN)
    expect_rpc_error (r, -32001, "INVALID_API_KEY", "authenticate unknown");
  else
    g_assert_true (json_object_get_boolean_member (json_object_get_object_member
            (r, "result"), "authenticated"));
  return ws;
}

/* Every method x {none, unknown key, viewer, operator, admin}: -32001
 * before a successful authenticate, -32003 below the method's role (data
 * naming the required role, the role, the action and the method), else
 * past auth (-32004 for an unknown camera). The expected role is the one
 * role table's for the method's name, so a method registered with another
 * action than the table's fails here. */
static void
test_roles (void)
{
  MxCred cred;
  guint i, n = 0;

  for (cred = 0; cred < MX_N_CREDS; cred++) {
    SoupWebsocketConnection *ws = session_as (cred);

    for (i = 0; i < gw.methods->len; i++) {
      const MxRoute *m = g_ptr_array_index (gw.methods, i);
      GwRole need = gw_auth_required_role (m->pattern);
      gboolean camera;
      const gchar *params = params_for (m->pattern, &camera);
      g_autoptr (JsonObject) r = NULL;
      g_autofree gchar *what = g_strdup_printf ("%s as %s", m->pattern,
          mx_cred_names[cred]);
      const gchar *name = NULL;
      gint64 code;

      if (g_str_equal (m->pattern, "authenticate"))
        continue;
      g_assert_cmpint (need, ==, m->role);
      g_assert_cmpint (need, >=, GW_ROLE_VIEWER);
      r = call (ws, m->pattern, params, i + 1);
      if (cred == MX_CRED_NONE || cred == MX_CRED_UNKNOWN) {
        expect_rpc_error (r, -32001, "AUTHENTICATION_REQUIRED", what);
      } else if ((GwRole) (cred - MX_CRED_VIEWER + GW_ROLE_VIEWER) < need) {
        JsonObject *d;

        expect_rpc_error (r, -32003, "INSUFFICIENT_PERMISSIONS", what);
        d = json_object_get_object_member (json_object_get_object_member
            (json_object_get_object_member (r, "error"), "data"), "details");
        g_assert_cmpstr (json_object_get_string_member (d, "required_role"),
            ==, gw_role_to_nick (need));
        g_assert_cmpstr (json_object_get_string_member (d, "method"), ==,
            m->pattern);
        g_assert_cmpstr (json_object_get_string_member (d, "action"), ==,
            m->action);
      } else if (camera) {
        expect_rpc_error (r, -32004, "CAMERA_NOT_FOUND", what);
      } else {
        code = error_of (r, &name);
        if (code == -32001 || code == -32003)
          g_error ("%s: %s, expected to get in", what, name);
      }
      n++;
    }
    close_ws (ws);
  }
  g_test_message ("%u calls", n);
}

/* authenticate itself: open to all, a bad token is -32001
 * INVALID_API_KEY, a missing one -32602 naming `token`; a session that
 * failed to authenticate stays unauthenticated, one that authenticated
 * again with a lower key gets the lower role. */
static void
test_authenticate (void)
{
  SoupWebsocketConnection *ws = connect_ws ();
  g_autoptr (JsonObject) r1 = call (ws, "authenticate", "{}", 1);
  g_autoptr (JsonObject) r2 = call (ws, "authenticate",
      "{\"token\":\"cgk_nope\"}", 2);
  g_autofree gchar *admin = g_strdup_printf ("{\"token\":\"%s\"}",
      gw.keys[MX_CRED_ADMIN]);
  g_autofree gchar *viewer = g_strdup_printf ("{\"token\":\"%s\"}",
      gw.keys[MX_CRED_VIEWER]);
  g_autoptr (JsonObject) r3 = call (ws, "authenticate", admin, 3);
  g_autoptr (JsonObject) r4 = call (ws, "stop_camera",
      "{\"camera\":\"" NO_CAMERA "\"}", 4);
  g_autoptr (JsonObject) r5 = call (ws, "authenticate", viewer, 5);
  g_autoptr (JsonObject) r6 = call (ws, "stop_camera",
      "{\"camera\":\"" NO_CAMERA "\"}", 6);

  expect_rpc_error (r1, -32602, "VALIDATION_ERROR", "no token");
  expect_rpc_error (r2, -32001, "INVALID_API_KEY", "bad token");
  g_assert_cmpint (error_of (r3, NULL), ==, 0);
  expect_rpc_error (r4, -32004, "CAMERA_NOT_FOUND", "admin stop");
  g_assert_cmpint (error_of (r5, NULL), ==, 0);
  expect_rpc_error (r6, -32003, "INSUFFICIENT_PERMISSIONS", "viewer stop");
  close_ws (ws);
}

/* ------------------------------------------------------------------ */
/* protocol errors                                                      */

static SoupWebsocketConnection *
admin_session (void)
{
  return session_as (MX_CRED_ADMIN);
}

/* -32700 for text that is no JSON (id null), -32600 for JSON that is no
 * request (the id kept when it can be read), -32601 for unknown methods. */
static void
test_protocol_errors (void)
{
  static const struct
  {
    const gchar *text;
    gint64 code;
    const gchar *name;
    gint64 id;                  /* -1: null */
  } cases[] = {
    {"{", -32700, "INVALID_JSON", -1},
    {"{\"jsonrpc\":\"2.0\",\"method\":", -32700, "INVALID_JSON", -1},
    {"5", -32600, "INVALID_REQUEST", -1},
    {"\"get_camera_list\"", -32600, "INVALID_REQUEST", -1},
    {"[]", -32600, "INVALID_REQUEST", -1},
    {"{\"jsonrpc\":\"1.0\",\"method\":\"get_camera_list\",\"id\":7}",
        -32600, "INVALID_REQUEST", 7},
    {"{\"method\":\"get_camera_list\",\"id\":8}", -32600, "INVALID_REQUEST", 8},
    {"{\"jsonrpc\":\"2.0\",\"method\":5,\"id\":9}", -32600,
        "INVALID_REQUEST", 9},
    {"{\"jsonrpc\":\"2.0\",\"method\":\"get_camera_list\",\"params\":\"x\","
          "\"id\":10}", -32600, "INVALID_REQUEST", 10},
    {"{\"jsonrpc\":\"2.0\",\"method\":\"get_camera_list\",\"id\":{}}",
        -32600, "INVALID_REQUEST", -1},
    {"{\"jsonrpc\":\"2.0\",\"method\":\"no_such_method\",\"id\":11}",
        -32601, "METHOD_NOT_FOUND", 11},
    {"{\"jsonrpc\":\"2.0\",\"method\":\"rpc.discover\",\"id\":12}",
        -32601, "METHOD_NOT_FOUND", 12},
  };
  SoupWebsocketConnection *ws = admin_session ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (JsonNode) n = exchange (ws, cases[i].text);
    JsonObject *o;
    JsonNode *id;

    g_assert_true (JSON_NODE_HOLDS_OBJECT (n));
    o = json_node_get_object (n);
    expect_rpc_error (o, cases[i].code, cases[i].name, cases[i].text);
    id = json_object_get_member (o, "id");
    g_assert_nonnull (id);
    if (cases[i].id < 0)
      g_assert_true (JSON_NODE_HOLDS_NULL (id));
    else
      g_assert_cmpint (json_node_get_int (id), ==, cases[i].id);
  }
  close_ws (ws);
}

/* The field list of a -32602 answer is exactly @want. */
static void
expect_fields (JsonObject * r, const gchar * const *want, const gchar * what)
{
  JsonObject *details;
  JsonArray *fields;
  guint i, j, n = 0;

  expect_rpc_error (r, -32602, "VALIDATION_ERROR", what);
  details = json_object_get_object_member (json_object_get_object_member
      (json_object_get_object_member (r, "error"), "data"), "details");
  fields = json_object_get_array_member (details, "fields");
  g_assert_nonnull (fields);
  for (i = 0; want[i]; i++, n++) {
    gboolean found = FALSE;

    for (j = 0; j < json_array_get_length (fields); j++) {
      JsonObject *f = json_array_get_object_element (fields, j);

      /* one shape for every validation error: {field, reason} */
      g_assert_cmpuint (json_object_get_size (f), ==, 2);
      g_assert_nonnull (json_object_get_string_member_with_default (f,
              "reason", NULL));
      found |= g_strcmp0 (json_object_get_string_member (f, "field"),
          want[i]) == 0;
    }
    if (!found)
      g_error ("%s: field %s not listed", what, want[i]);
  }
  g_assert_cmpuint (json_array_get_length (fields), ==, n);
}

/* -32602 lists every bad field, for every method that takes params. */
static void
test_bad_params (void)
{
  static const struct
  {
    const gchar *method, *params;
    const gchar *fields[6];
  } cases[] = {
    {"get_camera_list", "{\"x\":1}", {"x"}},
    {"get_camera_status", "{}", {"camera"}},
    {"get_camera_status", "{\"camera\":5,\"y\":1}", {"camera", "y"}},
    {"take_snapshot", "{\"camera\":\"demo\",\"width\":0,\"height\":\"x\","
          "\"quality\":101}", {"width", "height", "quality"}},
    {"start_camera", "{\"camera\":[]}", {"camera"}},
    {"stop_camera", "{}", {"camera"}},
    {"restart_camera", "{\"camera\":\"demo\",\"now\":true}", {"now"}},
    {"set_quality", "{\"camera\":\"demo\",\"mode\":\"fast\",\"step\":-1}",
        {"mode", "step"}},
    {"set_quality", "{\"camera\":\"demo\",\"step\":2}", {"step"}},
    {"take_snapshot", "{\"camera\":\"demo\",\"width\":10,\"height\":15}",
        {"width", "height"}},
    {"subscribe", "{\"topics\":[\"nope\"],\"camera\":5}",
        {"topics[0]", "camera"}},
    {"unsubscribe", "{\"topics\":\"state\"}", {"topics"}},
  };
  SoupWebsocketConnection *ws = admin_session ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (JsonObject) r = call (ws, cases[i].method, cases[i].params,
        i + 1);
    g_autofree gchar *what = g_strdup_printf ("%s %s", cases[i].method,
        cases[i].params);

    expect_fields (r, cases[i].fields, what);
  }
  close_ws (ws);
}

/* -32004 on every method that names a camera. */
static void
test_camera_not_found (void)
{
  SoupWebsocketConnection *ws = admin_session ();
  guint i, n = 0;

  for (i = 0; i < gw.methods->len; i++) {
    const MxRoute *m = g_ptr_array_index (gw.methods, i);
    gboolean camera;
    const gchar *params = params_for (m->pattern, &camera);
    g_autoptr (JsonObject) r = NULL;
    JsonObject *d;

    if (!camera)
      continue;
    r = call (ws, m->pattern, params, i + 1);
    expect_rpc_error (r, -32004, "CAMERA_NOT_FOUND", m->pattern);
    d = json_object_get_object_member (json_object_get_object_member
        (json_object_get_object_member (r, "error"), "data"), "details");
    g_assert_cmpstr (json_object_get_string_member (d, "camera"), ==,
        NO_CAMERA);
    n++;
  }
  g_assert_cmpuint (n, >=, 7);
  close_ws (ws);
}

/* A batch mixing calls, notifications and errors: one array, in request
 * order, notifications left out, each error with its own code and id; a
 * batch of notifications only answers nothing (checked by the next call
 * being answered first). Auth inside a batch applies in order. */
static void
test_batches (void)
{
  static const struct
  {
    gint64 id;                  /* -1: null */
    gint64 code;                /* 0: a result */
  } want[] = {
    {1, 0}, {2, -32601}, {3, -32600}, {5, -32004}, {6, -32602}, {-1, -32600},
    {7, -32003}, {8, 0},
  };
  SoupWebsocketConnection *ws = session_as (MX_CRED_OPERATOR);
  g_autofree gchar *viewer = g_strdup_printf ("{\"token\":\"%s\"}",
      gw.keys[MX_CRED_VIEWER]);
  g_autofree gchar *batch = g_strdup_printf ("["
      "{\"jsonrpc\":\"2.0\",\"method\":\"get_camera_list\",\"id\":1},"
      "{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":2},"
      "{\"method\":\"get_camera_list\",\"id\":3},"
      "{\"jsonrpc\":\"2.0\",\"method\":\"get_camera_list\"},"
      "{\"jsonrpc\":\"2.0\",\"method\":\"get_camera_status\","
      "\"params\":{\"camera\":\"" NO_CAMERA "\"},\"id\":5},"
      "{\"jsonrpc\":\"2.0\",\"method\":\"take_snapshot\","
      "\"params\":{\"camera\":\"demo\",\"width\":0},\"id\":6},"
      "7,"
      "{\"jsonrpc\":\"2.0\",\"method\":\"authenticate\",\"params\":%s},"
      "{\"jsonrpc\":\"2.0\",\"method\":\"stop_camera\","
      "\"params\":{\"camera\":\"demo\"},\"id\":7},"
      "{\"jsonrpc\":\"2.0\",\"method\":\"get_camera_status\","
      "\"params\":{\"camera\":\"demo\"},\"id\":8}]", viewer);
  g_autoptr (JsonNode) n = exchange (ws, batch);
  g_autoptr (JsonNode) quiet = NULL;
  JsonArray *a;
  guint i;

  g_assert_true (JSON_NODE_HOLDS_ARRAY (n));
  a = json_node_get_array (n);
  g_assert_cmpuint (json_array_get_length (a), ==, G_N_ELEMENTS (want));
  for (i = 0; i < G_N_ELEMENTS (want); i++) {
    JsonObject *o = json_array_get_object_element (a, i);
    JsonNode *id = json_object_get_member (o, "id");

    if (want[i].id < 0)
      g_assert_true (JSON_NODE_HOLDS_NULL (id));
    else
      g_assert_cmpint (json_node_get_int (id), ==, want[i].id);
    g_assert_cmpint (error_of (o, NULL), ==, want[i].code);
  }
  /* notifications only: no answer; the next call's answer comes first */
  soup_websocket_connection_send_text (ws, "[{\"jsonrpc\":\"2.0\","
      "\"method\":\"get_camera_list\"},{\"jsonrpc\":\"2.0\","
      "\"method\":\"nope\"}]");
  quiet = exchange (ws, "{\"jsonrpc\":\"2.0\",\"method\":"
      "\"get_camera_list\",\"id\":99}");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (quiet));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (quiet),
          "id"), ==, 99);
  close_ws (ws);
}

int
main (int argc, char **argv)
{
  gint status;

  mx_gateway_start_demo (&gw, &argc, &argv);
  g_test_add_func ("/gw/matrix/rpc/roles", test_roles);
  g_test_add_func ("/gw/matrix/rpc/authenticate", test_authenticate);
  g_test_add_func ("/gw/matrix/rpc/protocol-errors", test_protocol_errors);
  g_test_add_func ("/gw/matrix/rpc/bad-params", test_bad_params);
  g_test_add_func ("/gw/matrix/rpc/camera-not-found", test_camera_not_found);
  g_test_add_func ("/gw/matrix/rpc/batches", test_batches);
  status = g_test_run ();
  mx_gateway_teardown (&gw);
  return status;
}
