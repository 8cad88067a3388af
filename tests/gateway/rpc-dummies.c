/* camguard-gateway tests - dummy JSON-RPC methods and auth callbacks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * add {a, b}         -> a + b (every bad field listed)
 * echo               -> its params
 * busy               -> CAMERA_BUSY (-32005)
 * later              -> "from a thread", answered from another thread
 * hold               -> kept in rpc_dummies_held_call
 * big                -> a 4096-character string
 * written            -> {"list":[1,"two",null],"ok":true}, written
 * read_cameras       -> true, action cameras.read
 * start_camera       -> true, action cameras.control
 *
 * Keys: viewer-key (cameras.read and events.read only), operator-key
 * (everything); anything else is INVALID_API_KEY.
 */

#include "rpc-dummies.h"
#include "gw-params.h"

guint rpc_dummies_add_calls;
GwRpcCall *rpc_dummies_held_call;

static void
method_add (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  g_autoptr (GwParams) p = gw_params_new (params);
  gint64 a = 0, b = 0;
  CgError *error = NULL;
  JsonNode *result;

  rpc_dummies_add_calls++;
  gw_params_get_int (p, "a", TRUE, -1000, 1000, &a);
  gw_params_get_int (p, "b", TRUE, -1000, 1000, &b);
  gw_params_reject_unknown (p);
  if (!gw_params_finish (p, &error)) {
    gw_rpc_call_return_error (call, error);
    return;
  }
  result = json_node_new (JSON_NODE_VALUE);
  json_node_set_int (result, a + b);
  gw_rpc_call_return (call, result);
}

static void
method_echo (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  gw_rpc_call_return (call, params ? json_node_copy (params) : NULL);
}

static void
method_busy (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  gw_rpc_call_return_error (call, cg_error_new (CG_CODE_CAMERA_BUSY, NULL));
}

/* A thread function: answers @call with "from a thread". */
gpointer
rpc_dummies_answer_later (gpointer call)
{
  JsonNode *result = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (result, "from a thread");
  gw_rpc_call_return (call, result);
  return NULL;
}

static void
method_later (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  g_thread_unref (g_thread_new ("later", rpc_dummies_answer_later, call));
}

static void
method_hold (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  rpc_dummies_held_call = call;
}

static void
method_big (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  JsonNode *result = json_node_new (JSON_NODE_VALUE);
  gchar *big = g_strnfill (4096, 'x');

  json_node_set_string (result, big);
  g_free (big);
  gw_rpc_call_return (call, result);
}

/* A thread function: answers @call with a written result. */
gpointer
rpc_dummies_answer_written (gpointer call)
{
  CgJsonWriter *w = cg_json_writer_new ();

  cg_json_writer_begin_object (w);
  cg_json_writer_member (w, "list");
  cg_json_writer_begin_array (w);
  cg_json_writer_int (w, 1);
  cg_json_writer_string (w, "two");
  cg_json_writer_null (w);
  cg_json_writer_end_array (w);
  cg_json_writer_member_boolean (w, "ok", TRUE);
  cg_json_writer_end_object (w);
  gw_rpc_call_return_writer (call, w);
  return NULL;
}

static void
method_written (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  rpc_dummies_answer_written (call);
}

static void
method_ok (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  JsonNode *result = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (result, TRUE);
  gw_rpc_call_return (call, result);
}

void
rpc_dummies_register (GwRpcRegistry * registry)
{
  gw_rpc_registry_add (registry, "add", NULL, method_add, NULL, NULL);
  gw_rpc_registry_add (registry, "echo", NULL, method_echo, NULL, NULL);
  gw_rpc_registry_add (registry, "busy", NULL, method_busy, NULL, NULL);
  gw_rpc_registry_add (registry, "later", NULL, method_later, NULL, NULL);
  gw_rpc_registry_add (registry, "hold", NULL, method_hold, NULL, NULL);
  gw_rpc_registry_add (registry, "big", NULL, method_big, NULL, NULL);
  gw_rpc_registry_add (registry, "written", NULL, method_written, NULL, NULL);
  gw_rpc_registry_add (registry, "read_cameras", "cameras.read", method_ok,
      NULL, NULL);
  gw_rpc_registry_add (registry, "start_camera", "cameras.control",
      method_ok, NULL, NULL);
}

static gpointer
authenticate (const gchar * token, gpointer user_data, CgError ** error)
{
  if (g_strcmp0 (token, "viewer-key") == 0)
    return g_strdup ("viewer");
  if (g_strcmp0 (token, "operator-key") == 0)
    return g_strdup ("operator");
  *error = cg_error_new (CG_CODE_INVALID_API_KEY, NULL);
  return NULL;
}

static gboolean
authorize (const gchar * action, gpointer principal, CgError ** error)
{
  if (g_strcmp0 (principal, "operator") == 0 ||
      g_strcmp0 (action, "cameras.read") == 0 ||
      g_strcmp0 (action, "events.read") == 0)
    return TRUE;
  *error = cg_error_new (CG_CODE_INSUFFICIENT_PERMISSIONS, NULL);
  return FALSE;
}

void
rpc_dummies_set_auth (GwRpcRegistry * registry)
{
  gw_rpc_registry_set_auth (registry, authenticate, authorize, NULL, g_free);
}
