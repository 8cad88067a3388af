/* camguard-gateway - REST routes for operations: the error catalogue, the
 * event history, /health and /metrics
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gw-event-api.h"
#include "gw-resources.h"
#include "gw-routes.h"

/* ------------------------------------------------------------------ */
/* GET /api/v1/errors                                                   */

static void
write_entry (CgJsonWriter * w, const CgCatalogueEntry * e)
{
  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "code", e->name);
  cg_json_writer_member_string (w, "category", e->category);
  cg_json_writer_member_string (w, "severity",
      cg_severity_to_string (e->severity));
  cg_json_writer_member_boolean (w, "retryable", e->retryable);
  cg_json_writer_member_int (w, "http_status", e->http_status);
  cg_json_writer_member_int (w, "jsonrpc_code", e->jsonrpc_code);
  /* null for the codes without a video code */
  cg_json_writer_member_string (w, "video_code", e->video_code);
  cg_json_writer_member_string (w, "title", e->title);
  cg_json_writer_member_string (w, "message", e->message);
  cg_json_writer_member_string (w, "hint", e->hint);
  cg_json_writer_end_object (w);
}

static void
list_errors (GwRequest * req, gpointer user_data)
{
  CgJsonWriter *w = cg_json_writer_new ();
  const CgCatalogueEntry *entries;
  guint i, n = 0;

  entries = cg_catalogue_get_entries (&n);
  cg_json_writer_begin_object (w);
  cg_json_writer_member (w, "errors");
  cg_json_writer_begin_array (w);
  for (i = 0; i < n; i++)
    write_entry (w, &entries[i]);
  cg_json_writer_end_array (w);
  cg_json_writer_member_int (w, "count", n);
  cg_json_writer_end_object (w);
  gw_request_reply_writer (req, SOUP_STATUS_OK, w);
}

/* ------------------------------------------------------------------ */
/* GET /api/v1/events                                                   */

static void
events_ready (GObject * source, GAsyncResult * result, gpointer user_data)
{
  g_autoptr (GwRequest) req = user_data;
  g_autoptr (GError) err = NULL;
  gint64 next = 0;
  g_autoptr (GPtrArray) events = gw_event_store_query_finish
      ((GwEventStore *) source, result, &next, &err);
  CgJsonWriter *w;

  if (events == NULL) {
    g_autoptr (CgError) e = cg_error_new (err->domain == CG_CODE_ERROR ?
        (CgCode) err->code : CG_CODE_STORAGE_IO, err->message);

    gw_request_reply_error (req, e);
    return;
  }
  w = cg_json_writer_new ();
  gw_event_page_write (events, next, w);
  gw_request_reply_writer (req, SOUP_STATUS_OK, w);
}

/**
 * gw_routes_reply_events:
 * @req: the request (its query: the filters and the cursor)
 * @gw: the gateway
 * @camera_id: (nullable): only this camera's events
 *
 * Answers a page of the event history, read on the store's worker thread
 * (the request is paused meanwhile).
 */
void
gw_routes_reply_events (GwRequest * req, GwGateway * gw,
    const gchar * camera_id)
{
  g_autoptr (CgError) error = NULL;
  GwEventQuery query;

  if (!gw_event_query_parse (gw_request_get_query_table (req), camera_id,
          &query, &error)) {
    gw_request_reply_error (req, error);
    return;
  }
  gw_request_pause (req);
  /* the query's strings live in the request, which the callback holds */
  gw_event_store_query_async (gw->event_store, &query, NULL, events_ready,
      gw_request_ref (req));
}

static void
list_events (GwRequest * req, gpointer user_data)
{
  gw_routes_reply_events (req, user_data, NULL);
}

/* ------------------------------------------------------------------ */
/* GET /health                                                          */

typedef enum
{
  HEALTHY,
  DEGRADED,
  UNHEALTHY,
} Health;

static const gchar *const health_names[] = { "healthy", "degraded",
  "unhealthy"
};

static Health
add_camera_health (CgJsonWriter * w, GwCamera * camera, gboolean * starting)
{
  GwCameraState state = gw_camera_get_state (camera);
  g_autoptr (CgError) last = gw_camera_get_last_error (camera);
  Health h = state == GW_CAMERA_STATE_RUNNING
      || state == GW_CAMERA_STATE_STOPPED ? HEALTHY : DEGRADED;
  gboolean why = last && h != HEALTHY;
  g_autofree gchar *reason = why ? cg_redact (cg_error_get_message (last)) :
      NULL;

  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "id", gw_camera_get_id (camera));
  cg_json_writer_member_string (w, "status", health_names[h]);
  cg_json_writer_member_string (w, "state", gw_camera_state_to_string (state));
  cg_json_writer_member_string (w, "code",
      why ? cg_error_get_code_name (last) : NULL);
  cg_json_writer_member_string (w, "reason", reason);
  cg_json_writer_end_object (w);
  *starting = state == GW_CAMERA_STATE_STARTING;
  return h;
}

