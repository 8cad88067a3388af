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
 * token reaches a log. The access lines of gw_log_request() may wait up to
 * 100 ms to be written together (gw_log_set_buffered()): under load one
 * write carries many requests. Debug and info lines are dropped unless
 * G_MESSAGES_DEBUG asks for them, as with GLib's default writer.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <camguard.h>

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

/* One member of the line that starts at @start of @out (its first has no
 * comma); left out when @value is empty. */
static void
add_member (GString * out, gsize start, const gchar * name, const gchar * value)
{
  if (value == NULL || *value == '\0')
    return;
  if (out->len > start + 1)
    g_string_append_c (out, ',');
  g_string_append_c (out, '"');
  g_string_append (out, name);
  g_string_append_len (out, "\":", 2);
  cg_json_append_string (out, value);
}

/* "2026-12-02T01:02:03.456Z" into @buf: the date part is formatted once a
 * second per thread (every request writes a line). */
static void
format_stamp (gint64 time_us, gchar buf[32])
{
  static _Thread_local gint64 cached_sec = G_MININT64;
  static _Thread_local gchar cached_date[24];
  gint64 sec = time_us / G_USEC_PER_SEC;

  if (sec != cached_sec) {
    g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (sec);
    g_autofree gchar *date = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");

    g_strlcpy (cached_date, date, sizeof cached_date);
    cached_sec = sec;
  }
  gint ms = (gint) ((time_us % G_USEC_PER_SEC) / 1000);
  gsize n = strlen (cached_date);

  memcpy (buf, cached_date, n);
  buf[n] = '.';
  buf[n + 1] = '0' + ms / 100;
  buf[n + 2] = '0' + ms / 10 % 10;
  buf[n + 3] = '0' + ms % 10;
  buf[n + 4] = 'Z';
  buf[n + 5] = '\0';
}

/* The JSON line of an entry (no newline) at the end of @out; @message is
 * redacted already. */
static void
append_json_line (GString * out, GLogLevelFlags level, const gchar * request,
    const gchar * camera, const gchar * code, const gchar * message,
    const gchar * stamp)
{
  gsize start = out->len;

  /* the time and the level need no escaping */
  g_string_append_len (out, "{\"time\":\"", 9);
  g_string_append (out, stamp);
  g_string_append_len (out, "\",\"level\":\"", 11);
  g_string_append (out, level_name (level));
  g_string_append_c (out, '"');
  add_member (out, start, "request_id", request);
  add_member (out, start, "camera", camera);
  add_member (out, start, "code", code);
  g_string_append_len (out, ",\"message\":", 11);
  cg_json_append_string (out, message ? message : "");
  g_string_append_c (out, '}');
}

static gchar *
format_line (GwLogFormat format, GLogLevelFlags level,
    const gchar * request, const gchar * camera, const gchar * code,
    const gchar * raw_message, gint64 time_us)
{
  gchar stamp[32];
  g_autofree gchar *message = cg_redact (raw_message);
  GString *out;

  format_stamp (time_us, stamp);
  if (format == GW_LOG_TEXT)
    return g_strdup_printf ("%s %s%s%s%s%s%s%s%s%s%s", stamp,
        level_name (level), camera && *camera ? " [" : "",
        camera && *camera ? camera : "", camera && *camera ? "]" : "",
        request && *request ? " request " : "",
        request && *request ? request : "", code && *code ? " " : "",
        code && *code ? code : "", ": ", message ? message : "");
  out = g_string_sized_new (160);
  append_json_line (out, level, request, camera, code, message, stamp);
  return g_string_free (out, FALSE);
}

/**
 * gw_log_format_line:
 * @format: JSON or text
 * @level: the level
 * @fields: (array length=n_fields): the structured fields
 * @n_fields: their number
 * @time_us: the time of the entry (UNIX, microseconds)
 *
 * The line for one log entry, without its newline.
 *
 * Returns: (transfer full): the line
 */
