/* camguard-gateway tests - dummy JSON-RPC methods and auth callbacks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-jsonrpc.h"

G_BEGIN_DECLS

/* how many times "add" ran */
extern guint rpc_dummies_add_calls;
/* the call "hold" keeps for the test to answer */
extern GwRpcCall *rpc_dummies_held_call;

void rpc_dummies_register (GwRpcRegistry * registry);
void rpc_dummies_set_auth (GwRpcRegistry * registry);
gpointer rpc_dummies_answer_later (gpointer call);
gpointer rpc_dummies_answer_written (gpointer call);

G_END_DECLS
