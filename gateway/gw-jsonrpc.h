/* camguard-gateway - JSON-RPC 2.0 framing and dispatch (transport free)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <camguard.h>
#include <json-glib/json-glib.h>
#include "gw-rpc-registry.h"

G_BEGIN_DECLS

/* Largest batch accepted; a bigger one is one -32600 answer. */
#define GW_JSONRPC_MAX_BATCH 128

typedef void (*GwRpcSendFunc) (GwJsonRpc * rpc, const gchar * text,
    gpointer user_data);

/* one session (one connection) */
GwJsonRpc *gw_jsonrpc_new (GwRpcRegistry * registry, GwRpcSendFunc send,
    gpointer user_data, GDestroyNotify destroy);
GwJsonRpc *gw_jsonrpc_ref (GwJsonRpc * rpc);
void gw_jsonrpc_unref (GwJsonRpc * rpc);
void gw_jsonrpc_handle_text (GwJsonRpc * rpc, const gchar * text,
    gssize length);
void gw_jsonrpc_close (GwJsonRpc * rpc);
gboolean gw_jsonrpc_is_closed (GwJsonRpc * rpc);
GCancellable *gw_jsonrpc_get_cancellable (GwJsonRpc * rpc);
gpointer gw_jsonrpc_get_principal (GwJsonRpc * rpc);
void gw_jsonrpc_set_principal (GwJsonRpc * rpc, gpointer principal);
gpointer gw_jsonrpc_get_data (GwJsonRpc * rpc, const gchar * key);
void gw_jsonrpc_set_data (GwJsonRpc * rpc, const gchar * key, gpointer data,
    GDestroyNotify destroy);

/* one call */
const gchar *gw_rpc_call_get_method (GwRpcCall * call);
const gchar *gw_rpc_call_get_request_id (GwRpcCall * call);
gboolean gw_rpc_call_is_notification (GwRpcCall * call);
GwJsonRpc *gw_rpc_call_get_session (GwRpcCall * call);
void gw_rpc_call_return (GwRpcCall * call, JsonNode * result);
void gw_rpc_call_return_writer (GwRpcCall * call, CgJsonWriter * writer);
void gw_rpc_call_return_error (GwRpcCall * call, CgError * error);

/* messages the server sends on its own */
void gw_jsonrpc_begin_notification (CgJsonWriter * writer,
    const gchar * method);
gchar *gw_jsonrpc_notification_to_string (const gchar * method,
    JsonNode * params);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwJsonRpc, gw_jsonrpc_unref)

G_END_DECLS
