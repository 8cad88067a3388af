/* camguard-gateway - the JSON-RPC methods on cameras
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * get_camera_list, get_camera_status, take_snapshot (base64 JPEG),
 * start_camera, stop_camera, restart_camera and set_quality, each with the
 * action the role table (gw-auth.c) gives its name, doing what the REST
 * routes do through gw-camera-ops.c. `authenticate`, `subscribe` and
 * `unsubscribe` are built into gw-jsonrpc.c and gw-ws.c.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gw-camera-ops.h"
#include "gw-jsonrpc.h"
#include "gw-rpc-methods.h"

/**
 * gw_rpc_camera_param:
 * @call: the call
 * @gw: the gateway
 * @params: the call's params
 * @only: whether `camera` is the only member allowed
 *
 * The camera of params {camera: ID}. With @only, any other member is a bad
 * field; else the method checks the others.
 *
 * Returns: (transfer none) (nullable): the camera, or %NULL after
 *   answering the call (bad params, or CAMERA_NOT_FOUND)
 */
GwCamera *
gw_rpc_camera_param (GwRpcCall * call, GwGateway * gw, JsonNode * params,
    gboolean only)
{
  g_autoptr (GwParams) p = gw_params_new (params);
  CgError *error = NULL;
  const gchar *id = gw_params_get_string (p, "camera", TRUE);
  GwCamera *camera;

  if (only)
    gw_params_reject_unknown (p);
  if (!gw_params_finish (p, &error)) {
    gw_rpc_call_return_error (call, error);
    return NULL;
  }
  camera = gw_camera_ops_lookup (gw->registry, id, &error);
  if (camera == NULL)
    gw_rpc_call_return_error (call, error);
  return camera;
}

static void
get_camera_list (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  GwGateway *gw = user_data;
  g_autoptr (GwParams) p = gw_params_new (params);
  CgError *error = NULL;

  gw_params_reject_unknown (p);
  if (!gw_params_finish (p, &error))
    gw_rpc_call_return_error (call, error);
  else {
    CgJsonWriter *w = cg_json_writer_new ();

    gw_camera_ops_write_list (gw->registry, w);
    gw_rpc_call_return_writer (call, w);
  }
}

/* Answers @call with the status of @camera, written as REST writes it. */
static void
return_status (GwRpcCall * call, GwCamera * camera)
{
  CgJsonWriter *w = cg_json_writer_new ();

  gw_camera_write_status (camera, w);
  gw_rpc_call_return_writer (call, w);
}

static void
get_camera_status (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  GwCamera *camera = gw_rpc_camera_param (call, user_data, params, TRUE);

  if (camera)
    return_status (call, camera);
}

/* start_camera, stop_camera, restart_camera */
static void
control (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  GwCamera *camera = gw_rpc_camera_param (call, user_data, params, TRUE);
  g_autofree gchar *what = g_strdup (gw_rpc_call_get_method (call));
  CgError *error = NULL;

  if (camera == NULL)
    return;
  *strchr (what, '_') = '\0';
  if (gw_camera_ops_control (camera, what, &error))
    return_status (call, camera);
  else
    gw_rpc_call_return_error (call, error);
}

/* params without the `camera` member, for gw_camera_ops_set_quality() */
static JsonNode *
without_camera (JsonNode * params)
{
  JsonNode *copy;
  JsonObject *o;
  GList *members, *l;

  if (params == NULL || !JSON_NODE_HOLDS_OBJECT (params))
    return params ? json_node_copy (params) : NULL;
  o = json_object_new ();
  members = json_object_get_members (json_node_get_object (params));
  for (l = members; l; l = l->next)
    if (!g_str_equal (l->data, "camera"))
      json_object_set_member (o, l->data,
          json_object_dup_member (json_node_get_object (params), l->data));
  g_list_free (members);
  copy = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (copy, o);
  return copy;
}

