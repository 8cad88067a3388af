/* camguard-gateway - API keys and the one role table
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <libsoup/soup.h>
#include <camguard.h>

G_BEGIN_DECLS

/**
 * GwRole:
 * @GW_ROLE_ANONYMOUS: no credentials (only for actions open to everyone)
 * @GW_ROLE_VIEWER: read status, snapshots, events, the catalogue
 * @GW_ROLE_OPERATOR: viewer, plus start, stop, restart and quality
 * @GW_ROLE_ADMIN: operator, plus cameras CRUD, raw pipelines, metrics, keys
 *
 * The roles of API callers, ordered: a higher role may do everything a
 * lower one may.
 */
typedef enum
{
  GW_ROLE_ANONYMOUS = 0,
  GW_ROLE_VIEWER = 1,
  GW_ROLE_OPERATOR = 2,
  GW_ROLE_ADMIN = 3,
} GwRole;

GType gw_role_get_type (void);
#define GW_TYPE_ROLE (gw_role_get_type ())

const gchar *gw_role_to_nick (GwRole role);
gboolean gw_role_from_nick (const gchar * nick, GwRole * role);

/* The role table */
GwRole gw_auth_required_role (const gchar * action);
const gchar *gw_auth_action_for_method (const gchar * method);

/* The key store (keys.json in the data directory) */
typedef struct _GwKeyStore GwKeyStore;

GwKeyStore *gw_key_store_new (const gchar * data_dir, GError ** error);
void gw_key_store_free (GwKeyStore * store);
const gchar *gw_key_store_get_path (GwKeyStore * store);
guint gw_key_store_get_n_keys (GwKeyStore * store);

gboolean gw_keys_create (GwKeyStore * store, GwRole role, const gchar * name,
    gchar ** key_out, GError ** error);
gboolean gw_keys_lookup (GwKeyStore * store, const gchar * key,
    GwRole * role_out, gchar ** name_out, CgError ** error);
gboolean gw_keys_lookup_cached (GwKeyStore * store, const gchar * key,
    GObject * anchor, GwRole * role_out, gchar ** name_out, CgError ** error);
gboolean gw_key_store_reload (GwKeyStore * store, guint * added,
    guint * removed, GError ** error);
void gw_key_store_grant (GwKeyStore * store, const gchar * action,
    const gchar * const *names);
gboolean gw_key_store_is_granted (GwKeyStore * store, const gchar * action,
    const gchar * name);
gboolean gw_keys_revoke (GwKeyStore * store, const gchar * name_or_id,
    GPtrArray ** revoked, GError ** error);

/* Credentials and the decision */
gboolean gw_auth_may (GwKeyStore * store, GwRole role,
    const gchar * key_name, const gchar * action);
GPtrArray *gw_auth_list_actions (GwKeyStore * store, GwRole role,
    const gchar * key_name);
const gchar *gw_auth_credential_from_headers (SoupMessageHeaders * headers);
gboolean gw_auth_authorize (GwKeyStore * store, const gchar * key,
    GObject * anchor, const gchar * action, GwRole * role_out,
    gchar ** name_out, CgError ** error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwKeyStore, gw_key_store_free)

G_END_DECLS
