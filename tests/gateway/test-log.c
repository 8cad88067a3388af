/* camguard-gateway tests - the log line formatter (gw-log.c)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <json-glib/json-glib.h>

#include "gw-log.h"

/* 2026-12-02T01:02:03.456Z */
#define TIME_US (G_GINT64_CONSTANT (1796173323) * G_USEC_PER_SEC + 456789)

static JsonObject *
parse_line (const gchar * line)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_null (strchr (line, '\n'));
  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gchar *
format (const gchar * request, const gchar * camera, const gchar * code,
    const gchar * message)
{
  GLogField fields[] = {
    {"MESSAGE", message, -1},
    {"REQUEST_ID", request, -1},
    {"CAMERA", camera, -1},
    {"CODE", code, -1},
  };

  return gw_log_format_line (GW_LOG_JSON, G_LOG_LEVEL_WARNING, fields,
      G_N_ELEMENTS (fields), TIME_US);
}

static void
test_members (void)
{
  g_autofree gchar *line = format ("r-1", "door", "CAMERA_UNREACHABLE",
      "gone");
  g_autoptr (JsonObject) o = parse_line (line);

  g_assert_cmpstr (line, ==, "{\"time\":\"2026-12-02T01:02:03.456Z\","
      "\"level\":\"warning\",\"request_id\":\"r-1\",\"camera\":\"door\","
      "\"code\":\"CAMERA_UNREACHABLE\",\"message\":\"gone\"}");
  g_assert_cmpstr (json_object_get_string_member (o, "message"), ==, "gone");
}

static void
test_empty_fields_left_out (void)
{
  g_autofree gchar *line = format ("", "", "", "");
  g_autoptr (JsonObject) o = parse_line (line);

  g_assert_false (json_object_has_member (o, "request_id"));
  g_assert_false (json_object_has_member (o, "camera"));
  g_assert_false (json_object_has_member (o, "code"));
  g_assert_cmpstr (json_object_get_string_member (o, "message"), ==, "");
}

/* Quotes, backslashes, control characters, DEL and invalid UTF-8 in any
 * field still give one line of valid JSON with the text read back. */
static void
test_escapes (void)
{
  const gchar *nasty = "a\"b\\c\nd\te\r\x01\x1f\x7f \xc3\xa9";
  g_autofree gchar *line = format (nasty, nasty, nasty, nasty);
  g_autoptr (JsonObject) o = parse_line (line);

  g_assert_cmpstr (json_object_get_string_member (o, "message"), ==, nasty);
  g_assert_cmpstr (json_object_get_string_member (o, "camera"), ==, nasty);
  g_free (g_steal_pointer (&line));
  line = format ("r", "cam\xff", NULL, "bad \xfe\xff utf-8");
  {
    g_autoptr (JsonObject) o2 = parse_line (line);

    g_assert_true (g_str_has_prefix (json_object_get_string_member (o2,
                "message"), "bad "));
    g_assert_true (g_str_has_prefix (json_object_get_string_member (o2,
                "camera"), "cam"));
  }
}

static void
test_secrets_redacted (void)
{
  g_autofree gchar *line = format ("r", NULL, NULL,
      "opening rtsp://admin:hunter2@192.0.2.1/s user-pw=hunter2");

  g_assert_null (strstr (line, "hunter2"));
  json_object_unref (parse_line (line));
}

static void
test_text (void)
{
  GLogField fields[] = {
    {"MESSAGE", "gone", -1},
    {"CAMERA", "door", -1},
    {"CODE", "CAMERA_UNREACHABLE", -1},
  };
  g_autofree gchar *line = gw_log_format_line (GW_LOG_TEXT,
      G_LOG_LEVEL_WARNING, fields, G_N_ELEMENTS (fields), TIME_US);

  g_assert_cmpstr (line, ==, "2026-12-02T01:02:03.456Z warning [door] "
      "CAMERA_UNREACHABLE: gone");
}

/* What the pipe holds now (non-blocking). */
static gchar *
drain (gint fd)
{
  GString *out = g_string_new (NULL);
  gchar buf[4096];
  gssize n;

  while ((n = read (fd, buf, sizeof buf)) > 0)
    g_string_append_len (out, buf, n);
  return g_string_free (out, FALSE);
}

/* The read end of the pipe the log writes to (set up once: the log's
 * writer can be installed only once per process). */
static gint
log_pipe (void)
{
  static gint fds[2] = { -1, -1 };

  if (fds[0] < 0) {
    g_assert_cmpint (pipe (fds), ==, 0);
    g_assert_cmpint (fcntl (fds[0], F_SETFL, O_NONBLOCK), ==, 0);
    gw_log_init (GW_LOG_JSON, fds[1]);
  }
  return fds[0];
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Buffered access lines: a notice waits for the context's loop (at most
 * 100 ms), a warning goes out at once after what waited (in order), and
 * gw_log_flush() writes what waits. */
