/* camguard-gateway - the JSON-RPC method table and its auth hooks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <camguard.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _GwRpcRegistry GwRpcRegistry;
typedef struct _GwJsonRpc GwJsonRpc;
typedef struct _GwRpcCall GwRpcCall;

typedef void (*GwRpcHandler) (GwRpcCall * call, JsonNode * params,
    gpointer user_data);

typedef gpointer (*GwRpcAuthenticate) (const gchar * token,
    gpointer user_data, CgError ** error);

typedef gboolean (*GwRpcAuthorize) (const gchar * action, gpointer principal,
    CgError ** error);

typedef void (*GwRpcObserver) (GwRpcCall * call, const CgError * error,
    gpointer user_data);

GwRpcRegistry *gw_rpc_registry_new (void);
GwRpcRegistry *gw_rpc_registry_ref (GwRpcRegistry * registry);
void gw_rpc_registry_unref (GwRpcRegistry * registry);
void gw_rpc_registry_add (GwRpcRegistry * registry, const gchar * method,
    const gchar * action, GwRpcHandler handler, gpointer user_data,
    GDestroyNotify destroy);
gboolean gw_rpc_registry_has (GwRpcRegistry * registry, const gchar * method);
gboolean gw_rpc_registry_lookup (GwRpcRegistry * registry,
    const gchar * method, const gchar ** action, GwRpcHandler * handler,
    gpointer * user_data);
const gchar *gw_rpc_registry_get_action (GwRpcRegistry * registry,
    const gchar * method);
GPtrArray *gw_rpc_registry_list_methods (GwRpcRegistry * registry);
void gw_rpc_registry_set_auth (GwRpcRegistry * registry,
    GwRpcAuthenticate authenticate, GwRpcAuthorize authorize,
    gpointer user_data, GDestroyNotify principal_free);
gboolean gw_rpc_registry_has_auth (GwRpcRegistry * registry);
gpointer gw_rpc_registry_authenticate (GwRpcRegistry * registry,
    const gchar * token, CgError ** error);
CgError *gw_rpc_registry_check_role (GwRpcRegistry * registry,
    const gchar * action, gpointer principal);
void gw_rpc_registry_free_principal (GwRpcRegistry * registry,
    gpointer principal);
void gw_rpc_registry_set_observer (GwRpcRegistry * registry,
    GwRpcObserver observer, gpointer user_data);
void gw_rpc_registry_observe (GwRpcRegistry * registry, GwRpcCall * call,
    const CgError * error);

/* The one method every registry has. */
#define GW_RPC_AUTHENTICATE_METHOD "authenticate"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwRpcRegistry, gw_rpc_registry_unref)

G_END_DECLS
