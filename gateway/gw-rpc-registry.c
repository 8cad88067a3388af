/* camguard-gateway - the JSON-RPC method table and its auth hooks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-rpc-registry
 * @short_description: JSON-RPC methods by name, with the action the role
 *   table knows each by, and the auth callbacks the gateway provides
 *
 * One #GwRpcRegistry serves every session. A method is a name, an action
 * (e.g. `cameras.read`; %NULL for methods anybody may call) and a
 * #GwRpcHandler. gw_rpc_registry_set_auth() plugs in the gateway's API key
 * lookup (#GwRpcAuthenticate, used by the built-in `authenticate`) and its
 * role table (#GwRpcAuthorize); without them auth is off.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-rpc-registry.h"

typedef struct
{
  gchar *action;
  GwRpcHandler handler;
  gpointer user_data;
  GDestroyNotify destroy;
} Method;

struct _GwRpcRegistry
{
  gint refcount;
  GHashTable *methods;          /* name -> Method */
  GwRpcAuthenticate authenticate;
  GwRpcAuthorize authorize;
  gpointer auth_data;
  GDestroyNotify principal_free;
  GwRpcObserver observer;
  gpointer observer_data;
};

static gint
cmp_names (const gchar ** a, const gchar ** b)
{
  return g_strcmp0 (*a, *b);
}

static void
method_free (gpointer p)
{
  Method *m = p;

  if (m->destroy)
    m->destroy (m->user_data);
  g_free (m->action);
  g_free (m);
}

/**
 * gw_rpc_registry_new:
 *
 * Returns: (transfer full): an empty method table, with auth off until
 *   gw_rpc_registry_set_auth()
 */
GwRpcRegistry *
gw_rpc_registry_new (void)
{
  GwRpcRegistry *r = g_new0 (GwRpcRegistry, 1);

  r->refcount = 1;
  r->methods = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      method_free);
  return r;
}

/**
 * gw_rpc_registry_ref:
 * @registry: a #GwRpcRegistry
 *
 * Returns: (transfer full): @registry
 */
GwRpcRegistry *
gw_rpc_registry_ref (GwRpcRegistry * registry)
{
  g_atomic_int_inc (&registry->refcount);
  return registry;
}

/**
 * gw_rpc_registry_unref:
 * @registry: a #GwRpcRegistry
 *
 * Drops a reference; the last one frees the table and the handlers' data.
 */
void
gw_rpc_registry_unref (GwRpcRegistry * registry)
{
  if (registry == NULL || !g_atomic_int_dec_and_test (&registry->refcount))
    return;
  g_hash_table_unref (registry->methods);
  g_free (registry);
}

/**
 * gw_rpc_registry_add:
 * @registry: a #GwRpcRegistry
 * @method: the method name
 * @action: (nullable): the action the role table knows this method by
 *   (e.g. `cameras.read`), or %NULL when no role is needed
 * @handler: (scope notified): runs on the session's main context
 * @user_data: for @handler
 * @destroy: (nullable): frees @user_data with the registry
 *
 * Adds or replaces a method. `authenticate` is built in and cannot be
 * replaced.
 */
void
gw_rpc_registry_add (GwRpcRegistry * registry, const gchar * method,
    const gchar * action, GwRpcHandler handler, gpointer user_data,
    GDestroyNotify destroy)
{
  Method *m;

  g_return_if_fail (registry != NULL && method != NULL && handler != NULL);
  g_return_if_fail (g_strcmp0 (method, GW_RPC_AUTHENTICATE_METHOD) != 0);

  m = g_new0 (Method, 1);
  m->action = g_strdup (action);
  m->handler = handler;
  m->user_data = user_data;
  m->destroy = destroy;
  g_hash_table_replace (registry->methods, g_strdup (method), m);
}

/**
 * gw_rpc_registry_has:
 * @registry: a #GwRpcRegistry
 * @method: a method name
 *
 * Returns: whether @method is in the table (`authenticate` always is)
 */
gboolean
gw_rpc_registry_has (GwRpcRegistry * registry, const gchar * method)
{
  return g_strcmp0 (method, GW_RPC_AUTHENTICATE_METHOD) == 0 ||
      g_hash_table_contains (registry->methods, method);
}

/**
 * gw_rpc_registry_get_action:
 * @registry: a #GwRpcRegistry
 * @method: a method name
 *
 * Returns: (nullable): the action of @method, or %NULL when it needs no
 *   role or is unknown
 */
const gchar *
gw_rpc_registry_get_action (GwRpcRegistry * registry, const gchar * method)
{
  Method *m = g_hash_table_lookup (registry->methods, method);

  return m ? m->action : NULL;
}

/**
 * gw_rpc_registry_list_methods:
 * @registry: a #GwRpcRegistry
 *
 * Every method of the table, `authenticate` included, sorted by name (for
 * `camguard-gateway --list-routes` and the role matrix test).
 *
 * Returns: (transfer full) (element-type utf8): the method names
 */
GPtrArray *
gw_rpc_registry_list_methods (GwRpcRegistry * registry)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer name;

  g_ptr_array_add (names, g_strdup (GW_RPC_AUTHENTICATE_METHOD));
  g_hash_table_iter_init (&iter, registry->methods);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) cmp_names);
  return names;
}

