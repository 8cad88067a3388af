/* camguard-gateway - the process: configuration, cameras, servers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * Wires the modules together: metrics; the event store (events.db in the
 * data directory) and the hub; the key store (auth on); one SoupServer on
 * listen:port with the GwRouter (REST) and the GwWsServer (/ws, JSON-RPC);
 * GwRtsp on rtsp-port; GwWhep (WebRTC viewers, /api/v1/cameras/{id}/whep).
 * Every camera of the registry, now and later, is published over RTSP and
 * WHEP from its running pipeline's tee (one fan-out), and its `event` and
 * `state-changed` signals become GwEvents published to the hub, which
 * stores them and feeds the WebSocket subscribers.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-gateway.h"
#include "gw-camera-ops.h"
#include "gw-event.h"
#include "gw-routes.h"
#include "gw-routes-dashboard.h"
#include "gw-routes-recordings.h"
#include "gw-rpc-methods.h"

GST_DEBUG_CATEGORY_STATIC (gw_gateway_debug);
#define GST_CAT_DEFAULT gw_gateway_debug

/* The hub's queue for the WebSocket feed; the WebSocket server has its own
 * bounded queue per client behind it. */
#define WS_FEED_QUEUE 1024

/* Key of the tee a camera is published from (camera qdata). */
#define PUBLISHED_TEE "gw-gateway-published-tee"

/* ------------------------------------------------------------------ */
/* cameras -> RTSP                                                      */

/* Publishes @camera from its current pipeline's tee, once per pipeline: a
 * camera rebuilds its pipeline on every start, so the branch follows it. */
static void
sync_rtsp (GwGateway * gw, GwCamera * camera)
{
  const GwPipeline *pipe = gw_camera_get_pipeline (camera);
  GstElement *tee = pipe ? pipe->tee : NULL;
  GstElement *published = g_object_get_data (G_OBJECT (camera),
      PUBLISHED_TEE);
  const gchar *id = gw_camera_get_id (camera);
  g_autoptr (GError) err = NULL;

  if (gw->rtsp == NULL || tee == published)
    return;
  if (published && gw_rtsp_has_camera (gw->rtsp, id))
    gw_rtsp_remove_camera (gw->rtsp, id, NULL);
  g_object_set_data (G_OBJECT (camera), PUBLISHED_TEE, NULL);
  if (tee == NULL)
    return;
  if (!gw_rtsp_add_camera (gw->rtsp, id, tee, &err)) {
    g_autofree gchar *text = cg_redact (err->message);

    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "CAMERA", id,
        "MESSAGE", "not published over RTSP: %s", text);
    return;
  }
  g_object_set_data_full (G_OBJECT (camera), PUBLISHED_TEE,
      gst_object_ref (tee), gst_object_unref);
}

/* ------------------------------------------------------------------ */
/* cameras -> WHEP viewers                                              */

/* The WHEP viewers follow the camera's current pipeline (its tee and, for
 * raw cameras, its qualityladder). */
static void
sync_whep (GwGateway * gw, GwCamera * camera)
{
  const GwPipeline *pipe = gw_camera_get_pipeline (camera);

  if (gw->whep)
    gw_whep_set_camera (gw->whep, gw_camera_get_id (camera),
        pipe ? pipe->tee : NULL, pipe ? pipe->ladder : NULL);
}

static void
on_camera_status (GwCamera * camera, CgJsonWriter * w, gpointer user_data)
{
  GwGateway *gw = user_data;

  if (gw->whep) {
    cg_json_writer_member (w, "live");
    gw_whep_describe (gw->whep, gw_camera_get_id (camera), w);
  }
  if (gw->recorder) {
    cg_json_writer_member (w, "recording");
    gw_recorder_write_status (gw->recorder, gw_camera_get_id (camera), w);
  }
}

/* The one local address WebRTC viewers get candidates on: the listen
 * address when it is one (a loopback-only machine gathers nothing by
 * itself, gateway-platform.md §3), else every interface. */
static gchar *
whep_ice_address (const gchar * listen)
{
  g_autoptr (GInetAddress) a = g_inet_address_new_from_string (listen);

  if (g_strcmp0 (listen, "localhost") == 0)
    return g_strdup ("127.0.0.1");
  if (a == NULL || g_inet_address_get_is_any (a))
    return NULL;
  return g_inet_address_to_string (a);
}

