/* camguard-gateway - tests for gw-jsonrpc and gw-params: framing, batches,
 * dispatch, deferred answers, authenticate and roles
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "gw-jsonrpc.h"
#include "gw-params.h"
#include "rpc-dummies.h"

/* ---------------------------------------------------------------------- */
/* A session whose responses the test collects                            */
/* ---------------------------------------------------------------------- */

typedef struct
{
  GwRpcRegistry *registry;
  GwJsonRpc *rpc;
  GPtrArray *sent;              /* gchar * */
  GThread *finish_thread;
  guint observed;
} Fixture;

static void
collect (GwJsonRpc * rpc, const gchar * text, gpointer user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->sent, g_strdup (text));
}

static void
observe (GwRpcCall * call, const CgError * error, gpointer user_data)
{
  Fixture *f = user_data;

  f->observed++;
  f->finish_thread = g_thread_self ();
}

static void
fixture_setup (Fixture * f, gconstpointer data)
{
  f->registry = gw_rpc_registry_new ();
  rpc_dummies_register (f->registry);
  gw_rpc_registry_set_observer (f->registry, observe, f);
  f->sent = g_ptr_array_new_with_free_func (g_free);
  f->rpc = gw_jsonrpc_new (f->registry, collect, f, NULL);
}

static void
fixture_teardown (Fixture * f, gconstpointer data)
{
  gw_jsonrpc_unref (f->rpc);
  gw_rpc_registry_unref (f->registry);
  g_ptr_array_unref (f->sent);
}

/* Iterates the default context until @n responses arrived (bounded: only
 * a hang fails), then until nothing is pending. */
static void
wait_sent (Fixture * f, guint n)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

  while (f->sent->len < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE));
  g_assert_cmpuint (f->sent->len, ==, n);
}

/* One response object as {"id":…, "result":…} or {"id":…, "code":…}. */
static JsonNode *
normalise_one (JsonNode * response)
{
  JsonObject *o = json_node_get_object (response);
  JsonObject *n = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  g_assert_cmpstr (json_object_get_string_member (o, "jsonrpc"), ==, "2.0");
  g_assert_true (json_object_has_member (o, "id"));
  json_object_set_member (n, "id",
      json_node_copy (json_object_get_member (o, "id")));
  if (json_object_has_member (o, "error")) {
    JsonObject *e = json_object_get_object_member (o, "error");

    g_assert_false (json_object_has_member (o, "result"));
    json_object_set_int_member (n, "code",
        json_object_get_int_member (e, "code"));
    /* every error comes from the catalogue */
    g_assert_nonnull (json_object_get_string_member
        (json_object_get_object_member (e, "data"), "error_code"));
  } else {
    json_object_set_member (n, "result",
        json_node_copy (json_object_get_member (o, "result")));
  }
  json_node_take_object (node, n);
  return node;
}

static gchar *
normalise (const gchar * text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonNode) out = NULL;
  JsonNode *root;

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_ARRAY (root)) {
    JsonArray *in = json_node_get_array (root), *a = json_array_new ();
    guint i;

    g_assert_cmpuint (json_array_get_length (in), >, 0);
    for (i = 0; i < json_array_get_length (in); i++)
      json_array_add_element (a,
          normalise_one (json_array_get_element (in, i)));
    out = json_node_new (JSON_NODE_ARRAY);
    json_node_take_array (out, a);
  } else {
    out = normalise_one (root);
  }
  return json_to_string (out, FALSE);
}

/* ---------------------------------------------------------------------- */
/* Framing, as a table                                                    */
/* ---------------------------------------------------------------------- */

typedef struct
{
  const gchar *name;
  const gchar *request;
  const gchar *expected;        /* normalised, NULL: no response at all */
} FramingCase;