gchar *
gw_log_format_line (GwLogFormat format, GLogLevelFlags level,
    const GLogField * fields, gsize n_fields, gint64 time_us)
{
  return format_line (format, level, field (fields, n_fields, "REQUEST_ID"),
      field (fields, n_fields, "CAMERA"), field (fields, n_fields, "CODE"),
      field (fields, n_fields, "MESSAGE"), time_us);
}

/* ---------------------------------------------------------------------- */
/* Output                                                                 */
/* ---------------------------------------------------------------------- */

/* Access lines (notice, one per request) wait in `pending` and go out in
 * one write when it holds PENDING_MAX bytes or FLUSH_MS after the first
 * one; every other line first writes what waits, so the order is kept.
 * A crash loses at most FLUSH_MS of access lines; an exit writes them
 * (gw_log_flush() at exit). */
#define PENDING_MAX 16384
#define FLUSH_MS 100

static GMutex out_lock;
static GString *pending;
static GSource *flush_source;
static GMainContext *flush_context;     /* NULL: no buffering */

static gboolean
write_all (const gchar * data, gsize len)
{
  gsize done = 0;

  while (done < len) {
    gssize n = write (log_fd, data + done, len - done);

    if (n <= 0)
      return FALSE;
    done += n;
  }
  return TRUE;
}

static void
flush_locked (void)
{
  if (pending == NULL || pending->len == 0)
    return;
  write_all (pending->str, pending->len);
  g_string_truncate (pending, 0);
}

static gboolean
flush_cb (gpointer data)
{
  g_mutex_lock (&out_lock);
  flush_locked ();
  g_clear_pointer (&flush_source, g_source_unref);
  g_mutex_unlock (&out_lock);
  return G_SOURCE_REMOVE;
}

/**
 * gw_log_flush:
 *
 * Writes the access lines that wait. Called at exit, and by anything that
 * must see the log complete now.
 */
void
gw_log_flush (void)
{
  g_mutex_lock (&out_lock);
  flush_locked ();
  g_mutex_unlock (&out_lock);
}

/* @line (its NUL becomes the newline) after what waits. */
static GLogWriterOutput
write_line (gchar * line)
{
  gsize len = strlen (line);
  gboolean ok;

  line[len] = '\n';
  g_mutex_lock (&out_lock);
  flush_locked ();
  ok = write_all (line, len + 1);
  g_mutex_unlock (&out_lock);
  return ok ? G_LOG_WRITER_HANDLED : G_LOG_WRITER_UNHANDLED;
}

/* After a line was added to `pending` (lock held): written when it is
 * full, else within FLUSH_MS. */
static void
pending_added_locked (void)
{
  if (pending->len >= PENDING_MAX) {
    flush_locked ();
  } else if (flush_source == NULL) {
    flush_source = g_timeout_source_new (FLUSH_MS);
    g_source_set_callback (flush_source, flush_cb, NULL, NULL);
    g_source_attach (flush_source, flush_context);
  }
}

/* A notice of gw_log_request() to wait with the others; FALSE when lines
 * are not buffered. */
static gboolean
pend_request_line (GLogLevelFlags level, const gchar * request_id,
    const gchar * message, gint64 now)
{
  g_autofree gchar *redacted = NULL;
  gchar stamp[32];

  g_mutex_lock (&out_lock);
  if (flush_context == NULL) {
    g_mutex_unlock (&out_lock);
    return FALSE;
  }
  if (pending == NULL)
    pending = g_string_sized_new (PENDING_MAX + 1024);
  if (log_format == GW_LOG_TEXT) {
    g_autofree gchar *line = format_line (log_format, level, request_id, NULL,
        NULL, message, now);

    g_string_append (pending, line);
  } else {
    /* the common case, every request: straight into the waiting lines */
    redacted = cg_redact (message);
    format_stamp (now, stamp);
    append_json_line (pending, level, request_id, NULL, NULL, redacted, stamp);
  }
  g_string_append_c (pending, '\n');
  pending_added_locked ();
  g_mutex_unlock (&out_lock);
  return TRUE;
}