/* ------------------------------------------------------------------ */
/* cameras -> events                                                    */

static void
publish (GwGateway * gw, GwEvent * event)
{
  const gchar *code;

  if (event == NULL || gw->events == NULL)
    return;
  code = gw_event_get_code (event);
  gw_metric_inc (gw->m_events, gw_event_kind_to_string (gw_event_get_kind
          (event)), code ? code : "", gw_event_get_severity (event), NULL);
  gw_event_hub_publish (gw->events, event);
}

static void
on_camera_event (GwCamera * camera, const gchar * kind, CgError * error,
    gpointer user_data)
{
  GwGateway *gw = user_data;
  g_autoptr (GwEvent) event = gw_event_new_from_camera (kind, error,
      gw_camera_get_id (camera));
  guint64 ms;

  /* a recovery says how long the camera was away */
  if (error && g_str_equal (kind, "recovery")
      && gst_structure_get_uint64 (cg_error_get_details (error), "outage-ms",
          &ms)) {
    const gchar *labels[] = { gw_camera_get_id (camera), NULL };

    gw_metric_add (gw->m_outage, ms / 1000.0, labels);
  }
  publish (gw, event);
}

static void
on_camera_state (GwCamera * camera, guint old_state, guint new_state,
    gpointer user_data)
{
  GwGateway *gw = user_data;
  g_autoptr (CgError) cause = NULL;
  g_autoptr (GwEvent) event = NULL;

  sync_rtsp (gw, camera);
  if (gw->mjpeg)
    gw_mjpeg_sync_camera (gw->mjpeg, camera);
  if (gw->recorder)
    gw_recorder_follow (gw->recorder, camera);
  sync_whep (gw, camera);
  if (new_state == GW_CAMERA_STATE_FAILED
      || new_state == GW_CAMERA_STATE_RETRYING)
    cause = gw_camera_get_last_error (camera);
  event = gw_event_new_state (gw_camera_get_id (camera),
      gw_camera_state_to_string (new_state),
      gw_camera_state_to_string (old_state), cause);
  publish (gw, event);
}

static void
watch_camera (GwGateway * gw, GwCamera * camera)
{
  g_signal_connect (camera, "event", G_CALLBACK (on_camera_event), gw);
  g_signal_connect (camera, "state-changed", G_CALLBACK (on_camera_state), gw);
  gw_camera_set_status_func (camera, on_camera_status, gw);
  sync_rtsp (gw, camera);
  if (gw->recorder)
    gw_recorder_follow (gw->recorder, camera);
  sync_whep (gw, camera);
}

static void
unwatch_camera (GwGateway * gw, GwCamera * camera)
{
  g_signal_handlers_disconnect_by_data (camera, gw);
  gw_camera_set_status_func (camera, NULL, NULL);
  if (gw->recorder)
    gw_recorder_forget (gw->recorder, camera);
  if (g_object_get_data (G_OBJECT (camera), PUBLISHED_TEE) && gw->rtsp)
    gw_rtsp_remove_camera (gw->rtsp, gw_camera_get_id (camera), NULL);
  g_object_set_data (G_OBJECT (camera), PUBLISHED_TEE, NULL);
  if (gw->mjpeg)
    gw_mjpeg_remove_camera (gw->mjpeg, gw_camera_get_id (camera));
  if (gw->whep)
    gw_whep_remove_camera (gw->whep, gw_camera_get_id (camera));
}

static void
on_camera_added (GwRegistry * registry, GwCamera * camera, gpointer user_data)
{
  watch_camera (user_data, camera);
}

static void
on_camera_removed (GwRegistry * registry, GwCamera * camera, gpointer user_data)
{
  unwatch_camera (user_data, camera);
}

/* recordings -> events (storage failures, recoveries, STORAGE_LOW) */
static void
on_recording_event (const gchar * kind, const CgError * error,
    const gchar * camera_id, gpointer user_data)
{
  g_autoptr (GwEvent) event = gw_event_new_from_camera (kind, error, camera_id);

  publish (user_data, event);
}

/* ------------------------------------------------------------------ */
/* hub -> WebSocket                                                     */

