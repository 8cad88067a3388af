/* camguard-gateway - tests: the one HTTP request path (routing, auth,
 * errors, request ids, paused answers, access log), with a real SoupServer
 * on 127.0.0.1 and a real SoupSession client
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "http-fixture.h"

static void
test_ok_and_params (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/api/v1/cameras/door",
      f->viewer);
  g_autoptr (JsonNode) node = run (f, msg, NULL);

  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (member (node, "id"), ==, "door");
  g_assert_nonnull (resp_header (msg, "X-Request-Id"));
}

static void
test_query (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET",
      "/api/v1/cameras?state=failed%20now&x=1", f->viewer);
  g_autoptr (JsonNode) node = run (f, msg, NULL);

  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (member (node, "state"), ==, "failed now");
}

static void
test_request_id (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) a = new_msg (f, "GET", "/api/v1/cameras", f->viewer);
  g_autoptr (SoupMessage) b = new_msg (f, "GET", "/api/v1/cameras", f->viewer);
  g_autoptr (SoupMessage) c = new_msg (f, "GET", "/api/v1/cameras", f->viewer);
  g_autoptr (SoupMessage) d = new_msg (f, "GET", "/nope", NULL);
  g_autofree gchar *longid = g_strnfill (300, 'a');
  g_autoptr (JsonNode) n1 = NULL, n2 = NULL, n3 = NULL, n4 = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (a),
      "X-Request-Id", "client-42.a:b_c");
  n1 = run (f, a, NULL);
  g_assert_cmpstr (resp_header (a, "X-Request-Id"), ==, "client-42.a:b_c");

  /* Not sane (a space, too long): replaced by a new one. */
  soup_message_headers_replace (soup_message_get_request_headers (b),
      "X-Request-Id", "has space");
  n2 = run (f, b, NULL);
  g_assert_nonnull (resp_header (b, "X-Request-Id"));
  g_assert_cmpstr (resp_header (b, "X-Request-Id"), !=, "has space");
  soup_message_headers_replace (soup_message_get_request_headers (c),
      "X-Request-Id", longid);
  n3 = run (f, c, NULL);
  g_assert_cmpstr (resp_header (c, "X-Request-Id"), !=, longid);
  g_assert_cmpstr (resp_header (c, "X-Request-Id"), !=,
      resp_header (b, "X-Request-Id"));

  /* An error answer echoes too. */
  soup_message_headers_replace (soup_message_get_request_headers (d),
      "X-Request-Id", "err-1");
  n4 = run (f, d, NULL);
  assert_error (d, n4, 404, "METHOD_NOT_FOUND");
  g_assert_cmpstr (member (n4, "request_id"), ==, "err-1");
}

static void
test_401_no_credentials (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/api/v1/cameras", NULL);
  g_autoptr (JsonNode) node = run (f, msg, NULL);

  assert_error (msg, node, 401, "AUTHENTICATION_REQUIRED");
  g_assert_cmpstr (resp_header (msg, "WWW-Authenticate"), ==,
      "Bearer realm=\"camguard\"");
}

static void
test_401_invalid_key (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) a = new_msg (f, "GET", "/api/v1/cameras",
      "cgk_not-a-key");
  g_autoptr (SoupMessage) b = new_msg (f, "GET", "/api/v1/cameras", NULL);
  g_autoptr (JsonNode) n1 = run (f, a, NULL);
  g_autoptr (JsonNode) n2 = NULL;
  guint i;

  assert_error (a, n1, 401, "INVALID_API_KEY");
  g_assert_true (g_str_has_prefix (resp_header (a, "WWW-Authenticate"),
          "Bearer realm=\"camguard\""));
  /* The same through X-API-Key. */
  soup_message_headers_replace (soup_message_get_request_headers (b),
      "X-API-Key", "cgk_other");
  n2 = run (f, b, NULL);
  assert_error (b, n2, 401, "INVALID_API_KEY");
  g_assert_nonnull (resp_header (b, "WWW-Authenticate"));

  /* No key reaches the access log, good or bad. */
  wait_log (f, 2);
  g_assert_cmpuint (f->log->len, ==, 2);
  for (i = 0; i < f->log->len; i++) {
    g_assert_null (strstr (g_ptr_array_index (f->log, i), "cgk_"));
  }
}

static void
test_x_api_key_ok (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/api/v1/cameras", NULL);
  g_autoptr (JsonNode) node = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "X-API-Key", f->operator);
  node = run (f, msg, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (member (node, "key"), ==, "operator");
}

static void
test_403_role_too_low (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) a = new_msg (f, "POST",
      "/api/v1/cameras/door/start", f->viewer);
  g_autoptr (SoupMessage) b = new_msg (f, "POST",
      "/api/v1/cameras/door/start", f->operator);
  g_autoptr (JsonNode) n1 = run (f, a, NULL);
  g_autoptr (JsonNode) n2 = run (f, b, NULL);

  assert_error (a, n1, 403, "INSUFFICIENT_PERMISSIONS");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member
          (json_node_get_object (n1), "details"), "required_role"), ==,
      "operator");
  g_assert_cmpuint (soup_message_get_status (b), ==, 200);
  g_assert_cmpstr (member (n2, "started"), ==, "door");
}

