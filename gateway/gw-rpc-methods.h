/* camguard-gateway - the JSON-RPC methods on cameras
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-gateway.h"

G_BEGIN_DECLS

void gw_rpc_methods_add (GwRpcRegistry * rpc, GwGateway * gw);
GwCamera *gw_rpc_camera_param (GwRpcCall * call, GwGateway * gw,
    JsonNode * params, gboolean only);

G_END_DECLS