#define CALL_ADD(id) \
  "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":{\"a\":1,\"b\":2}," \
  "\"id\":" id "}"
#define NOTIFY_ADD \
  "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":{\"a\":1,\"b\":2}}"

static const FramingCase framing_cases[] = {
  {"call", CALL_ADD ("1"), "{\"id\":1,\"result\":3}"},
  {"string id", CALL_ADD ("\"abc\""), "{\"id\":\"abc\",\"result\":3}"},
  {"null id is a call", CALL_ADD ("null"), "{\"id\":null,\"result\":3}"},
  {"no params", "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":7}",
      "{\"id\":7,\"result\":null}"},
  {"positional params",
        "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[1,2],\"id\":8}",
      "{\"id\":8,\"result\":[1,2]}"},
  {"parse error", "{\"jsonrpc\":\"2.0\",\"method\":",
      "{\"id\":null,\"code\":-32700}"},
  {"parse error in a batch", "[" CALL_ADD ("1") ",{\"jsonrpc\"]",
      "{\"id\":null,\"code\":-32700}"},
  {"empty text", "", "{\"id\":null,\"code\":-32700}"},
  {"empty batch", "[]", "{\"id\":null,\"code\":-32600}"},
  {"not an object", "42", "{\"id\":null,\"code\":-32600}"},
  {"batch of a non-object", "[1]", "[{\"id\":null,\"code\":-32600}]"},
  {"batch of three non-objects", "[1,\"x\",null]",
      "[{\"id\":null,\"code\":-32600},{\"id\":null,\"code\":-32600},"
        "{\"id\":null,\"code\":-32600}]"},
  {"no jsonrpc member", "{\"method\":\"add\",\"id\":2}",
      "{\"id\":2,\"code\":-32600}"},
  {"jsonrpc 1.0", "{\"jsonrpc\":\"1.0\",\"method\":\"add\",\"id\":3}",
      "{\"id\":3,\"code\":-32600}"},
  {"jsonrpc a number", "{\"jsonrpc\":2.0,\"method\":\"add\",\"id\":3}",
      "{\"id\":3,\"code\":-32600}"},
  {"method a number", "{\"jsonrpc\":\"2.0\",\"method\":1,\"id\":4}",
      "{\"id\":4,\"code\":-32600}"},
  {"no method", "{\"jsonrpc\":\"2.0\",\"id\":4}",
      "{\"id\":4,\"code\":-32600}"},
  {"id an object", "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"id\":{}}",
      "{\"id\":null,\"code\":-32600}"},
  {"id a boolean", "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"id\":true}",
      "{\"id\":null,\"code\":-32600}"},
  {"id an array", "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"id\":[1]}",
      "{\"id\":null,\"code\":-32600}"},
  {"params a string",
        "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":\"x\",\"id\":6}",
      "{\"id\":6,\"code\":-32600}"},
  {"unknown method", "{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":5}",
      "{\"id\":5,\"code\":-32601}"},
  {"bad params",
        "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":{\"a\":1},"
        "\"id\":9}",
      "{\"id\":9,\"code\":-32602}"},
  {"catalogue error", "{\"jsonrpc\":\"2.0\",\"method\":\"busy\",\"id\":10}",
      "{\"id\":10,\"code\":-32005}"},
  {"notification", NOTIFY_ADD, NULL},
  {"notification of an unknown method",
      "{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}", NULL},
  {"notification with bad params",
      "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":{}}", NULL},
  {"batch of notifications", "[" NOTIFY_ADD "," NOTIFY_ADD "]", NULL},
  {"batch of one call", "[" CALL_ADD ("1") "]", "[{\"id\":1,\"result\":3}]"},
  {"batch mixing calls, notifications and errors",
        "[" CALL_ADD ("1") "," NOTIFY_ADD ",{\"foo\":\"boo\"},"
        "{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":\"5\"},"
        "{\"jsonrpc\":\"2.0\",\"method\":\"busy\",\"id\":6},"
        "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"id\":{}},"
        "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":{\"k\":\"v\"},"
        "\"id\":\"x\"}]",
      "[{\"id\":1,\"result\":3},{\"id\":null,\"code\":-32600},"
        "{\"id\":\"5\",\"code\":-32601},{\"id\":6,\"code\":-32005},"
        "{\"id\":null,\"code\":-32600},"
        "{\"id\":\"x\",\"result\":{\"k\":\"v\"}}]"},
};

static void
test_framing (Fixture * f, gconstpointer data)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (framing_cases); i++) {
    const FramingCase *c = &framing_cases[i];

    g_test_message ("case: %s", c->name);
    g_ptr_array_set_size (f->sent, 0);
    gw_jsonrpc_handle_text (f->rpc, c->request, -1);
    wait_sent (f, c->expected ? 1 : 0);
    if (c->expected) {
      g_autofree gchar *got = normalise (f->sent->pdata[0]);

      g_assert_cmpstr (got, ==, c->expected);
    }
  }
}