static void
test_404_unknown_route (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) a = new_msg (f, "GET", "/api/v1/nothing/here",
      f->admin);
  g_autoptr (SoupMessage) b = new_msg (f, "GET", "/api/v1/cameras//", NULL);
  g_autoptr (JsonNode) n1 = run (f, a, NULL);
  g_autoptr (JsonNode) n2 = run (f, b, NULL);

  assert_error (a, n1, 404, "METHOD_NOT_FOUND");
  /* An empty {id} segment is no match (and the 404 needs no key). */
  assert_error (b, n2, 404, "METHOD_NOT_FOUND");
}

static void
test_405_allow (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "DELETE", "/api/v1/cameras",
      f->admin);
  g_autoptr (JsonNode) node = run (f, msg, NULL);

  assert_error (msg, node, 405, "METHOD_NOT_ALLOWED");
  g_assert_cmpstr (resp_header (msg, "Allow"), ==, "GET, HEAD, POST");
}

static void
test_problem_json (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/api/v1/nothing", NULL);
  g_autoptr (JsonNode) node = NULL;
  JsonObject *o;

  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "Accept", "application/problem+json, application/json;q=0.5");
  node = run (f, msg, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 404);
  g_assert_cmpstr (soup_message_headers_get_content_type
      (soup_message_get_response_headers (msg), NULL), ==,
      "application/problem+json");
  o = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (o, "status"), ==, 404);
  g_assert_nonnull (member (node, "title"));
  g_assert_nonnull (member (node, "type"));
  g_assert_nonnull (member (node, "detail"));
  g_assert_cmpstr (member (node, "instance"), ==, "/api/v1/nothing");
  g_assert_cmpstr (member (node, "error_code"), ==, "METHOD_NOT_FOUND");
  g_assert_cmpstr (member (node, "request_id"), ==,
      resp_header (msg, "X-Request-Id"));

  /* Without the Accept header: the flat body, as application/json. */
  g_clear_pointer (&node, json_node_unref);
  g_clear_object (&msg);
  msg = new_msg (f, "GET", "/api/v1/nothing", NULL);
  node = run (f, msg, NULL);
  assert_error (msg, node, 404, "METHOD_NOT_FOUND");
  g_assert_cmpstr (soup_message_headers_get_content_type
      (soup_message_get_response_headers (msg), NULL), ==, "application/json");
  g_assert_false (json_object_has_member (json_node_get_object (node),
          "title"));
}

static void
test_paused_reply_from_thread (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/api/v1/slow", f->viewer);
  g_autoptr (JsonNode) node = run (f, msg, NULL);

  g_assert_nonnull (f->reply_thread);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (member (node, "thread"), ==, "worker");
  g_assert_nonnull (resp_header (msg, "X-Request-Id"));
}

static void
test_paused_timeout (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/api/v1/never", f->viewer);
  g_autoptr (JsonNode) node = NULL;

  gw_router_set_reply_timeout (f->router, 20);
  node = run (f, msg, NULL);
  assert_error (msg, node, 504, "OPERATION_TIMEOUT");
  /* Regression: the timeout's answer carried the headers the handler had
   * staged for its own answer. */
  g_assert_null (resp_header (msg, "X-Frame-Age-Ms"));
}

static void
test_forgetful_handler (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/api/v1/forgetful",
      f->viewer);
  g_autoptr (JsonNode) node = NULL;

  g_test_expect_message ("camguard-gateway", G_LOG_LEVEL_WARNING,
      "*without an answer*");
  node = run (f, msg, NULL);
  g_test_assert_expected_messages ();
  assert_error (msg, node, 500, "INTERNAL_ERROR");
}

static void
test_bytes_and_headers (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET",
      "/api/v1/cameras/door/snapshot", f->viewer);
  g_autoptr (GBytes) raw = NULL;
  g_autoptr (JsonNode) node = run (f, msg, &raw);
  const guint8 *p = g_bytes_get_data (raw, NULL);

  g_assert_null (node);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type
      (soup_message_get_response_headers (msg), NULL), ==, "image/jpeg");
  g_assert_cmpstr (resp_header (msg, "X-Frame-Age-Ms"), ==, "12");
  g_assert_cmpuint (g_bytes_get_size (raw), ==, 4);
  g_assert_cmpuint (p[0], ==, 0xff);
  g_assert_cmpuint (p[1], ==, 0xd8);
}

static void
test_health_open (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/health", NULL);
  g_autoptr (JsonNode) node = run (f, msg, NULL);

  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (member (node, "status"), ==, "healthy");
}

static void
test_head_is_get (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "HEAD", "/health", NULL);
  g_autoptr (GBytes) raw = NULL;
  g_autoptr (JsonNode) node = run (f, msg, &raw);

  g_assert_null (node);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpuint (g_bytes_get_size (raw), ==, 0);
  g_assert_nonnull (resp_header (msg, "X-Request-Id"));
}