static gboolean
feed_ws (GwEventSubscription * subscription, GwEvent * event,
    guint64 dropped, gpointer user_data)
{
  GwGateway *gw = user_data;

  if (gw->ws == NULL)
    return TRUE;
  if (event == NULL) {
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "MESSAGE",
        "%" G_GUINT64_FORMAT " events were not offered to WebSocket "
        "subscribers (the hub's feed was full)", dropped);
    return TRUE;
  }
  /* written once, the same text for every subscriber that wants it */
  gw_ws_server_offer_gw_event (gw->ws, event);
  return TRUE;
}

static void
on_store_error (GwEventStore * store, const CgError * error, gpointer user_data)
{
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "CODE",
      cg_error_get_code_name (error), "MESSAGE", "event store: %s",
      cg_error_get_message (error));
}

/* ------------------------------------------------------------------ */
/* JSON-RPC auth: the same key store and role table as REST            */

typedef struct
{
  GwKeyStore *keys;
  gchar *key;
} RpcPrincipal;

static void
rpc_principal_free (gpointer data)
{
  RpcPrincipal *p = data;

  g_free (p->key);
  g_free (p);
}

static gpointer
rpc_authenticate (const gchar * token, gpointer user_data, CgError ** error)
{
  GwKeyStore *keys = user_data;
  RpcPrincipal *p;

  if (!gw_keys_lookup (keys, token, NULL, NULL, error))
    return NULL;
  p = g_new0 (RpcPrincipal, 1);
  p->keys = keys;
  p->key = g_strdup (token);
  return p;
}

static gboolean
rpc_authorize (const gchar * action, gpointer principal, CgError ** error)
{
  RpcPrincipal *p = principal;

  return gw_auth_authorize (p->keys, p->key, NULL, action, NULL, NULL, error);
}

/* A session authenticated with a key the store no longer holds */
static gboolean
session_key_revoked (GwJsonRpc * rpc, gpointer user_data)
{
  RpcPrincipal *p = gw_jsonrpc_get_principal (rpc);

  return p && !gw_keys_lookup (p->keys, p->key, NULL, NULL, NULL);
}

/* After a reload that removed keys: the WebSocket sessions of those keys
 * are closed (1008), so that a subscriber stops receiving events too; a
 * call that races the close is refused (INVALID_API_KEY), as every call
 * looks its key up again. */
static void
keys_reloaded (GwKeyStore * store, guint removed, gpointer user_data)
{
  GwGateway *gw = user_data;
  guint n;

  if (removed == 0 || gw->ws == NULL)
    return;
  n = gw_ws_server_close_sessions (gw->ws, session_key_revoked, NULL,
      SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "API key revoked");
  if (n)
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "CODE",
        "INVALID_API_KEY", "MESSAGE", "closed %u WebSocket sessions of "
        "revoked API keys", n);
}

/**
 * gw_gateway_reload_keys:
 * @gw: the gateway
 * @why: what asked for it, for the log ("SIGHUP")
 *
 * Reads keys.json again now (it is also reloaded whenever it changes).
 */
void
gw_gateway_reload_keys (GwGateway * gw, const gchar * why)
{
  if (gw->key_reload)
    gw_key_reload_now (gw->key_reload, why);
}

/* Requests under /ws that are no handshake take the one request path:
 * the path itself answers 400 INVALID_REQUEST, any other 404. */
static void
ws_fallback (SoupServerMessage * msg, const gchar * path, GHashTable * query,
    gboolean on_path, gpointer user_data)
{
  GwGateway *gw = user_data;
  g_autoptr (CgError) error = NULL;

  if (on_path)
    error = cg_error_new (CG_CODE_INVALID_REQUEST, "/ws takes WebSocket "
        "handshakes only (GET with Upgrade: websocket)");
  gw_router_handle (gw->router, msg, path, query, error);
}

/* ------------------------------------------------------------------ */
/* metrics                                                              */

