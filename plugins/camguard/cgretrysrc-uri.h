/* camguard - retrysrc: the source description for a camera URI
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

gchar *cg_retry_src_uri_to_description (const gchar * uri, gboolean decode,
    GError ** error);

G_END_DECLS
