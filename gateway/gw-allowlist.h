/* camguard-gateway - the element allowlist of `pipeline` cameras
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean gw_allowlist_contains (const gchar * factory);
gboolean gw_allowlist_check (const gchar * description, gchar ** problem);

G_END_DECLS
