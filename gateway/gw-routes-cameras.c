/* camguard-gateway - REST routes of cameras: CRUD, control, status,
 * snapshot, quality, events
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * Every route goes through the GwRouter (request id, auth with the one
 * role table, body limit, catalogue-coded errors, log, metrics); each
 * handler reads the registry and answers with gw-camera-ops.c's results,
 * so that REST and JSON-RPC do the same thing.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gw-camera-ops.h"
#include "gw-routes.h"

#define CAMERAS "/api/v1/cameras"
#define CAMERA CAMERAS "/{id}"

/**
 * gw_routes_camera_of:
 * @req: a request of a route with an {id}
 * @gw: the gateway
 *
 * Returns: (transfer none) (nullable): the camera of the route's {id}, or
 *   %NULL after answering CAMERA_NOT_FOUND
 */
GwCamera *
gw_routes_camera_of (GwRequest * req, GwGateway * gw)
{
  g_autoptr (CgError) error = NULL;
  GwCamera *camera = gw_camera_ops_lookup (gw->registry,
      gw_request_get_param (req, "id"), &error);

  if (camera == NULL)
    gw_request_reply_error (req, error);
  return camera;
}

static void
reply_camera (GwRequest * req, guint status, GwCamera * camera, CgError * error)
{
  CgJsonWriter *w;

  if (camera == NULL) {
    gw_request_reply_error (req, error);
    return;
  }
  w = cg_json_writer_new ();
  gw_camera_ops_write_describe (camera, w);
  gw_request_reply_writer (req, status, w);
}

static void
list_cameras (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  CgJsonWriter *w = cg_json_writer_new ();

  gw_camera_ops_write_list (gw->registry, w);
  gw_request_reply_writer (req, SOUP_STATUS_OK, w);
}

static void
create_camera (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  g_autoptr (CgError) error = NULL;
  g_autoptr (GwCameraSpec) spec = gw_camera_spec_from_json
      (json_node_get_object (gw_request_get_body (req)), NULL,
      gw_registry_get_policy (gw->registry), &error);
  GwCamera *camera = NULL;

  if (spec)
    camera = gw_registry_create (gw->registry, spec, &error);
  reply_camera (req, SOUP_STATUS_CREATED, camera, error);
}

static void
get_camera (GwRequest * req, gpointer user_data)
{
  GwCamera *camera = gw_routes_camera_of (req, user_data);

  if (camera)
    reply_camera (req, SOUP_STATUS_OK, camera, NULL);
}

static void
replace_camera (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  g_autoptr (CgError) error = NULL;
  g_autoptr (GwCameraSpec) spec = NULL;
  GwCamera *camera = NULL;

  if (gw_routes_camera_of (req, gw) == NULL)
    return;
  spec = gw_camera_spec_from_json (json_node_get_object (gw_request_get_body
          (req)), gw_request_get_param (req, "id"),
      gw_registry_get_policy (gw->registry), &error);
  if (spec)
    camera = gw_registry_replace (gw->registry, spec, &error);
  reply_camera (req, SOUP_STATUS_OK, camera, error);
}

static void
patch_camera (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  g_autoptr (CgError) error = NULL;
  GwCamera *camera = gw_registry_patch (gw->registry,
      gw_request_get_param (req, "id"),
      json_node_get_object (gw_request_get_body (req)), &error);

  reply_camera (req, SOUP_STATUS_OK, camera, error);
}

static void
delete_camera (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  g_autoptr (CgError) error = NULL;
  const gchar *id = gw_request_get_param (req, "id");
  CgJsonWriter *w;

  if (!gw_registry_delete (gw->registry, id, &error)) {
    gw_request_reply_error (req, error);
    return;
  }
  w = cg_json_writer_new ();
  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "id", id);
  cg_json_writer_member_boolean (w, "deleted", TRUE);
  cg_json_writer_end_object (w);
  gw_request_reply_writer (req, SOUP_STATUS_OK, w);
}

static void
reply_status (GwRequest * req, GwCamera * camera, GwGateway * gw)
{
  CgJsonWriter *w = cg_json_writer_new ();

  gw_camera_write_status (camera, w);
  gw_request_reply_writer (req, SOUP_STATUS_OK, w);
}

static void
control_camera (GwRequest * req, gpointer user_data)
{
  GwCamera *camera = gw_routes_camera_of (req, user_data);
  const gchar *what = strrchr (gw_request_get_path (req), '/') + 1;
  g_autoptr (CgError) error = NULL;

  if (camera == NULL)
    return;
  if (!gw_camera_ops_control (camera, what, &error))
    gw_request_reply_error (req, error);
  else
    reply_status (req, camera, user_data);
}

static void
camera_status (GwRequest * req, gpointer user_data)
{
  GwCamera *camera = gw_routes_camera_of (req, user_data);

  if (camera)
    reply_status (req, camera, user_data);
}