static void
set_quality (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  GwCamera *camera = gw_rpc_camera_param (call, user_data, params, FALSE);
  g_autoptr (JsonNode) rest = NULL;
  CgError *error = NULL;
  CgJsonWriter *w;

  if (camera == NULL)
    return;
  rest = without_camera (params);
  if (!gw_camera_ops_set_quality (camera, rest, &error)) {
    gw_rpc_call_return_error (call, error);
    return;
  }
  w = cg_json_writer_new ();
  if (gw_camera_ops_write_quality (camera, w, &error)) {
    gw_rpc_call_return_writer (call, w);
  } else {
    cg_json_writer_free (w);
    gw_rpc_call_return_error (call, error);
  }
}

static void
snapshot_ready (GObject * source, GAsyncResult * result, gpointer user_data)
{
  GwRpcCall *call = user_data;
  CgError *error = NULL;
  g_autoptr (GwSnapshot) snap = gw_camera_ops_snapshot_finish (GW_CAMERA
      (source), result, &error);
  g_autofree gchar *b64 = NULL;
  CgJsonWriter *w;
  gsize len;
  const guchar *data;

  if (snap == NULL) {
    gw_rpc_call_return_error (call, error);
    return;
  }
  data = g_bytes_get_data (snap->jpeg, &len);
  b64 = g_base64_encode (data, len);
  w = cg_json_writer_new ();
  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "camera",
      gw_camera_get_id (GW_CAMERA (source)));
  cg_json_writer_member_string (w, "contentType", "image/jpeg");
  cg_json_writer_member_int (w, "frameAgeMs", snap->age_ms);
  cg_json_writer_member_string (w, "image", b64);
  cg_json_writer_end_object (w);
  gw_rpc_call_return_writer (call, w);
}

static void
take_snapshot (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  GwCamera *camera = gw_rpc_camera_param (call, user_data, params, FALSE);
  g_autoptr (GwParams) p = NULL;
  CgError *error = NULL;
  gint64 w = 0, h = 0, q = 0;
  GCancellable *cancellable;
  GwMetrics *metrics = ((GwGateway *) user_data)->metrics;
  gboolean fresh;

  if (camera == NULL)
    return;
  p = gw_params_new (params);
  gw_params_get_string (p, "camera", TRUE);
  gw_params_get_int (p, "width", FALSE, CG_SNAPSHOT_MIN_SIZE,
      GW_SNAPSHOT_MAX_WIDTH, &w);
  gw_params_get_int (p, "height", FALSE, CG_SNAPSHOT_MIN_SIZE,
      GW_SNAPSHOT_MAX_HEIGHT, &h);
  gw_params_get_int (p, "quality", FALSE, 1, 100, &q);
  fresh = gw_camera_ops_snapshot_mode (p, gw_params_get_string (p, "mode",
          FALSE));
  gw_params_reject_unknown (p);
  if (!gw_params_finish (p, &error)) {
    gw_rpc_call_return_error (call, error);
    return;
  }
  cancellable = gw_jsonrpc_get_cancellable (gw_rpc_call_get_session (call));
  if (fresh)
    gw_camera_ops_snapshot_fresh_async (camera, w, h, q, metrics,
        GW_SNAPSHOT_FRESH_TIMEOUT_MS, cancellable, snapshot_ready, call);
  else
    gw_camera_ops_snapshot_async (camera, w, h, q, metrics, cancellable,
        snapshot_ready, call);
}

/**
 * gw_rpc_methods_add:
 * @rpc: the method table
 * @gw: the gateway (its registry; outlives @rpc's calls)
 *
 * Adds the camera methods, each with its action from the role table.
 */
void
gw_rpc_methods_add (GwRpcRegistry * rpc, GwGateway * gw)
{
  const struct
  {
    const gchar *name;
    GwRpcHandler handler;
  } methods[] = {
    {"get_camera_list", get_camera_list},
    {"get_camera_status", get_camera_status},
    {"take_snapshot", take_snapshot},
    {"start_camera", control},
    {"stop_camera", control},
    {"restart_camera", control},
    {"set_quality", set_quality},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (methods); i++)
    gw_rpc_registry_add (rpc, methods[i].name,
        gw_auth_action_for_method (methods[i].name), methods[i].handler, gw,
        NULL);
}