/* Notifications run even though nobody hears the answer. */
static void
test_notifications_run (Fixture * f, gconstpointer data)
{
  rpc_dummies_add_calls = 0;
  gw_jsonrpc_handle_text (f->rpc, "[" NOTIFY_ADD "," NOTIFY_ADD "]", -1);
  wait_sent (f, 0);
  g_assert_cmpuint (rpc_dummies_add_calls, ==, 2);
}

static void
test_batch_too_large (Fixture * f, gconstpointer data)
{
  GString *s = g_string_new ("[");
  g_autofree gchar *got = NULL;
  guint i;

  for (i = 0; i <= GW_JSONRPC_MAX_BATCH; i++)
    g_string_append (s, i ? "," CALL_ADD ("1") : CALL_ADD ("1"));
  g_string_append (s, "]");
  gw_jsonrpc_handle_text (f->rpc, s->str, s->len);
  g_string_free (s, TRUE);
  wait_sent (f, 1);
  got = normalise (f->sent->pdata[0]);
  g_assert_cmpstr (got, ==, "{\"id\":null,\"code\":-32600}");
}

static JsonObject *
parse_object (JsonParser * parser, const gchar * text)
{
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_node_get_object (json_parser_get_root (parser));
}

/* -32602 lists every bad field in data.details.fields. */
static void
test_params_fields (Fixture * f, gconstpointer data)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o, *error, *d;
  JsonArray *fields;
  JsonObject *field;

  gw_jsonrpc_handle_text (f->rpc, "{\"jsonrpc\":\"2.0\",\"method\":\"add\","
      "\"params\":{\"a\":\"x\",\"c\":1},\"id\":1}", -1);
  wait_sent (f, 1);
  o = parse_object (parser, f->sent->pdata[0]);
  error = json_object_get_object_member (o, "error");
  g_assert_cmpint (json_object_get_int_member (error, "code"), ==, -32602);
  d = json_object_get_object_member (error, "data");
  g_assert_cmpstr (json_object_get_string_member (d, "error_code"), ==,
      "VALIDATION_ERROR");
  g_assert_nonnull (json_object_get_string_member (d, "request_id"));
  fields = json_object_get_array_member (json_object_get_object_member (d,
          "details"), "fields");
  g_assert_cmpuint (json_array_get_length (fields), ==, 3);
  field = json_array_get_object_element (fields, 0);
  g_assert_cmpstr (json_object_get_string_member (field, "field"), ==, "a");
  g_assert_cmpstr (json_object_get_string_member (field, "reason"), ==,
      "expected an integer");
  field = json_array_get_object_element (fields, 1);
  g_assert_cmpstr (json_object_get_string_member (field, "field"), ==, "b");
  g_assert_cmpstr (json_object_get_string_member (field, "reason"), ==,
      "required");
  field = json_array_get_object_element (fields, 2);
  g_assert_cmpstr (json_object_get_string_member (field, "field"), ==, "c");
  g_assert_cmpstr (json_object_get_string_member (field, "reason"), ==,
      "unknown field");
}