static void
snapshot_ready (GObject * source, GAsyncResult * result, gpointer user_data)
{
  g_autoptr (GwRequest) req = user_data;
  g_autoptr (CgError) error = NULL;
  g_autoptr (GwSnapshot) snap = gw_camera_ops_snapshot_finish (GW_CAMERA
      (source), result, &error);
  g_autofree gchar *age = NULL;

  if (snap == NULL) {
    gw_request_reply_error (req, error);
    return;
  }
  age = g_strdup_printf ("%" G_GUINT64_FORMAT, snap->age_ms);
  gw_request_add_header (req, "X-Frame-Age-Ms", age);
  gw_request_reply_bytes (req, SOUP_STATUS_OK, "image/jpeg", snap->jpeg);
}

static void
snapshot (GwRequest * req, gpointer user_data)
{
  GwCamera *camera = gw_routes_camera_of (req, user_data);
  GwMetrics *metrics = ((GwGateway *) user_data)->metrics;
  g_autoptr (GwParams) params = NULL;
  g_autoptr (CgError) error = NULL;
  gboolean fresh;
  guint w, h, q;

  if (camera == NULL)
    return;
  params = gw_params_new (NULL);
  gw_camera_ops_snapshot_params (params, gw_request_get_query (req, "width"),
      gw_request_get_query (req, "height"), gw_request_get_query (req,
          "quality"), &w, &h, &q);
  fresh = gw_camera_ops_snapshot_mode (params, gw_request_get_query (req,
          "mode"));
  if (!gw_params_finish (params, &error)) {
    gw_request_reply_error (req, error);
    return;
  }
  gw_request_pause (req);
  if (fresh)
    gw_camera_ops_snapshot_fresh_async (camera, w, h, q, metrics,
        GW_SNAPSHOT_FRESH_TIMEOUT_MS, NULL, snapshot_ready,
        gw_request_ref (req));
  else
    gw_camera_ops_snapshot_async (camera, w, h, q, metrics, NULL,
        snapshot_ready, gw_request_ref (req));
}

static void
get_quality (GwRequest * req, gpointer user_data)
{
  GwCamera *camera = gw_routes_camera_of (req, user_data);
  g_autoptr (CgError) error = NULL;
  g_autoptr (CgJsonWriter) w = NULL;

  if (camera == NULL)
    return;
  w = cg_json_writer_new ();
  if (gw_camera_ops_write_quality (camera, w, &error))
    gw_request_reply_writer (req, SOUP_STATUS_OK, g_steal_pointer (&w));
  else
    gw_request_reply_error (req, error);
}

static void
put_quality (GwRequest * req, gpointer user_data)
{
  GwCamera *camera = gw_routes_camera_of (req, user_data);
  g_autoptr (CgError) error = NULL;

  if (camera == NULL)
    return;
  if (!gw_camera_ops_set_quality (camera, gw_request_get_body (req), &error))
    gw_request_reply_error (req, error);
  else
    get_quality (req, user_data);
}

static void
camera_events (GwRequest * req, gpointer user_data)
{
  GwCamera *camera = gw_routes_camera_of (req, user_data);

  if (camera)
    gw_routes_reply_events (req, user_data, gw_camera_get_id (camera));
}

/**
 * gw_routes_cameras_add:
 * @router: the router
 * @gw: the gateway (its registry and event store; outlives @router)
 *
 * Adds the routes under /api/v1/cameras.
 */
void
gw_routes_cameras_add (GwRouter * router, GwGateway * gw)
{
  const struct
  {
    const gchar *method, *pattern, *action;
    GwRouteFlags flags;
    GwHandler handler;
  } routes[] = {
    {"GET", CAMERAS, "cameras.read", GW_ROUTE_NONE, list_cameras},
    {"POST", CAMERAS, "cameras.write", GW_ROUTE_BODY_OBJECT, create_camera},
    {"GET", CAMERA, "cameras.read", GW_ROUTE_NONE, get_camera},
    {"PUT", CAMERA, "cameras.write", GW_ROUTE_BODY_OBJECT, replace_camera},
    {"PATCH", CAMERA, "cameras.write", GW_ROUTE_BODY_OBJECT, patch_camera},
    {"DELETE", CAMERA, "cameras.write", GW_ROUTE_NONE, delete_camera},
    {"POST", CAMERA "/start", "cameras.control", GW_ROUTE_NONE,
        control_camera},
    {"POST", CAMERA "/stop", "cameras.control", GW_ROUTE_NONE,
        control_camera},
    {"POST", CAMERA "/restart", "cameras.control", GW_ROUTE_NONE,
        control_camera},
    {"GET", CAMERA "/status", "cameras.read", GW_ROUTE_NONE, camera_status},
    {"GET", CAMERA "/snapshot", "snapshots.read", GW_ROUTE_NONE, snapshot},
    {"GET", CAMERA "/quality", "quality.read", GW_ROUTE_NONE, get_quality},
    {"PUT", CAMERA "/quality", "quality.write", GW_ROUTE_BODY_OBJECT,
        put_quality},
    {"GET", CAMERA "/events", "events.read", GW_ROUTE_NONE, camera_events},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (routes); i++)
    gw_router_add_route (router, routes[i].method, routes[i].pattern,
        routes[i].action, routes[i].flags, routes[i].handler, gw);
}