static void
register_metrics (GwGateway * gw)
{
  const gchar *const event_labels[] = { "kind", "code", "severity", NULL };
  const gchar *const state_labels[] = { "state", NULL };
  const gchar *const camera_labels[] = { "camera", NULL };
  const gchar *const rpc_labels[] = { "method", "code", NULL };

  gw->http_metrics = gw_http_metrics_new (gw->metrics);
  gw->m_events = gw_metrics_counter (gw->metrics, "events_total",
      "Camera events (errors by code and severity, retries, recoveries, "
      "give-ups, quality steps, state changes)", event_labels);
  gw->m_outage = gw_metrics_counter (gw->metrics,
      "camera_outage_seconds_total", "Time cameras were away, summed over "
      "the outages they recovered from", camera_labels);
  gw->m_cameras = gw_metrics_gauge (gw->metrics, "cameras",
      "Cameras by state", state_labels);
  gw->m_ws_clients = gw_metrics_gauge (gw->metrics, "websocket_clients",
      "WebSocket clients connected", NULL);
  gw->m_ws_dropped = gw_metrics_counter (gw->metrics,
      "websocket_events_dropped_total",
      "Events not sent to a slow WebSocket client", NULL);
  gw->m_rpc_calls = gw_metrics_counter (gw->metrics, "jsonrpc_calls_total",
      "JSON-RPC calls answered, by method and code (OK when no error)",
      rpc_labels);
  gw->m_store_lost = gw_metrics_counter (gw->metrics,
      "event_store_lost_total", "Events the store could not write", NULL);
  gw->m_mjpeg_clients = gw_metrics_gauge (gw->metrics, "mjpeg_clients",
      "MJPEG live-stream clients connected", NULL);
  gw->m_mjpeg_sent = gw_metrics_counter (gw->metrics,
      "mjpeg_frames_sent_total", "JPEG frames written to MJPEG clients", NULL);
  gw->m_mjpeg_dropped = gw_metrics_counter (gw->metrics,
      "mjpeg_frames_dropped_total", "JPEG frames an MJPEG client did not "
      "get because it had not read the previous ones", NULL);
  gw->m_whep_viewers = gw_metrics_gauge (gw->metrics, "whep_viewers",
      "WebRTC (WHEP) viewers by camera, negotiating or watching",
      camera_labels);
  gw->m_whep_reaped = gw_metrics_counter (gw->metrics,
      "whep_viewers_reaped_total", "WHEP viewers ended without a DELETE "
      "(receiver reports stopped, ICE failed)", NULL);
}

static void
http_metrics (const gchar * route, const gchar * method, guint status,
    gdouble duration_ms, gpointer user_data)
{
  GwGateway *gw = user_data;

  gw_http_metrics_observe (gw->http_metrics, route, method, status,
      duration_ms);
}

/* One access-log line per request, with its request id as a field (never
 * the key, only its name). */
static void
log_access (const GwAccessRecord * r, gpointer user_data)
{
  gw_log_access (r->request_id, r->method, r->path, r->status,
      r->duration_ms, r->key_name);
}

/* One log line and one count per answered JSON-RPC call. */
static void
observe_rpc (GwRpcCall * call, const CgError * error, gpointer user_data)
{
  GwGateway *gw = user_data;
  const gchar *method = gw_rpc_call_get_method (call);
  const gchar *code = error ? cg_error_get_code_name (error) : "OK";

  gw_metric_inc (gw->m_rpc_calls, method ? method : "(none)", code, NULL);
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "REQUEST_ID",
      gw_rpc_call_get_request_id (call), "CODE", error ? code : "",
      "MESSAGE", "JSON-RPC %s: %s", method ? method : "(none)", code);
}

/**
 * gw_gateway_update_gauges:
 * @gw: the gateway
 *
 * Brings the values read from the modules (cameras by state, WebSocket
 * clients and drops, events the store lost) up to date, before a render.
 */
