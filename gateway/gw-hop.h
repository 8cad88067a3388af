/* camguard-gateway - work handed to a main context's loop
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void gw_hop (GMainContext * context, GSourceFunc func, gpointer data,
    GDestroyNotify notify);
void gw_hop_later (GMainContext * context, GSourceFunc func, gpointer data,
    GDestroyNotify notify);

G_END_DECLS
