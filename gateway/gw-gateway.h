/* camguard-gateway - the process: configuration, cameras, servers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-config.h"
#include "gw-log.h"
#include "gw-registry.h"

G_BEGIN_DECLS

/* Everything the process runs. The server slots are filled by the modules
 * that serve (HTTP routes, WebSocket JSON-RPC, RTSP re-publish, event hub,
 * auth, metrics) in gw_gateway_start_servers() and released, in reverse
 * order, after the cameras stopped. */
typedef struct
{
  GwConfig *config;
  GwRegistry *registry;
  GMainLoop *loop;
  gint exit_code;

  GObject *events;              /* event hub: subscribes to cameras */
  GObject *auth;                /* API keys and roles */
  GObject *http;                /* REST under /api/v1 */
  GObject *ws;                  /* JSON-RPC over WebSocket at /ws */
  GObject *rtsp;                /* RTSP re-publish of every camera */
  GObject *metrics;             /* /metrics */
} GwGateway;

G_END_DECLS
