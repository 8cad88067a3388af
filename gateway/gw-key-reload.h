/* camguard-gateway - API keys reloaded while the gateway runs
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-auth.h"

G_BEGIN_DECLS

typedef struct _GwKeyReload GwKeyReload;

/**
 * GwKeyReloadFunc:
 * @store: the key store, just reloaded
 * @removed: how many keys it no longer holds
 * @user_data: user data
 *
 * Called after each reload that changed the keys (e.g. to close the
 * WebSocket sessions of revoked keys).
 */
typedef void (*GwKeyReloadFunc) (GwKeyStore * store, guint removed,
    gpointer user_data);

GwKeyReload *gw_key_reload_new (GwKeyStore * store, const gchar * data_dir,
    GwKeyReloadFunc func, gpointer user_data, GError ** error);
void gw_key_reload_now (GwKeyReload * reload, const gchar * why);
void gw_key_reload_free (GwKeyReload * reload);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwKeyReload, gw_key_reload_free)

G_END_DECLS