/**
 * gw_log_request:
 * @level: the level
 * @request_id: the request's id
 * @message: the message
 *
 * Writes one line for a request, as g_log_structured() with `REQUEST_ID`
 * would, without its cost: the access log writes one for every request.
 * Notices wait up to 100 ms to be written with others (see
 * gw_log_set_buffered()); warnings and worse are written at once.
 */
void
gw_log_request (GLogLevelFlags level, const gchar * request_id,
    const gchar * message)
{
  g_autofree gchar *line = NULL;
  gint64 now;

  if (g_log_writer_default_would_drop (level, G_LOG_DOMAIN))
    return;
  now = g_get_real_time ();
  if (!(level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
              G_LOG_LEVEL_WARNING))
      && pend_request_line (level, request_id, message, now))
    return;
  line = format_line (log_format, level, request_id, NULL, NULL, message, now);
  write_line (line);
}

/* Bytes that a JSON string must escape, and the two after which
 * cg_redact() looks for secrets ('=' and ':'): a part of an access line
 * without any of them is written as it is. */
#define B1(c) ((c) < 0x20 || (c) >= 0x7f || (c) == '"' || (c) == '\\' \
      || (c) == '=' || (c) == ':')
#define B4(c) B1 (c), B1 (c + 1), B1 (c + 2), B1 (c + 3)
#define B16(c) B4 (c), B4 (c + 4), B4 (c + 8), B4 (c + 12)
#define B64(c) B16 (c), B16 (c + 16), B16 (c + 32), B16 (c + 48)
static const guint8 not_plain[256] = { B64 (0), B64 (64), B64 (128),
  B64 (192)
};

#undef B64
#undef B16
#undef B4
#undef B1

/* strlen (@s), or G_MAXSIZE when @s holds a byte of not_plain. */
static gsize
plain_length (const gchar * s)
{
  const guchar *p = (const guchar *) s;

  while (*p && !not_plain[*p])
    p++;
  return *p ? G_MAXSIZE : (gsize) (p - (const guchar *) s);
}

/* Appends the @n strings of @parts (of lengths @lens) to @out. */
static void
append_parts (GString * out, const gchar * const *parts, const gsize * lens,
    guint n)
{
  gsize total = 0, at = out->len;
  guint i;

  for (i = 0; i < n; i++)
    total += lens[i];
  g_string_set_size (out, at + total);
  for (i = 0; i < n; at += lens[i++])
    memcpy (out->str + at, parts[i], lens[i]);
}

/* @n in decimal, at the end of @buf (16 bytes). */
static const gchar *
uint_text (guint n, gchar buf[16])
{
  gchar *p = buf + 15;

  *p = '\0';
  do {
    *--p = '0' + n % 10;
    n /= 10;
  } while (n);
  return p;
}

/**
 * gw_log_access:
 * @request_id: the request's id
 * @method: its method
 * @path: its path, redacted
 * @status: the status answered
 * @duration_ms: how long it took
 * @key_name: (nullable): the name of the caller's key (never the key)
 *
 * The access line of one request: gw_log_request() of
 * "METHOD PATH STATUS 0.4 ms[ key NAME]", a warning for a 5xx. A notice
 * whose parts need neither escaping nor redaction (the usual request) is
 * written straight into the waiting lines, with no message put together
 * first; the line is the same.
 */
