/* camguard-gateway - REST routes and JSON-RPC methods of recordings
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-gateway.h"

G_BEGIN_DECLS

void gw_routes_recordings_add (GwRouter * router, GwGateway * gw);
void gw_rpc_recordings_add (GwRpcRegistry * rpc, GwGateway * gw);
gint gw_routes_parse_range (const gchar * header, guint64 size,
    guint64 * start, guint64 * end);

G_END_DECLS