static void
test_params_helpers (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GwParams) p = NULL;
  g_autoptr (CgError) error = NULL;
  static const gchar *const allowed[] = { "x", "y", NULL };
  g_auto (GStrv) good = NULL;
  g_auto (GStrv) bad = NULL;
  gboolean flag = FALSE;
  gint64 n = 0;

  g_assert_true (json_parser_load_from_data (parser,
          "{\"s\":\"v\",\"e\":\"\",\"n\":50,\"f\":true,\"l\":[\"x\",\"y\"],"
          "\"m\":[\"x\",\"z\",3],\"z\":null}", -1, NULL));
  p = gw_params_new (json_parser_get_root (parser));
  g_assert_cmpstr (gw_params_get_string (p, "s", TRUE), ==, "v");
  g_assert_null (gw_params_get_string (p, "e", TRUE));
  g_assert_false (gw_params_get_int (p, "n", TRUE, 0, 10, &n));
  g_assert_cmpint (n, ==, 0);
  g_assert_true (gw_params_get_boolean (p, "f", TRUE, &flag));
  g_assert_true (flag);
  good = gw_params_get_strv (p, "l", TRUE, allowed);
  g_assert_cmpuint (g_strv_length (good), ==, 2);
  bad = gw_params_get_strv (p, "m", TRUE, allowed);
  g_assert_null (bad);
  /* null counts as absent */
  g_assert_null (gw_params_get_string (p, "z", FALSE));
  g_assert_null (gw_params_get_string (p, "absent", FALSE));
  g_assert_false (gw_params_finish (p, &error));
  g_assert_cmpint (cg_error_get_code (error), ==, CG_CODE_VALIDATION_ERROR);
  {
    g_autoptr (JsonNode) details = cg_error_details_to_json_node (error);
    g_autofree gchar *text = json_to_string (details, FALSE);

    g_assert_cmpstr (text, ==, "{\"fields\":["
        "{\"field\":\"e\",\"reason\":\"must not be empty\"},"
        "{\"field\":\"n\",\"reason\":\"out of range [0, 10]\"},"
        "{\"field\":\"m[1]\",\"reason\":\"not one of x, y\"},"
        "{\"field\":\"m[2]\",\"reason\":\"expected a string\"}]}");
  }
}

/* ---------------------------------------------------------------------- */
/* Deferred answers                                                       */
/* ---------------------------------------------------------------------- */

static void
test_deferred_from_thread (Fixture * f, gconstpointer data)
{
  g_autofree gchar *got = NULL;

  gw_jsonrpc_handle_text (f->rpc, "[{\"jsonrpc\":\"2.0\",\"method\":\"later\","
      "\"id\":1}," CALL_ADD ("2") "]", -1);
  wait_sent (f, 1);
  got = normalise (f->sent->pdata[0]);
  /* one array, in request order, though "add" answered first */
  g_assert_cmpstr (got, ==, "[{\"id\":1,\"result\":\"from a thread\"},"
      "{\"id\":2,\"result\":3}]");
  /* the answers were finished on the session's (this) thread */
  g_assert_cmpuint (f->observed, ==, 2);
  g_assert_true (f->finish_thread == g_thread_self ());
}

/* Answered from a worker while the session's context is not being
 * iterated: the answer must still be finished on the session's thread
 * (g_main_context_invoke() would run it on the worker, whose default
 * context is the session's). */
static void
test_deferred_not_iterating (Fixture * f, gconstpointer data)
{
  g_autofree gchar *got = NULL;

  rpc_dummies_held_call = NULL;
  gw_jsonrpc_handle_text (f->rpc, "{\"jsonrpc\":\"2.0\",\"method\":\"hold\","
      "\"id\":1}", -1);
  wait_sent (f, 0);
  g_assert_nonnull (rpc_dummies_held_call);
  g_thread_join (g_thread_new ("answer", rpc_dummies_answer_later,
          rpc_dummies_held_call));
  g_assert_cmpuint (f->observed, ==, 0);
  wait_sent (f, 1);
  got = normalise (f->sent->pdata[0]);
  g_assert_cmpstr (got, ==, "{\"id\":1,\"result\":\"from a thread\"}");
  g_assert_true (f->finish_thread == g_thread_self ());
}

static void
test_deferred_after_close (Fixture * f, gconstpointer data)
{
  rpc_dummies_held_call = NULL;
  gw_jsonrpc_handle_text (f->rpc, "{\"jsonrpc\":\"2.0\",\"method\":\"hold\","
      "\"id\":1}", -1);
  wait_sent (f, 0);
  g_assert_nonnull (rpc_dummies_held_call);
  g_assert_false (g_cancellable_is_cancelled (gw_jsonrpc_get_cancellable
          (f->rpc)));
  gw_jsonrpc_close (f->rpc);
  g_assert_true (g_cancellable_is_cancelled (gw_jsonrpc_get_cancellable
          (f->rpc)));
  g_thread_unref (g_thread_new ("late", rpc_dummies_answer_later,
          rpc_dummies_held_call));
  /* the answer is dropped, nothing is sent */
  while (f->observed == 0)
    g_main_context_iteration (NULL, TRUE);
  wait_sent (f, 0);
  gw_jsonrpc_handle_text (f->rpc, CALL_ADD ("2"), -1);
  wait_sent (f, 0);
}

