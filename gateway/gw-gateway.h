/* camguard-gateway - the process: configuration, cameras, servers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "gw-auth.h"
#include "gw-config.h"
#include "gw-event-hub.h"
#include "gw-event-store.h"
#include "gw-http.h"
#include "gw-http-metrics.h"
#include "gw-key-reload.h"
#include "gw-log.h"
#include "gw-metrics.h"
#include "gw-mjpeg.h"
#include "gw-recording.h"
#include "gw-registry.h"
#include "gw-rpc-registry.h"
#include "gw-rtsp.h"
#include "gw-ws.h"
#include "gw-whep.h"

G_BEGIN_DECLS

/* Everything the process runs. gw_gateway_start_servers() fills the server
 * slots (before the cameras load, so that every camera is seen by
 * GwRegistry::camera-added); gw_gateway_stop_servers() stops the network
 * side, and gw_gateway_release() the rest once the cameras stopped. */
typedef struct
{
  GwConfig *config;
  GwRegistry *registry;
  GMainLoop *loop;
  gint exit_code;

  GwMetrics *metrics;           /* /metrics */
  GwEventStore *event_store;    /* events.db in the data directory */
  GwEventHub *events;           /* event hub: store + subscribers */
  GwEventSubscription *ws_feed; /* the hub's feed of the WebSocket */
  GwKeyStore *keys;             /* API keys; NULL with auth off */
  GwKeyReload *key_reload;      /* keys.json watched; NULL with auth off */
  SoupServer *server;           /* HTTP and WebSocket */
  GwRouter *router;             /* REST under /api/v1 */
  GwRpcRegistry *rpc;           /* JSON-RPC methods */
  GwWsServer *ws;               /* JSON-RPC over WebSocket at /ws */
  GwRtsp *rtsp;                 /* RTSP re-publish of every camera */
  GwMjpeg *mjpeg;               /* MJPEG live streams */
  GwRecorder *recorder;         /* recordings of every camera */
  GwWhep *whep;                 /* WebRTC (WHEP) viewers of every camera */
  gulong camera_added;
  gulong camera_removed;
  guint http_port;              /* the port bound (config port 0: any) */

  /* metric families (owned by metrics) */
  GwHttpMetrics *http_metrics;
  GwMetric *m_events;
  GwMetric *m_outage;
  GwMetric *m_cameras;
  GwMetric *m_ws_clients;
  GwMetric *m_ws_dropped;
  GwMetric *m_store_lost;
  GwMetric *m_rpc_calls;
  GwMetric *m_mjpeg_clients;
  GwMetric *m_mjpeg_sent;
  GwMetric *m_mjpeg_dropped;
  guint64 mjpeg_sent_seen;
  guint64 mjpeg_dropped_seen;
  GwMetric *m_whep_viewers;
  GwMetric *m_whep_reaped;
  guint64 whep_reaped_seen;
  guint64 ws_dropped_seen;
  guint64 store_lost_seen;
} GwGateway;

gboolean gw_gateway_start_servers (GwGateway * gw, GError ** error);
void gw_gateway_stop_servers (GwGateway * gw);
void gw_gateway_release (GwGateway * gw);
void gw_gateway_update_gauges (GwGateway * gw);
gchar *gw_gateway_describe_api (GwGateway * gw);
void gw_gateway_reload_keys (GwGateway * gw, const gchar * why);

G_END_DECLS