void
gw_log_access (const gchar * request_id, const gchar * method,
    const gchar * path, guint status, gdouble duration_ms,
    const gchar * key_name)
{
  guint tenths = (guint) (duration_ms * 10 + 0.5);
  gchar code[16], whole[16], frac[2] = { '0' + tenths % 10, '\0' };
  const gchar *parts[] = { method, " ", path, " ", uint_text (status, code),
    " ", uint_text (tenths / 10, whole), ".", frac, " ms",
    key_name ? " key " : "", key_name ? key_name : ""
  };
  gsize lens[G_N_ELEMENTS (parts)], len = 0, i;
  gboolean direct = status < 500 && request_id && *request_id;
  g_autofree gchar *message = NULL;
  gchar *at;

  for (i = 0; i < G_N_ELEMENTS (parts); i++) {
    lens[i] = plain_length (parts[i]);
    if (lens[i] == G_MAXSIZE) {
      direct = FALSE;
      lens[i] = strlen (parts[i]);
    }
    len += lens[i];
  }
  if (direct && plain_length (request_id) != G_MAXSIZE
      && !g_log_writer_default_would_drop (G_LOG_LEVEL_MESSAGE, G_LOG_DOMAIN)) {
    gchar stamp[32];
    const gchar *head[] = { "{\"time\":\"", stamp,
      "\",\"level\":\"notice\",\"request_id\":\"", request_id,
      "\",\"message\":\""
    };
    gsize head_lens[G_N_ELEMENTS (head)];

    g_mutex_lock (&out_lock);
    if (flush_context && log_format == GW_LOG_JSON) {
      if (pending == NULL)
        pending = g_string_sized_new (PENDING_MAX + 1024);
      format_stamp (g_get_real_time (), stamp);
      for (i = 0; i < G_N_ELEMENTS (head); i++)
        head_lens[i] = strlen (head[i]);
      append_parts (pending, head, head_lens, G_N_ELEMENTS (head));
      append_parts (pending, parts, lens, G_N_ELEMENTS (parts));
      g_string_append_len (pending, "\"}\n", 3);
      pending_added_locked ();
      g_mutex_unlock (&out_lock);
      return;
    }
    g_mutex_unlock (&out_lock);
  }
  at = message = g_malloc (len + 1);
  for (i = 0; i < G_N_ELEMENTS (parts); at += lens[i++])
    memcpy (at, parts[i], lens[i]);
  *at = '\0';
  gw_log_request (status >= 500 ? G_LOG_LEVEL_WARNING : G_LOG_LEVEL_MESSAGE,
      request_id, message);
}

static GLogWriterOutput
writer (GLogLevelFlags level, const GLogField * fields, gsize n_fields,
    gpointer user_data)
{
  g_autofree gchar *line = NULL;

  if (g_log_writer_default_would_drop (level, field (fields, n_fields,
              "GLIB_DOMAIN")))
    return G_LOG_WRITER_HANDLED;
  line = gw_log_format_line (log_format, level, fields, n_fields,
      g_get_real_time ());
  return write_line (line);
}

/**
 * gw_log_set_buffered:
 * @context: (nullable): the main context whose loop writes the waiting
 *   access lines, or %NULL to write every line at once
 *
 * Lets the access lines of gw_log_request() wait (at most 100 ms or
 * 16 KiB) and go out in one write: one system call for many requests
 * under load. Lines wait only while @context's loop runs; gw_log_flush()
 * runs at exit.
 */
void
gw_log_set_buffered (GMainContext * context)
{
  static gsize registered;

  g_mutex_lock (&out_lock);
  flush_locked ();
  if (flush_source) {
    g_source_destroy (flush_source);
    g_clear_pointer (&flush_source, g_source_unref);
  }
  if (flush_context)
    g_main_context_unref (flush_context);
  flush_context = context ? g_main_context_ref (context) : NULL;
  g_mutex_unlock (&out_lock);
  if (g_once_init_enter (&registered)) {
    atexit (gw_log_flush);
    g_once_init_leave (&registered, 1);
  }
}

void
gw_log_init (GwLogFormat format, gint fd)
{
  log_format = format;
  log_fd = fd;
  g_log_set_writer_func (writer, NULL, NULL);
}
