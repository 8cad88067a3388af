/* camguard-gateway - the JSON-RPC methods on cameras
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-gateway.h"

G_BEGIN_DECLS

void gw_rpc_methods_add (GwRpcRegistry * rpc, GwGateway * gw);

G_END_DECLS
