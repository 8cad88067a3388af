/* camguard-gateway - log lines: one JSON object per line, or text
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  GW_LOG_JSON,
  GW_LOG_TEXT,
} GwLogFormat;

gboolean gw_log_format_from_string (const gchar * name, GwLogFormat * format);
void gw_log_init (GwLogFormat format, gint fd);
gchar *gw_log_format_line (GwLogFormat format, GLogLevelFlags level,
    const GLogField * fields, gsize n_fields, gint64 time_us);
void gw_log_request (GLogLevelFlags level, const gchar * request_id,
    const gchar * message);
void gw_log_access (const gchar * request_id, const gchar * method,
    const gchar * path, guint status, gdouble duration_ms,
    const gchar * key_name);
void gw_log_set_buffered (GMainContext * context);
void gw_log_flush (void);

G_END_DECLS