/**
 * gw_rpc_registry_set_auth:
 * @registry: a #GwRpcRegistry
 * @authenticate: (nullable): turns the token of `authenticate` into a
 *   principal (transfer full), or fails with a #CgError (e.g.
 *   %CG_CODE_INVALID_API_KEY)
 * @authorize: (nullable): decides whether a principal may run an action;
 *   fails with a #CgError (e.g. %CG_CODE_INSUFFICIENT_PERMISSIONS)
 * @user_data: for @authenticate
 * @principal_free: (nullable): frees a principal
 *
 * Turns auth on: methods with an action then need an authenticated
 * session, and @authorize.
 */
void
gw_rpc_registry_set_auth (GwRpcRegistry * registry,
    GwRpcAuthenticate authenticate, GwRpcAuthorize authorize,
    gpointer user_data, GDestroyNotify principal_free)
{
  g_return_if_fail (registry != NULL);

  registry->authenticate = authenticate;
  registry->authorize = authorize;
  registry->auth_data = user_data;
  registry->principal_free = principal_free;
}

/**
 * gw_rpc_registry_set_observer:
 * @registry: a #GwRpcRegistry
 * @observer: (nullable): called on the session's main context once per
 *   answered call, with its error or %NULL (for logs and metrics)
 * @user_data: for @observer
 */
void
gw_rpc_registry_set_observer (GwRpcRegistry * registry,
    GwRpcObserver observer, gpointer user_data)
{
  g_return_if_fail (registry != NULL);

  registry->observer = observer;
  registry->observer_data = user_data;
}


/**
 * gw_rpc_registry_lookup:
 * @registry: a #GwRpcRegistry
 * @method: a method name
 * @action: (out) (optional): its action, %NULL when it needs no role
 * @handler: (out) (optional): its handler
 * @user_data: (out) (optional): the handler's data
 *
 * Returns: whether @method is in the table (`authenticate`, built into the
 *   session, is not)
 */
gboolean
gw_rpc_registry_lookup (GwRpcRegistry * registry, const gchar * method,
    const gchar ** action, GwRpcHandler * handler, gpointer * user_data)
{
  Method *m = g_hash_table_lookup (registry->methods, method);

  if (m == NULL)
    return FALSE;
  if (action)
    *action = m->action;
  if (handler)
    *handler = m->handler;
  if (user_data)
    *user_data = m->user_data;
  return TRUE;
}

/**
 * gw_rpc_registry_has_auth:
 * @registry: a #GwRpcRegistry
 *
 * Returns: whether auth is on (gw_rpc_registry_set_auth() was given
 *   callbacks)
 */
gboolean
gw_rpc_registry_has_auth (GwRpcRegistry * registry)
{
  return registry->authenticate != NULL || registry->authorize != NULL;
}

/**
 * gw_rpc_registry_authenticate:
 * @registry: a #GwRpcRegistry
 * @token: the token of `authenticate`
 * @error: (out) (transfer full): why not, when %NULL is returned
 *
 * Returns: (transfer full) (nullable): the principal @token stands for
 */
gpointer
gw_rpc_registry_authenticate (GwRpcRegistry * registry, const gchar * token,
    CgError ** error)
{
  gpointer principal = NULL;
  CgError *e = NULL;

  if (registry->authenticate)
    principal = registry->authenticate (token, registry->auth_data, &e);
  if (principal == NULL)
    *error = e ? e : cg_error_new (CG_CODE_INVALID_API_KEY, NULL);
  return principal;
}

/**
 * gw_rpc_registry_check_role:
 * @registry: a #GwRpcRegistry
 * @action: (nullable): a method's action
 * @principal: (nullable): who is asking, %NULL before `authenticate`
 *
 * The role check: nothing to check when auth is off or @action is %NULL;
 * %CG_CODE_AUTHENTICATION_REQUIRED without a principal; else the
 * authorize callback decides.
 *
 * Returns: (transfer full) (nullable): %NULL when allowed, else the error
 *   to answer
 */
CgError *
gw_rpc_registry_check_role (GwRpcRegistry * registry, const gchar * action,
    gpointer principal)
{
  CgError *error = NULL;

  if (action == NULL || !gw_rpc_registry_has_auth (registry))
    return NULL;
  if (principal == NULL)
    return cg_error_new (CG_CODE_AUTHENTICATION_REQUIRED, NULL);
  if (registry->authorize == NULL ||
      registry->authorize (action, principal, &error))
    return NULL;
  return error ? error : cg_error_new (CG_CODE_INSUFFICIENT_PERMISSIONS, NULL);
}

/**
 * gw_rpc_registry_free_principal:
 * @registry: a #GwRpcRegistry
 * @principal: (nullable) (transfer full): a principal
 *
 * Frees @principal with the registry's principal_free.
 */
void
gw_rpc_registry_free_principal (GwRpcRegistry * registry, gpointer principal)
{
  if (principal && registry->principal_free)
    registry->principal_free (principal);
}

/**
 * gw_rpc_registry_observe:
 * @registry: a #GwRpcRegistry
 * @call: a call being answered
 * @error: (nullable): its error
 *
 * Tells the observer, if any, about an answered call.
 */
void
gw_rpc_registry_observe (GwRpcRegistry * registry, GwRpcCall * call,
    const CgError * error)
{
  if (registry->observer)
    registry->observer (call, error, registry->observer_data);
}