/* ---------------------------------------------------------------------- */
/* The text on the wire                                                   */
/* ---------------------------------------------------------------------- */

#define WRITTEN "{\"list\":[1,\"two\",null],\"ok\":true}"

/* Responses byte for byte: member order jsonrpc, result or error, id; a
 * written result embedded as it is; a batch in one array. */
static void
test_wire_text (Fixture * f, gconstpointer data)
{
  const gchar *text;

  gw_jsonrpc_handle_text (f->rpc, CALL_ADD ("1"), -1);
  gw_jsonrpc_handle_text (f->rpc, "{\"jsonrpc\":\"2.0\",\"method\":"
      "\"written\",\"id\":\"w\"}", -1);
  gw_jsonrpc_handle_text (f->rpc, "[" CALL_ADD ("1") "," NOTIFY_ADD ","
      "{\"jsonrpc\":\"2.0\",\"method\":\"written\",\"id\":2.5},"
      "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":7}]", -1);
  gw_jsonrpc_handle_text (f->rpc, "{\"jsonrpc\":\"2.0\",\"method\":"
      "\"busy\",\"id\":10}", -1);
  wait_sent (f, 4);
  g_assert_cmpstr (f->sent->pdata[0], ==,
      "{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":1}");
  g_assert_cmpstr (f->sent->pdata[1], ==,
      "{\"jsonrpc\":\"2.0\",\"result\":" WRITTEN ",\"id\":\"w\"}");
  g_assert_cmpstr (f->sent->pdata[2], ==,
      "[{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":1},"
      "{\"jsonrpc\":\"2.0\",\"result\":" WRITTEN ",\"id\":2.5},"
      "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":7}]");
  text = f->sent->pdata[3];
  g_assert_true (g_str_has_prefix (text,
          "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32005,"));
  g_assert_true (g_str_has_suffix (text, "},\"id\":10}"));

  /* written on another thread, finished on the session's */
  rpc_dummies_held_call = NULL;
  gw_jsonrpc_handle_text (f->rpc, "{\"jsonrpc\":\"2.0\",\"method\":\"hold\","
      "\"id\":null}", -1);
  wait_sent (f, 4);
  g_thread_join (g_thread_new ("written", rpc_dummies_answer_written,
          rpc_dummies_held_call));
  wait_sent (f, 5);
  g_assert_cmpstr (f->sent->pdata[4], ==,
      "{\"jsonrpc\":\"2.0\",\"result\":" WRITTEN ",\"id\":null}");
  g_assert_true (f->finish_thread == g_thread_self ());
}

/* What the server sends on its own. */
static void
test_notification_text (void)
{
  g_autoptr (JsonNode) params = json_from_string ("{\"a\":[1,2.5]}", NULL);
  g_autofree gchar *with = gw_jsonrpc_notification_to_string ("tick", params);
  g_autofree gchar *without = gw_jsonrpc_notification_to_string ("tick",
      NULL);
  CgJsonWriter *w = cg_json_writer_new ();
  g_autofree gchar *written = NULL;

  g_assert_cmpstr (with, ==,
      "{\"jsonrpc\":\"2.0\",\"method\":\"tick\",\"params\":{\"a\":[1,2.5]}}");
  g_assert_cmpstr (without, ==, "{\"jsonrpc\":\"2.0\",\"method\":\"tick\"}");
  gw_jsonrpc_begin_notification (w, "tick");
  cg_json_writer_node (w, params);
  cg_json_writer_end_object (w);
  written = cg_json_writer_free_to_string (w, NULL);
  g_assert_cmpstr (written, ==, with);
}

/* ---------------------------------------------------------------------- */
/* authenticate and roles                                                 */
/* ---------------------------------------------------------------------- */

static gchar *
call_one (Fixture * f, const gchar * request)
{
  g_ptr_array_set_size (f->sent, 0);
  gw_jsonrpc_handle_text (f->rpc, request, -1);
  wait_sent (f, 1);
  return normalise (f->sent->pdata[0]);
}

