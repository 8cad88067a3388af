/* camguard-gateway - log lines: one JSON object per line, or text
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-log
 * @title: Logs
 * @short_description: the gateway's structured log writer
 *
 * The gateway logs through GLib's structured logging
 * (g_log_structured()); this writer prints one line per entry, by default
 * a JSON object:
 *
 * |[
 * {"time":"2026-12-01T23:40:01.123Z","level":"warning","camera":"door",
 *  "code":"CAMERA_UNREACHABLE","message":"..."}
 * ]|
 *
 * The fields `camera`, `code` and `request_id` come from the structured
 * fields `CAMERA`, `CODE` and `REQUEST_ID` and are left out when empty.
 * With `--log-format text` the same line reads
 * `2026-12-01T23:40:01.123Z warning [door] CAMERA_UNREACHABLE: ...`.
 * Every message goes through cg_redact(): no camera password, key or
 * token reaches a log. Debug and info lines are dropped unless
 * G_MESSAGES_DEBUG asks for them, as with GLib's default writer.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <unistd.h>

#include <camguard.h>
#include <json-glib/json-glib.h>

#include "gw-log.h"

static GwLogFormat log_format = GW_LOG_JSON;
static gint log_fd = 2;

/**
 * gw_log_format_from_string:
 * @name: (nullable): "json" or "text"
 * @format: (out): the format
 *
 * Returns: whether @name is a log format
 */
gboolean
gw_log_format_from_string (const gchar * name, GwLogFormat * format)
{
  if (g_strcmp0 (name, "json") == 0)
    *format = GW_LOG_JSON;
  else if (g_strcmp0 (name, "text") == 0)
    *format = GW_LOG_TEXT;
  else
    return FALSE;
  return TRUE;
}

static const gchar *
level_name (GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_ERROR)
    return "error";
  if (level & G_LOG_LEVEL_CRITICAL)
    return "critical";
  if (level & G_LOG_LEVEL_WARNING)
    return "warning";
  if (level & G_LOG_LEVEL_MESSAGE)
    return "notice";
  if (level & G_LOG_LEVEL_INFO)
    return "info";
  return "debug";
}

static const gchar *
field (const GLogField * fields, gsize n, const gchar * key)
{
  gsize i;

  for (i = 0; i < n; i++)
    if (g_str_equal (fields[i].key, key) && fields[i].length < 0)
      return fields[i].value;
  return NULL;
}

static void
add_member (JsonBuilder * b, const gchar * name, const gchar * value)
{
  if (value == NULL || *value == '\0')
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

/**
 * gw_log_format_line:
 * @format: JSON or text
 * @level: the entry's level
 * @fields: (array length=n_fields): the entry's structured fields
 * @n_fields: their number
 * @time_us: the entry's time (g_get_real_time())
 *
 * Returns: (transfer full): the line, without its newline, redacted
 */
gchar *
gw_log_format_line (GwLogFormat format, GLogLevelFlags level,
    const GLogField * fields, gsize n_fields, gint64 time_us)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (time_us /
      G_USEC_PER_SEC);
  g_autofree gchar *stamp = NULL;
  g_autofree gchar *message = cg_redact (field (fields, n_fields, "MESSAGE"));
  const gchar *camera = field (fields, n_fields, "CAMERA");
  const gchar *code = field (fields, n_fields, "CODE");
  const gchar *request = field (fields, n_fields, "REQUEST_ID");
  g_autoptr (JsonBuilder) b = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *date = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");

  stamp = g_strdup_printf ("%s.%03dZ", date,
      (gint) ((time_us % G_USEC_PER_SEC) / 1000));
  if (format == GW_LOG_TEXT)
    return g_strdup_printf ("%s %s%s%s%s%s%s%s%s%s%s", stamp,
        level_name (level), camera && *camera ? " [" : "",
        camera && *camera ? camera : "", camera && *camera ? "]" : "",
        request && *request ? " request " : "",
        request && *request ? request : "", code && *code ? " " : "",
        code && *code ? code : "", ": ", message ? message : "");
  b = json_builder_new ();
  json_builder_begin_object (b);
  add_member (b, "time", stamp);
  add_member (b, "level", level_name (level));
  add_member (b, "request_id", request);
  add_member (b, "camera", camera);
  add_member (b, "code", code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message ? message : "");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static GLogWriterOutput
writer (GLogLevelFlags level, const GLogField * fields, gsize n_fields,
    gpointer user_data)
{
  g_autofree gchar *line = NULL;
  gsize len, done = 0;

  if (g_log_writer_default_would_drop (level, field (fields, n_fields,
              "GLIB_DOMAIN")))
    return G_LOG_WRITER_HANDLED;
  line = gw_log_format_line (log_format, level, fields, n_fields,
      g_get_real_time ());
  len = strlen (line);
  line[len] = '\n';             /* the NUL becomes the newline */
  while (done < len + 1) {
    gssize n = write (log_fd, line + done, len + 1 - done);

    if (n <= 0)
      return G_LOG_WRITER_UNHANDLED;
    done += n;
  }
  return G_LOG_WRITER_HANDLED;
}

/**
 * gw_log_init:
 * @format: JSON or text
 * @fd: where lines go (2: stderr)
 *
 * Installs the writer for the whole process; call it once, early.
 */
void
gw_log_init (GwLogFormat format, gint fd)
{
  log_format = format;
  log_fd = fd;
  g_log_set_writer_func (writer, NULL, NULL);
}