void
gw_gateway_update_gauges (GwGateway * gw)
{
  g_autoptr (GPtrArray) cameras = gw_registry_list (gw->registry);
  guint counts[GW_CAMERA_STATE_FAILED + 1] = { 0 };
  guint64 v;
  guint i;

  for (i = 0; i < cameras->len; i++)
    counts[gw_camera_get_state (g_ptr_array_index (cameras, i))]++;
  for (i = 0; i < G_N_ELEMENTS (counts); i++) {
    const gchar *labels[] = { gw_camera_state_to_string (i), NULL };

    gw_metric_set (gw->m_cameras, counts[i], labels);
  }
  if (gw->ws) {
    gw_metric_set (gw->m_ws_clients, gw_ws_server_get_n_clients (gw->ws), NULL);
    v = gw_ws_server_get_events_dropped (gw->ws);
    gw_metric_add (gw->m_ws_dropped, v - gw->ws_dropped_seen, NULL);
    gw->ws_dropped_seen = v;
  }
  if (gw->mjpeg) {
    gw_metric_set (gw->m_mjpeg_clients, gw_mjpeg_get_n_clients (gw->mjpeg,
            NULL), NULL);
    v = gw_mjpeg_get_frames_sent (gw->mjpeg);
    gw_metric_add (gw->m_mjpeg_sent, v - gw->mjpeg_sent_seen, NULL);
    gw->mjpeg_sent_seen = v;
    v = gw_mjpeg_get_frames_dropped (gw->mjpeg);
    gw_metric_add (gw->m_mjpeg_dropped, v - gw->mjpeg_dropped_seen, NULL);
    gw->mjpeg_dropped_seen = v;
  }
  for (i = 0; gw->whep && i < cameras->len; i++) {
    const gchar *id = gw_camera_get_id (g_ptr_array_index (cameras, i));
    const gchar *labels[] = { id, NULL };

    gw_metric_set (gw->m_whep_viewers, gw_whep_count_viewers (gw->whep, id),
        labels);
  }
  if (gw->whep) {
    v = gw_whep_get_reaped (gw->whep);
    gw_metric_add (gw->m_whep_reaped, v - gw->whep_reaped_seen, NULL);
    gw->whep_reaped_seen = v;
  }
  v = gw_event_store_get_lost (gw->event_store);
  gw_metric_add (gw->m_store_lost, v - gw->store_lost_seen, NULL);
  gw->store_lost_seen = v;
}

/* ------------------------------------------------------------------ */
/* start and stop                                                       */

static gboolean
start_events (GwGateway * gw, GError ** error)
{
  GwEventStoreConfig sc;

  gw_event_store_config_init (&sc);
  gw->event_store = gw_event_store_new (gw->config->data_dir, &sc,
      on_store_error, gw);
  if (gw->event_store == NULL) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_STORAGE_IO,
        "the event store cannot be created in %s", gw->config->data_dir);
    return FALSE;
  }
  gw->events = gw_event_hub_new (gw->event_store);
  gw->ws_feed = gw_event_hub_subscribe (gw->events, GW_EVENT_TOPIC_ALL, NULL,
      WS_FEED_QUEUE, feed_ws, gw, NULL);
  return TRUE;
}

#define GW_HTTP_LISTEN_BACKLOG 256

/* The HTTP socket, listening with a backlog for bursts of connections: a
 * GSocketListener's default of 10 makes the 11th simultaneous connect wait
 * for the client's SYN retry, a whole second. */
static GSocket *
http_socket (const gchar * listen, guint port, GError ** error)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (listen);
  g_autoptr (GSocketAddress) sa = NULL;
  g_autoptr (GSocket) sock = NULL;

  if (address == NULL)          /* "localhost", the one name config accepts */
    address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  sa = g_inet_socket_address_new (address, port);
  sock = g_socket_new (g_inet_address_get_family (address),
      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (sock == NULL)
    return NULL;
  g_socket_set_listen_backlog (sock, GW_HTTP_LISTEN_BACKLOG);
  if (!g_socket_bind (sock, sa, TRUE, error) || !g_socket_listen (sock, error))
    return NULL;
  return g_steal_pointer (&sock);
}