static void
test_buffered (void)
{
  g_autoptr (GMainContext) ctx = g_main_context_new ();
  g_autofree gchar *first = NULL, *later = NULL, *warned = NULL;
  g_autofree gchar *flushed = NULL;
  gboolean timeout = FALSE;
  GSource *guard;
  gint fd = log_pipe ();

  gw_log_set_buffered (ctx);

  gw_log_request (G_LOG_LEVEL_MESSAGE, "r-1", "GET /a 200");
  first = drain (fd);
  g_assert_cmpstr (first, ==, "");
  /* the loop writes it: bounded wait, which only detects a hang */
  guard = g_timeout_source_new (5000);
  g_source_set_callback (guard, set_flag, &timeout, NULL);
  g_source_attach (guard, ctx);
  while (!timeout && strstr ((later = drain (fd)), "r-1") == NULL) {
    g_free (later);
    later = NULL;
    g_main_context_iteration (ctx, TRUE);
  }
  g_source_destroy (guard);
  g_source_unref (guard);
  g_assert_false (timeout);
  g_assert_nonnull (strstr (later, "\"request_id\":\"r-1\""));

  gw_log_request (G_LOG_LEVEL_MESSAGE, "r-2", "GET /b 200");
  gw_log_request (G_LOG_LEVEL_WARNING, "r-3", "GET /c 500");
  warned = drain (fd);
  g_assert_nonnull (strstr (warned, "r-2"));
  g_assert_true (strstr (warned, "r-2") < strstr (warned, "r-3"));

  gw_log_request (G_LOG_LEVEL_MESSAGE, "r-4", "GET /d 200");
  gw_log_flush ();
  flushed = drain (fd);
  g_assert_nonnull (strstr (flushed, "r-4"));

  gw_log_set_buffered (NULL);
}

/* @line without the value of its "time" member. */
static gchar *
timeless (const gchar * line)
{
  g_autoptr (GRegex) re = g_regex_new ("\"time\":\"[^\"]*\"", 0, 0, NULL);

  return g_regex_replace_literal (re, line, -1, 0, "\"time\":\"\"", 0, NULL);
}

/* The access line: the same text whether it is written straight into the
 * waiting lines (parts that need neither escaping nor redaction) or put
 * together and written by gw_log_request(). */
static void
test_access_line (void)
{
  g_autoptr (GMainContext) ctx = g_main_context_new ();
  const struct
  {
    const gchar *path;
    guint status;
    const gchar *key;
    const gchar *message;
  } cases[] = {
    {"/api/v1/cameras/demo/status", 200, "bench",
        "GET /api/v1/cameras/demo/status 200 0.4 ms key bench"},
    {"/api/v1/nope", 404, NULL, "GET /api/v1/nope 404 0.4 ms"},
    {"/a\"b", 200, NULL, "GET /a\"b 200 0.4 ms"},
    {"/x?token=abc", 200, "k", "GET /x?token=abc 200 0.4 ms key k"},
    {"/api/v1/cameras", 503, "bench",
        "GET /api/v1/cameras 503 0.4 ms key bench"},
  };
  gint fd = log_pipe ();
  guint i;

  gw_log_set_buffered (ctx);
  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree gchar *direct = NULL, *composed = NULL;
    g_autofree gchar *a = NULL, *b = NULL;

    gw_log_access ("r-9", "GET", cases[i].path, cases[i].status, 0.44,
        cases[i].key);
    gw_log_flush ();
    direct = drain (fd);
    gw_log_request (cases[i].status >= 500 ? G_LOG_LEVEL_WARNING :
        G_LOG_LEVEL_MESSAGE, "r-9", cases[i].message);
    gw_log_flush ();
    composed = drain (fd);
    a = timeless (direct);
    b = timeless (composed);
    g_assert_cmpstr (a, ==, b);
    g_assert_nonnull (strstr (a, cases[i].status >= 500 ? "\"warning\"" :
            "\"notice\""));
    /* a secret goes through cg_redact() on the way */
    g_assert_null (strstr (a, "abc"));
  }
  gw_log_set_buffered (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/log/members", test_members);
  g_test_add_func ("/log/empty-fields-left-out", test_empty_fields_left_out);
  g_test_add_func ("/log/escapes", test_escapes);
  g_test_add_func ("/log/secrets-redacted", test_secrets_redacted);
  g_test_add_func ("/log/text", test_text);
  g_test_add_func ("/log/buffered", test_buffered);
  g_test_add_func ("/log/access-line", test_access_line);
  return g_test_run ();
}
