/* camguard - cg_redact(): secrets out of every text camguard shows
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CG_REDACT_MASK:
 *
 * What a redacted secret is replaced with.
 */
#define CG_REDACT_MASK "***"

gchar *cg_redact (const gchar * text);

gboolean cg_redact_is_secret_name (const gchar * name);

gboolean cg_redact_is_secret_quark (GQuark name);

G_END_DECLS