static gboolean
start_http (GwGateway * gw, GError ** error)
{
  g_autoptr (GSocket) sock = NULL;
  GSList *uris;

  /* no Server header: it told every client the libsoup version, and cost
   * a header on every answer */
  gw->server = soup_server_new (NULL, NULL);
  sock = http_socket (gw->config->listen, gw->config->port, error);
  if (sock == NULL || !soup_server_listen_socket (gw->server, sock, 0, error))
    return FALSE;
  uris = soup_server_get_uris (gw->server);
  gw->http_port = uris ? (guint) g_uri_get_port (uris->data) : gw->config->port;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

/* subscribe to one camera: as every camera method, -32004 when unknown */
static gboolean
ws_camera_exists (const gchar * camera_id, CgError ** error, gpointer user_data)
{
  GwGateway *gw = user_data;

  return gw_camera_ops_lookup (gw->registry, camera_id, error) != NULL;
}

/* Every REST route and JSON-RPC method on gw->server (also an unlistened
 * one, for --list-routes). */
static void
add_api (GwGateway * gw)
{
  GwWsLimits limits;

  gw->router = gw_router_new (gw->server, gw->keys);
  gw_router_set_metrics_func (gw->router, http_metrics, gw);
  gw_router_set_log_func (gw->router, log_access, gw);
  gw_routes_cameras_add (gw->router, gw);
  gw_routes_ops_add (gw->router, gw);
  gw_routes_dashboard_add (gw->router, gw);
  gw->mjpeg = gw_mjpeg_new (NULL, gw->config->mjpeg_max_clients);
  gw_routes_mjpeg_add (gw->router, gw);
  gw_routes_recordings_add (gw->router, gw);
  gw_routes_whep_add (gw->router, gw);
  gw->rpc = gw_rpc_registry_new ();
  gw_rpc_methods_add (gw->rpc, gw);
  gw_rpc_recordings_add (gw->rpc, gw);
  gw_rpc_registry_set_observer (gw->rpc, observe_rpc, gw);
  if (gw->keys)
    gw_rpc_registry_set_auth (gw->rpc, rpc_authenticate, rpc_authorize,
        gw->keys, rpc_principal_free);
  gw_ws_limits_init (&limits);
  limits.max_clients = gw->config->ws_max_clients;
  gw->ws = gw_ws_server_new (gw->server, "/ws", gw->rpc, &limits);
  gw_ws_server_set_fallback (gw->ws, ws_fallback, gw);
  gw_router_cover_path (gw->router, "/ws");
  gw_ws_server_set_camera_check (gw->ws, ws_camera_exists, gw);
}

static void
print_route (const gchar * method, const gchar * pattern,
    const gchar * action, GwRouteFlags flags, gpointer user_data)
{
  g_string_append_printf (user_data, "%-7s %-36s %-16s %-9s%s\n", method,
      pattern, action, gw_role_to_nick (gw_auth_required_role (action)),
      (flags & GW_ROUTE_BODY_OBJECT) ? " json-body" :
      (flags & GW_ROUTE_BODY_RAW) ? " raw-body" : "");
}

/**
 * gw_gateway_describe_api:
 * @gw: the gateway, with its configuration (nothing started)
 *
 * The API the gateway serves, from the tables it serves it with: one line
 * per REST route (`METHOD PATTERN ACTION ROLE`, then `json-body` for a
 * route that needs a JSON object body, `raw-body` for one whose body is not
 * JSON, e.g. an SDP offer) and per JSON-RPC method
 * (`JSONRPC METHOD ACTION ROLE`; action `-` for a method anybody may call),
 * ROLE being the least role the one role table lets in. What
 * `camguard-gateway --list-routes` prints; nothing listens.
 *
 * Returns: (transfer full): the lines
 */
gchar *
gw_gateway_describe_api (GwGateway * gw)
{
  GString *out = g_string_new (NULL);
  g_autoptr (GPtrArray) methods = NULL;
  guint i;

  /* no Server header: it told every client the libsoup version, and cost
   * a header on every answer */
  gw->server = soup_server_new (NULL, NULL);
  add_api (gw);
  gw_router_foreach_route (gw->router, print_route, out);
  methods = gw_rpc_registry_list_methods (gw->rpc);
  for (i = 0; i < methods->len; i++) {
    const gchar *name = g_ptr_array_index (methods, i);
    const gchar *action = g_str_equal (name, GW_RPC_AUTHENTICATE_METHOD) ?
        gw_auth_action_for_method (name) :
        gw_rpc_registry_get_action (gw->rpc, name);

    g_string_append_printf (out, "%-7s %-36s %-16s %s\n", "JSONRPC", name,
        action ? action : "-", action ?
        gw_role_to_nick (gw_auth_required_role (action)) : "anonymous");
  }
  gw_gateway_stop_servers (gw);
  return g_string_free (out, FALSE);
}

static void
start_whep (GwGateway * gw)
{
  g_autofree gchar *ice = whep_ice_address (gw->config->listen);
  GwWhepLimits limits;

  gw_whep_limits_init (&limits);
  limits.max_viewers = gw->config->whep_max_viewers;
  limits.reap_timeout_ms = gw->config->whep_reap_timeout_ms;
  limits.ice_address = ice;
  gw->whep = gw_whep_new (&limits);
}

/**
 * gw_gateway_start_servers:
 * @gw: the gateway, with its configuration and registry
 * @error: return location for a %CG_CODE_ERROR
 *
 * Creates the metrics, the event store and hub, the key store (auth on),
 * the HTTP server with the router and /ws, and the RTSP server, and
 * watches the registry: call it before the cameras load.
 *
 * Returns: %TRUE when everything listens
 */
gboolean
gw_gateway_start_servers (GwGateway * gw, GError ** error)
{
  g_autoptr (GPtrArray) cameras = NULL;
  guint i;

  GST_DEBUG_CATEGORY_INIT (gw_gateway_debug, "gw-gateway", 0,
      "camguard-gateway wiring");
  gw->metrics = gw_metrics_new ();
  register_metrics (gw);
  if (!start_events (gw, error))
    return FALSE;
  gw->recorder = gw_recorder_new (gw->config->data_dir,
      (guint64) gw->config->storage_low_mb * 1024 * 1024, gw->metrics,
      on_recording_event, gw);
  if (gw->config->auth) {
    gw->keys = gw_key_store_new (gw->config->data_dir, error);
    if (gw->keys == NULL)
      return FALSE;
    gw_key_store_grant (gw->keys, "metrics.read",
        (const gchar * const *) gw->config->metrics_keys);
    gw->key_reload = gw_key_reload_new (gw->keys, gw->config->data_dir,
        keys_reloaded, gw, error);
    if (gw->key_reload == NULL)
      return FALSE;
  } else {
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "MESSAGE",
        "auth is off: anyone who reaches %s can use the API",
        gw->config->listen);
  }
  start_whep (gw);
  if (!start_http (gw, error))
    return FALSE;
  add_api (gw);
  gw->rtsp = gw_rtsp_new (gw->config->listen, gw->config->rtsp_port, NULL,
      error);
  if (gw->rtsp == NULL)
    return FALSE;
  gw->camera_added = g_signal_connect (gw->registry, "camera-added",
      G_CALLBACK (on_camera_added), gw);
  gw->camera_removed = g_signal_connect (gw->registry, "camera-removed",
      G_CALLBACK (on_camera_removed), gw);
  cameras = gw_registry_list (gw->registry);
  for (i = 0; i < cameras->len; i++)
    watch_camera (gw, g_ptr_array_index (cameras, i));
  return TRUE;
}