#define REQ(method, params) \
  "{\"jsonrpc\":\"2.0\",\"method\":\"" method "\",\"params\":" params \
  ",\"id\":1}"

static void
check_call (Fixture * f, const gchar * request, const gchar * expected)
{
  g_autofree gchar *got = call_one (f, request);

  g_assert_cmpstr (got, ==, expected);
}

static void
test_authenticate (Fixture * f, gconstpointer data)
{
  rpc_dummies_set_auth (f->registry);
  /* before: methods without an action work, the others are -32001 */
  check_call (f, CALL_ADD ("1"), "{\"id\":1,\"result\":3}");
  check_call (f, REQ ("read_cameras", "{}"), "{\"id\":1,\"code\":-32001}");
  check_call (f, REQ ("start_camera", "{}"), "{\"id\":1,\"code\":-32001}");
  check_call (f, REQ ("authenticate", "{}"), "{\"id\":1,\"code\":-32602}");
  check_call (f, REQ ("authenticate", "{\"token\":\"wrong\"}"),
      "{\"id\":1,\"code\":-32001}");
  g_assert_null (gw_jsonrpc_get_principal (f->rpc));
  check_call (f, REQ ("authenticate", "{\"token\":\"viewer-key\"}"),
      "{\"id\":1,\"result\":{\"authenticated\":true}}");
  g_assert_cmpstr (gw_jsonrpc_get_principal (f->rpc), ==, "viewer");
  /* a viewer reads, but may not control */
  check_call (f, REQ ("read_cameras", "{}"), "{\"id\":1,\"result\":true}");
  check_call (f, REQ ("start_camera", "{}"), "{\"id\":1,\"code\":-32003}");
  /* an operator may */
  check_call (f, REQ ("authenticate", "{\"token\":\"operator-key\"}"),
      "{\"id\":1,\"result\":{\"authenticated\":true}}");
  check_call (f, REQ ("start_camera", "{}"), "{\"id\":1,\"result\":true}");
  /* authenticate inside a batch, before the gated call */
  gw_jsonrpc_set_principal (f->rpc, NULL);
  check_call (f, "[" REQ ("authenticate", "{\"token\":\"viewer-key\"}") ","
      REQ ("read_cameras", "{}") "]",
      "[{\"id\":1,\"result\":{\"authenticated\":true}},"
      "{\"id\":1,\"result\":true}]");
}

/* The error data carries the catalogue code and the request id. */
static void
test_error_data (Fixture * f, gconstpointer data)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o, *e, *d;

  rpc_dummies_set_auth (f->registry);
  gw_jsonrpc_handle_text (f->rpc, REQ ("start_camera", "{}"), -1);
  wait_sent (f, 1);
  o = parse_object (parser, f->sent->pdata[0]);
  e = json_object_get_object_member (o, "error");
  d = json_object_get_object_member (e, "data");
  g_assert_cmpstr (json_object_get_string_member (d, "error_code"), ==,
      "AUTHENTICATION_REQUIRED");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member
          (d, "details"), "action"), ==, "cameras.control");
  g_assert_nonnull (json_object_get_string_member (d, "request_id"));
}

#define ADD_F(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

  ADD_F ("/gw-jsonrpc/framing", test_framing);
  ADD_F ("/gw-jsonrpc/notifications-run", test_notifications_run);
  ADD_F ("/gw-jsonrpc/batch-too-large", test_batch_too_large);
  ADD_F ("/gw-jsonrpc/params-fields", test_params_fields);
  g_test_add_func ("/gw-params/helpers", test_params_helpers);
  ADD_F ("/gw-jsonrpc/deferred-from-thread", test_deferred_from_thread);
  ADD_F ("/gw-jsonrpc/wire-text", test_wire_text);
  g_test_add_func ("/gw-jsonrpc/notification-text", test_notification_text);
  ADD_F ("/gw-jsonrpc/deferred-not-iterating", test_deferred_not_iterating);
  ADD_F ("/gw-jsonrpc/deferred-after-close", test_deferred_after_close);
  ADD_F ("/gw-jsonrpc/authenticate", test_authenticate);
  ADD_F ("/gw-jsonrpc/error-data", test_error_data);
  return g_test_run ();
}