static Health
add_store_health (CgJsonWriter * w, GwGateway * gw)
{
  g_autoptr (CgError) e = gw_event_store_get_error (gw->event_store);

  cg_json_writer_member (w, "event_store");
  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "status",
      health_names[e ? UNHEALTHY : HEALTHY]);
  cg_json_writer_member_string (w, "code", e ? cg_error_get_code_name (e) :
      NULL);
  cg_json_writer_member_int (w, "lost",
      gw_event_store_get_lost (gw->event_store));
  cg_json_writer_end_object (w);
  return e ? UNHEALTHY : HEALTHY;
}

/* Overall: unhealthy when the event store fails or no camera is healthy
 * or starting (with at least one camera), degraded when some camera is not
 * running (a camera still starting, e.g. right after start-up, is degraded,
 * not unhealthy), else healthy. */
static void
health (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  g_autoptr (GPtrArray) cameras = gw_registry_list (gw->registry);
  CgJsonWriter *w = cg_json_writer_new ();
  Health overall, store;
  guint i, n_healthy = 0, n_starting = 0;

  cg_json_writer_begin_object (w);
  cg_json_writer_member (w, "components");
  cg_json_writer_begin_object (w);
  store = add_store_health (w, gw);
  cg_json_writer_member (w, "cameras");
  cg_json_writer_begin_array (w);
  for (i = 0; i < cameras->len; i++) {
    gboolean starting = FALSE;

    if (add_camera_health (w, g_ptr_array_index (cameras, i),
            &starting) == HEALTHY)
      n_healthy++;
    else if (starting)
      n_starting++;
  }
  cg_json_writer_end_array (w);
  cg_json_writer_end_object (w);
  if (store == UNHEALTHY || (cameras->len > 0 && n_healthy + n_starting == 0))
    overall = UNHEALTHY;
  else if (n_healthy < cameras->len)
    overall = DEGRADED;
  else
    overall = HEALTHY;
  cg_json_writer_member_string (w, "status", health_names[overall]);
  cg_json_writer_end_object (w);
  gw_request_reply_writer (req, overall == UNHEALTHY ?
      SOUP_STATUS_SERVICE_UNAVAILABLE : SOUP_STATUS_OK, w);
}

/* ------------------------------------------------------------------ */
/* GET /metrics                                                         */

static void
metrics (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  g_autofree gchar *text = NULL;
  g_autoptr (GBytes) body = NULL;

  gw_gateway_update_gauges (gw);
  text = gw_metrics_render (gw->metrics);
  body = g_bytes_new_take (text, strlen (text));
  text = NULL;
  gw_request_reply_bytes (req, SOUP_STATUS_OK, GW_METRICS_CONTENT_TYPE, body);
}

/* ------------------------------------------------------------------ */
/* GET /api/v1/openapi.json                                             */

#define OPENAPI_RESOURCE "/org/camguard/gateway/openapi.json"

/**
 * gw_routes_openapi_document:
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the OpenAPI 3 document built into
 *   the binary (gateway/openapi.json)
 */
GBytes *
gw_routes_openapi_document (GError ** error)
{
  return g_resource_lookup_data (gw_gateway_get_resource (), OPENAPI_RESOURCE,
      G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}

static void
openapi (GwRequest * req, gpointer user_data)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (GBytes) doc = gw_routes_openapi_document (&err);

  if (doc == NULL) {
    g_autoptr (CgError) e = cg_error_new (CG_CODE_INTERNAL_ERROR, err->message);

    gw_request_reply_error (req, e);
    return;
  }
  gw_request_reply_bytes (req, SOUP_STATUS_OK, "application/json", doc);
}

/**
 * gw_routes_ops_add:
 * @router: the router
 * @gw: the gateway (outlives @router)
 *
 * Adds GET /api/v1/errors, GET /api/v1/events, GET /health (no auth) and
 * GET /metrics (admin) and GET /api/v1/openapi.json (the document built
 * into the binary from gateway/openapi.json).
 */
void
gw_routes_ops_add (GwRouter * router, GwGateway * gw)
{
  gw_router_add_route (router, "GET", "/api/v1/errors", "errors.read",
      GW_ROUTE_NONE, list_errors, gw);
  gw_router_add_route (router, "GET", "/api/v1/events", "events.read",
      GW_ROUTE_NONE, list_events, gw);
  gw_router_add_route (router, "GET", "/health", "health.read",
      GW_ROUTE_NONE, health, gw);
  gw_router_add_route (router, "GET", "/metrics", "metrics.read",
      GW_ROUTE_NONE, metrics, gw);
  gw_router_add_route (router, "GET", "/api/v1/openapi.json", "openapi.read",
      GW_ROUTE_NONE, openapi, gw);
}
