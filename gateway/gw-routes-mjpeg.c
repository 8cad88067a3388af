/* camguard-gateway - REST route of MJPEG live streams
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * GET /api/v1/cameras/{id}/mjpeg?fps&width&height: checks the request
 * (camera, parameters, the camera not stopped, the per-camera limit), then
 * answers 200 `multipart/x-mixed-replace` with a chunked body that
 * gw-mjpeg.c writes until the client goes or the camera is stopped or
 * deleted. Same role as snapshots (snapshots.read: viewer).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-camera-ops.h"
#include "gw-mjpeg.h"
#include "gw-mjpeg-branch.h"
#include "gw-routes.h"

#define MJPEG_CONTENT_TYPE \
  "multipart/x-mixed-replace; boundary=" GW_MJPEG_BOUNDARY

/* Highest fps a client may ask for. */
#define MJPEG_MAX_FPS 60

static void
parse_uint (GwParams * params, const gchar * name, const gchar * text,
    guint64 min, guint64 max, guint * value)
{
  guint64 v = 0;

  *value = 0;
  if (text == NULL)
    return;
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &v, NULL)) {
    g_autofree gchar *reason = g_strdup_printf ("expected an integer in "
        "[%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "]", min, max);

    gw_params_add_error (params, name, reason);
    return;
  }
  *value = (guint) v;
}

/* fps, width, height from the query; every bad one listed. */
static gboolean
read_request (GwRequest * req, GwMjpegRequest * r, CgError ** error)
{
  g_autoptr (GwParams) params = gw_params_new (NULL);

  parse_uint (params, "fps", gw_request_get_query (req, "fps"), 1,
      MJPEG_MAX_FPS, &r->fps);
  parse_uint (params, "width", gw_request_get_query (req, "width"), 16,
      7680, &r->width);
  parse_uint (params, "height", gw_request_get_query (req, "height"), 16,
      4320, &r->height);
  return gw_params_finish (params, error);
}

static void
mjpeg_stream (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  g_autoptr (CgError) error = NULL;
  GwMjpegRequest r = { 0 };
  GwCamera *camera = gw_camera_ops_lookup (gw->registry,
      gw_request_get_param (req, "id"), &error);

  if (camera == NULL || !read_request (req, &r, &error)) {
    gw_request_reply_error (req, error);
    return;
  }
  if (gw->mjpeg == NULL) {
    error = cg_error_new (CG_CODE_SERVICE_UNAVAILABLE, "MJPEG is not served");
  } else if (gw_camera_get_state (camera) == GW_CAMERA_STATE_STOPPED) {
    error = gw_camera_ops_snapshot_error (camera, "The camera is stopped");
  } else {
    gw_mjpeg_check_admission (gw->mjpeg, camera, &error);
  }
  if (error) {
    gw_request_reply_error (req, error);
    return;
  }
  gw_request_add_header (req, "Cache-Control", "no-cache, no-store");
  if (g_str_equal (gw_request_get_method (req), "HEAD")) {
    g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);

    gw_request_reply_bytes (req, SOUP_STATUS_OK, MJPEG_CONTENT_TYPE, empty);
    return;
  }
  if (gw_request_reply_stream (req, SOUP_STATUS_OK, MJPEG_CONTENT_TYPE))
    gw_mjpeg_add_client (gw->mjpeg, camera, gw_request_get_message (req), &r);
}

/**
 * gw_routes_mjpeg_add:
 * @router: the router
 * @gw: the gateway (its registry and MJPEG service; outlives @router)
 *
 * Adds GET /api/v1/cameras/{id}/mjpeg.
 */
void
gw_routes_mjpeg_add (GwRouter * router, GwGateway * gw)
{
  gw_router_add_route (router, "GET", "/api/v1/cameras/{id}/mjpeg",
      "snapshots.read", GW_ROUTE_NONE, mjpeg_stream, gw);
}