/**
 * gw_gateway_stop_servers:
 * @gw: the gateway
 *
 * Stops serving: no new HTTP, WebSocket or RTSP client, the RTSP branches
 * taken out of the camera pipelines, the cameras' signals disconnected.
 * The cameras keep running: stop them next (gw_registry_stop_all()).
 */
void
gw_gateway_stop_servers (GwGateway * gw)
{
  g_autoptr (GPtrArray) cameras = NULL;
  guint i;

  if (gw->server)
    soup_server_disconnect (gw->server);
  if (gw->registry) {
    g_clear_signal_handler (&gw->camera_added, gw->registry);
    g_clear_signal_handler (&gw->camera_removed, gw->registry);
    cameras = gw_registry_list (gw->registry);
    for (i = 0; i < cameras->len; i++)
      unwatch_camera (gw, g_ptr_array_index (cameras, i));
  }
  g_clear_pointer (&gw->whep, gw_whep_free);
  g_clear_object (&gw->rtsp);
  g_clear_pointer (&gw->mjpeg, gw_mjpeg_free);
  g_clear_pointer (&gw->ws, gw_ws_server_free);
  g_clear_pointer (&gw->router, gw_router_unref);
  g_clear_pointer (&gw->rpc, gw_rpc_registry_unref);
  g_clear_object (&gw->server);
}

/**
 * gw_gateway_release:
 * @gw: the gateway, its servers stopped
 *
 * Releases what is left after the cameras stopped: the hub, the event
 * store (its last batch written), the key store and the metrics.
 */
void
gw_gateway_release (GwGateway * gw)
{
  gw_gateway_stop_servers (gw);
  if (gw->events && gw->ws_feed)
    gw_event_hub_unsubscribe (gw->events, gw->ws_feed);
  gw->ws_feed = NULL;
  g_clear_pointer (&gw->recorder, gw_recorder_free);
  g_clear_pointer (&gw->events, gw_event_hub_free);
  g_clear_pointer (&gw->event_store, gw_event_store_close);
  g_clear_pointer (&gw->key_reload, gw_key_reload_free);
  g_clear_pointer (&gw->keys, gw_key_store_free);
  g_clear_pointer (&gw->http_metrics, gw_http_metrics_free);
  g_clear_pointer (&gw->metrics, gw_metrics_free);
}