static void
test_access_log_and_metrics (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) a = new_msg (f, "GET", "/api/v1/cameras/door",
      f->viewer);
  g_autoptr (SoupMessage) b = new_msg (f, "GET", "/api/v1/none", NULL);
  g_autoptr (JsonNode) n1 = run (f, a, NULL);
  g_autoptr (JsonNode) n2 = run (f, b, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o;

  wait_log (f, 2);
  g_assert_cmpuint (f->log->len, ==, 2);
  g_assert_true (json_parser_load_from_data (parser,
          g_ptr_array_index (f->log, 0), -1, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "request_id"), ==,
      resp_header (a, "X-Request-Id"));
  g_assert_cmpstr (json_object_get_string_member (o, "method"), ==, "GET");
  g_assert_cmpstr (json_object_get_string_member (o, "path"), ==,
      "/api/v1/cameras/door");
  g_assert_cmpint (json_object_get_int_member (o, "status"), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (o, "key"), ==, "viewer");
  g_assert_true (json_object_has_member (o, "duration_ms"));
  {
    g_autoptr (GDateTime) t =
        g_date_time_new_from_iso8601 (json_object_get_string_member (o,
            "time"), NULL);

    g_assert_nonnull (t);
    g_assert_true (g_str_has_suffix (json_object_get_string_member (o,
                "time"), "Z"));
    g_assert_cmpint (g_date_time_get_year (t), >=, 2024);
  }
  g_assert_null (strstr (g_ptr_array_index (f->log, 0), f->viewer));

  g_assert_cmpstr (g_ptr_array_index (f->metrics, 0), ==,
      "GET /api/v1/cameras/{id} 200");
  g_assert_cmpstr (g_ptr_array_index (f->metrics, 1), ==, "GET - 404");
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gdouble
logged_duration (Fixture * f, guint i)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser,
          g_ptr_array_index (f->log, i), -1, NULL));
  return json_object_get_double_member (json_node_get_object
      (json_parser_get_root (parser)), "duration_ms");
}

/* duration_ms runs from "request-started" to "finished"; libsoup 3.2
 * emits "request-started" for the next request of a keep-alive connection
 * only when that request arrives, so idle time is not counted. No clock
 * bound here: the server's duration of a request must fit in the client's
 * own send-to-answer time. */
static void
test_duration_excludes_idle_keepalive (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) a = new_msg (f, "GET", "/health", NULL);
  g_autoptr (SoupMessage) b = new_msg (f, "GET", "/health", NULL);
  g_autoptr (JsonNode) n1 = run (f, a, NULL);
  g_autoptr (JsonNode) n2 = NULL;
  gboolean idle_over = FALSE;
  gint64 t0;
  gdouble client_ms;

  wait_log (f, 1);
  /* The connection stays open and idle for a while. */
  g_timeout_add (50, set_flag, &idle_over);
  wait_until (&idle_over);
  t0 = g_get_monotonic_time ();
  n2 = run (f, b, NULL);
  client_ms = (g_get_monotonic_time () - t0) / 1000.0;
  wait_log (f, 2);
  g_assert_cmpuint (soup_message_get_connection_id (a), ==,
      soup_message_get_connection_id (b));
  g_assert_cmpfloat (logged_duration (f, 1), <=, client_ms);
}

static void
test_auth_off (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "POST", "/api/v1/cameras", NULL);
  g_autoptr (JsonNode) node = NULL;

  set_body (msg, "{\"id\": \"x\"}");
  node = run (f, msg, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (member (node, "created"), ==, "x");
}


int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) \
  g_test_add ("/gw-http/" path, Fixture, GINT_TO_POINTER (FALSE), \
      fixture_setup, fn, fixture_teardown)
  ADD ("ok-and-params", test_ok_and_params);
  ADD ("query", test_query);
  ADD ("request-id", test_request_id);
  ADD ("401-no-credentials", test_401_no_credentials);
  ADD ("401-invalid-key", test_401_invalid_key);
  ADD ("x-api-key", test_x_api_key_ok);
  ADD ("403-role-too-low", test_403_role_too_low);
  ADD ("404-unknown-route", test_404_unknown_route);
  ADD ("405-allow", test_405_allow);
  ADD ("problem-json", test_problem_json);
  ADD ("paused-reply-from-thread", test_paused_reply_from_thread);
  ADD ("paused-timeout", test_paused_timeout);
  ADD ("forgetful-handler", test_forgetful_handler);
  ADD ("bytes-and-headers", test_bytes_and_headers);
  ADD ("health-open", test_health_open);
  ADD ("head-is-get", test_head_is_get);
  ADD ("access-log-and-metrics", test_access_log_and_metrics);
  ADD ("duration-excludes-idle-keepalive",
      test_duration_excludes_idle_keepalive);
#undef ADD
  g_test_add ("/gw-http/auth-off", Fixture, GINT_TO_POINTER (TRUE),
      fixture_setup, test_auth_off, fixture_teardown);
  return g_test_run ();
}
