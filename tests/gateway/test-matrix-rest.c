/* camguard-gateway - every REST route x every credential, and every error
 * path of the REST API, against the real binary
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The routes come from `camguard-gateway --list-routes` (the router's own
 * table), so a route added later is in the matrix without a change here.
 *
 * Usage (meson passes it): test-matrix-rest CAMGUARD-GATEWAY
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>

#include "matrix-fixture.h"

#define NO_CAMERA "no-such-camera"
#define PROBLEM "application/problem+json"
#define BODY_LIMIT (1024 * 1024)

static MxGateway gw;

static const gchar *const accepts[] = { NULL, PROBLEM };

static gboolean
has_param (const MxRoute * r)
{
  return strchr (r->pattern, '{') != NULL;
}

static gboolean
takes_body (const gchar * method)
{
  return g_str_equal (method, "POST") || g_str_equal (method, "PUT")
      || g_str_equal (method, "PATCH");
}

static gchar *
describe (const MxRoute * r, MxCred cred, MxForm form, const gchar * accept)
{
  return g_strdup_printf ("%s %s with %s (%s%s%s)", r->method, r->pattern,
      mx_cred_names[cred], mx_form_names[form], accept ? ", Accept " : "",
      accept ? accept : "");
}

/* ------------------------------------------------------------------ */
/* the table itself                                                     */

/* What the issue says of the roles, checked on the table the binary
 * serves: reading needs a key, changing needs operator, camera CRUD and
 * metrics admin, health nothing; and the binary's roles are the linked
 * role table's. */
static void
test_table (void)
{
  guint i;

  for (i = 0; i < gw.routes->len; i++) {
    const MxRoute *r = g_ptr_array_index (gw.routes, i);
    gboolean crud = g_str_equal (r->pattern, "/api/v1/cameras")
        || g_str_equal (r->pattern, "/api/v1/cameras/{id}");

    g_test_message ("%s %s: %s (%s)", r->method, r->pattern,
        gw_role_to_nick (r->role), r->action);
    g_assert_cmpint (r->role, ==, gw_auth_required_role (r->action));
    if (g_str_equal (r->pattern, "/health"))
      g_assert_cmpint (r->role, ==, GW_ROLE_ANONYMOUS);
    else
      g_assert_cmpint (r->role, >=, GW_ROLE_VIEWER);
    /* writes need an operator, except opening and closing a WebRTC view,
     * which the issue gives the viewer ("viewer may watch") */
    if (!g_str_equal (r->method, "GET") && !g_str_equal (r->action,
            "live.watch"))
      g_assert_cmpint (r->role, >=, GW_ROLE_OPERATOR);
    if (crud && !g_str_equal (r->method, "GET"))
      g_assert_cmpint (r->role, ==, GW_ROLE_ADMIN);
    if (g_str_equal (r->pattern, "/metrics"))
      g_assert_cmpint (r->role, ==, GW_ROLE_ADMIN);
  }
}

/* ------------------------------------------------------------------ */
/* roles                                                                */

/* Past auth: a camera route answers the camera's 404 (auth comes before
 * the handler, so this proves the caller got in); the others answer
 * their own result, never 401/403 or a server error. */
static void
check_allowed (MxReply * reply, const MxRoute * r, const gchar * what)
{
  if (has_param (r)) {
    mx_expect_error (reply, 404, "CAMERA_NOT_FOUND", what);
    return;
  }
  if (reply->status == 401 || reply->status == 403 || reply->status >= 500) {
    if (!(g_str_equal (r->pattern, "/health") && reply->status == 503))
      g_error ("%s: %u %s, expected to get in", what, reply->status,
          mx_reply_code (reply));
  }
  if (g_str_equal (r->method, "GET") && reply->status != 503)
    g_assert_cmpuint (reply->status, ==, 200);
}

static void
check_refused (MxReply * reply, const MxRoute * r, MxCred cred,
    const gchar * what)
{
  JsonObject *details;

  if (cred == MX_CRED_NONE) {
    mx_expect_error (reply, 401, "AUTHENTICATION_REQUIRED", what);
    return;
  }
  if (cred == MX_CRED_UNKNOWN) {
    mx_expect_error (reply, 401, "INVALID_API_KEY", what);
    return;
  }
  mx_expect_error (reply, 403, "INSUFFICIENT_PERMISSIONS", what);
  details = json_object_get_object_member (mx_reply_object (reply), "details");
  g_assert_cmpstr (json_object_get_string_member (details, "required_role"),
      ==, gw_role_to_nick (r->role));
  g_assert_cmpstr (json_object_get_string_member (details, "role"), ==,
      gw_role_to_nick ((GwRole) (cred - MX_CRED_VIEWER + GW_ROLE_VIEWER)));
  g_assert_cmpstr (json_object_get_string_member (details, "action"), ==,
      r->action);
}

static gboolean
may_call (const MxRoute * r, MxCred cred)
{
  if (r->role == GW_ROLE_ANONYMOUS)
    return TRUE;
  if (cred == MX_CRED_NONE || cred == MX_CRED_UNKNOWN)
    return FALSE;
  return (GwRole) (cred - MX_CRED_VIEWER + GW_ROLE_VIEWER) >= r->role;
}

/* Every route x {none, unknown, viewer, operator, admin} x {Bearer,
 * X-API-Key} x {flat, RFC 7807}. */
static void
test_roles (void)
{
  guint i, n = 0;

  for (i = 0; i < gw.routes->len; i++) {
    const MxRoute *r = g_ptr_array_index (gw.routes, i);
    g_autofree gchar *path = mx_path_for (r, NO_CAMERA);
    MxCred cred;
    MxForm form;
    guint a;

    for (cred = 0; cred < MX_N_CREDS; cred++)
      for (form = 0; form < MX_N_FORMS; form++)
        for (a = 0; a < G_N_ELEMENTS (accepts); a++) {
          MxRequest req = { r->method, path, cred, form,
            takes_body (r->method) ? "{}" : NULL, accepts[a], NULL
          };
          g_autoptr (MxReply) reply = mx_send (&gw, &req);
          g_autofree gchar *what = describe (r, cred, form, accepts[a]);

          if (may_call (r, cred))
            check_allowed (reply, r, what);
          else
            check_refused (reply, r, cred, what);
          n++;
          if (g_str_equal (r->method, "GET") && accepts[a] == NULL) {
            /* HEAD is served by the GET route: the same decision */
            MxRequest head = req;
            g_autoptr (MxReply) h = NULL;

            head.method = "HEAD";
            h = mx_send (&gw, &head);
            if (h->status != reply->status
                && !g_str_equal (r->pattern, "/health"))
              g_error ("HEAD: %u, GET: %u (%s)", h->status, reply->status,
                  what);
            if (h->status == 401)
              g_assert_nonnull (soup_message_headers_get_one (h->headers,
                      "WWW-Authenticate"));
            n++;
          }
        }
  }
  g_test_message ("%u requests", n);
}

/* ------------------------------------------------------------------ */
/* error paths                                                          */

/* Unknown camera: 404 CAMERA_NOT_FOUND on every camera route, details
 * naming the camera. */
static void
test_camera_not_found (void)
{
  guint i, a, n = 0;

  for (i = 0; i < gw.routes->len; i++) {
    const MxRoute *r = g_ptr_array_index (gw.routes, i);
    g_autofree gchar *path = mx_path_for (r, NO_CAMERA);

    if (!has_param (r))
      continue;
    for (a = 0; a < G_N_ELEMENTS (accepts); a++) {
      MxRequest req = { r->method, path, MX_CRED_ADMIN, MX_FORM_BEARER,
        takes_body (r->method) ? "{\"mode\":\"auto\"}" : NULL, accepts[a],
        NULL
      };
      g_autoptr (MxReply) reply = mx_send (&gw, &req);
      g_autofree gchar *what = describe (r, MX_CRED_ADMIN, 0, accepts[a]);
      JsonObject *details;

      mx_expect_error (reply, 404, "CAMERA_NOT_FOUND", what);
      details = json_object_get_object_member (mx_reply_object (reply),
          "details");
      g_assert_cmpstr (json_object_get_string_member_with_default (details,
              "camera", NULL), ==, NO_CAMERA);
      n++;
    }
  }
  g_assert_cmpuint (n, >, 0);
}

/* Malformed JSON: 400 INVALID_JSON (details.reason) on every route that
 * takes a JSON body (a raw-body route, e.g. WHEP's SDP offer, reads no
 * JSON: gw-whep tests its own refusals); a route that needs an object answers 400 INVALID_REQUEST
 * to an array or to no body at all. */
static void
test_invalid_json (void)
{
  static const gchar *const bad[] = { "{", "{\"id\":}", "nope", "[1,]" };
  guint i, j, a;

  for (i = 0; i < gw.routes->len; i++) {
    const MxRoute *r = g_ptr_array_index (gw.routes, i);
    g_autofree gchar *path = mx_path_for (r, "demo");

    if (!takes_body (r->method) || r->raw_body)
      continue;
    for (a = 0; a < G_N_ELEMENTS (accepts); a++) {
      g_autofree gchar *what = describe (r, MX_CRED_ADMIN, 0, accepts[a]);

      for (j = 0; j < G_N_ELEMENTS (bad); j++) {
        MxRequest req = { r->method, path, MX_CRED_ADMIN, MX_FORM_BEARER,
          bad[j], accepts[a], NULL
        };
        g_autoptr (MxReply) reply = mx_send (&gw, &req);

        mx_expect_error (reply, 400, "INVALID_JSON", what);
        g_assert_true (json_object_has_member (json_object_get_object_member
                (mx_reply_object (reply), "details"), "reason"));
      }
      if (r->json_body) {
        MxRequest req = { r->method, path, MX_CRED_ADMIN, MX_FORM_BEARER,
          "[1,2]", accepts[a], NULL
        };
        g_autoptr (MxReply) array = mx_send (&gw, &req);
        g_autoptr (MxReply) none = NULL;

        mx_expect_error (array, 400, "INVALID_REQUEST", what);
        req.body = NULL;
        none = mx_send (&gw, &req);
        mx_expect_error (none, 400, "INVALID_REQUEST", what);
      }
    }
  }
}

/* Duplicate id: 409 CAMERA_ALREADY_EXISTS, for a camera of the
 * configuration and for one created through the API. */
static void
test_duplicate (void)
{
  const gchar *body = "{\"id\":\"%s\",\"type\":\"test\",\"width\":160,"
      "\"height\":120,\"framerate\":\"5/1\"}";
  g_autofree gchar *config_dup = g_strdup_printf (body, "demo");
  g_autofree gchar *api = g_strdup_printf (body, "made");
  g_autoptr (MxReply) created = mx_do (&gw, "POST", "/api/v1/cameras",
      MX_CRED_ADMIN, api);
  guint a;

  if (created->status != 201)
    g_error ("create: %u %.*s", created->status,
        (gint) g_bytes_get_size (created->body),
        (const gchar *) g_bytes_get_data (created->body, NULL));
  for (a = 0; a < G_N_ELEMENTS (accepts); a++) {
    MxRequest req = { "POST", "/api/v1/cameras", MX_CRED_ADMIN,
      MX_FORM_API_KEY, config_dup, accepts[a], NULL
    };
    g_autoptr (MxReply) r1 = mx_send (&gw, &req);
    g_autoptr (MxReply) r2 = NULL;

    mx_expect_error (r1, 409, "CAMERA_ALREADY_EXISTS", "config camera");
    req.body = api;
    r2 = mx_send (&gw, &req);
    mx_expect_error (r2, 409, "CAMERA_ALREADY_EXISTS", "API camera");
  }
  {
    g_autoptr (MxReply) del = mx_do (&gw, "DELETE", "/api/v1/cameras/made",
        MX_CRED_ADMIN, NULL);

    g_assert_cmpuint (del->status, ==, 200);
  }
}

/* Reads an HTTP answer from a raw connection: the head, then the body by
 * its Content-Length. */
static gchar *
raw_read_answer (GInputStream * in, gchar ** body)
{
  GString *head = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  const gchar *cl;
  gsize len;
  gchar c;

  while (!g_str_has_suffix (head->str, "\r\n\r\n")) {
    gssize n = g_input_stream_read (in, &c, 1, NULL, &error);

    g_assert_no_error (error);
    if (n <= 0)
      g_error ("connection closed in the answer's head: %s", head->str);
    g_string_append_c (head, c);
  }
  cl = strstr (head->str, "Content-Length: ");
  g_assert_nonnull (cl);
  len = g_ascii_strtoull (cl + strlen ("Content-Length: "), NULL, 10);
  *body = g_malloc0 (len + 1);
  g_assert_true (g_input_stream_read_all (in, *body, len, NULL, NULL, &error));
  g_assert_no_error (error);
  return g_string_free (head, FALSE);
}

/* A body over the limit: 413 PAYLOAD_TOO_LARGE on every route that takes
 * one, answered to the headers alone (Expect: 100-continue: the body is
 * never sent), with X-Request-Id and Connection: close; and to a client
 * that sends the whole body at once. */
static void
test_too_large (void)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autofree gchar *huge = g_malloc (BODY_LIMIT + 2);
  guint i;

  memset (huge, ' ', BODY_LIMIT + 1);
  huge[BODY_LIMIT + 1] = '\0';
  huge[0] = '{';
  huge[BODY_LIMIT] = '}';
  g_socket_client_set_timeout (client, GW_TEST_WAIT_MS / 1000);
  for (i = 0; i < gw.routes->len; i++) {
    const MxRoute *r = g_ptr_array_index (gw.routes, i);
    g_autofree gchar *path = mx_path_for (r, "demo");
    g_autoptr (GSocketConnection) conn = NULL;
    g_autoptr (GError) error = NULL;
    g_autofree gchar *request = NULL, *head = NULL, *body = NULL;
    g_autoptr (JsonParser) parser = json_parser_new ();
    g_autoptr (MxReply) whole = NULL;
    JsonObject *o;

    if (!takes_body (r->method))
      continue;
    conn = g_socket_client_connect_to_host (client, "127.0.0.1",
        gw.gw.http_port, NULL, &error);
    g_assert_no_error (error);
    request = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
        "Content-Length: %u\r\nExpect: 100-continue\r\n\r\n", r->method,
        path, gw.keys[MX_CRED_ADMIN], BODY_LIMIT + 1);
    g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream
            (G_IO_STREAM (conn)), request, strlen (request), NULL, NULL,
            &error));
    g_assert_no_error (error);
    head = raw_read_answer (g_io_stream_get_input_stream (G_IO_STREAM (conn)),
        &body);
    if (!g_str_has_prefix (head, "HTTP/1.1 413"))
      g_error ("%s %s: %s", r->method, r->pattern, head);
    g_assert_nonnull (strstr (head, "X-Request-Id: "));
    g_assert_nonnull (strstr (head, "Connection: close"));
    g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
    o = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpstr (json_object_get_string_member (o, "error_code"), ==,
        "PAYLOAD_TOO_LARGE");

    whole = mx_do (&gw, r->method, path, MX_CRED_ADMIN, huge);
    mx_expect_error (whole, 413, "PAYLOAD_TOO_LARGE", r->pattern);
  }
}

/* No route: 404 METHOD_NOT_FOUND (the catalogue's unknown route), with or
 * without a key. */
static void
test_unknown_route (void)
{
  static const gchar *const paths[] = { "/", "/api", "/api/v1",
    "/api/v2/cameras", "/api/v1/camera", "/api/v1/cameras/demo/nope",
    "/api/v1/cameras/demo/status/more", "/api/v1/cameras//status",
    "/healthz", "/metrics/x", "/ws/x", "/api/v1/cameras/demo/snapshot.jpg",
  };
  guint i, a;
  MxCred cred;

  for (i = 0; i < G_N_ELEMENTS (paths); i++)
    for (a = 0; a < G_N_ELEMENTS (accepts); a++)
      for (cred = MX_CRED_NONE; cred < MX_N_CREDS; cred += 2) {
        MxRequest req = { "GET", paths[i], cred, MX_FORM_BEARER, NULL,
          accepts[a], NULL
        };
        g_autoptr (MxReply) reply = mx_send (&gw, &req);

        mx_expect_error (reply, 404, "METHOD_NOT_FOUND", paths[i]);
      }
}

/* /ws without a handshake (any method) is the catalogue's 400
 * INVALID_REQUEST on the one request path, not libsoup's own HTML 400. */
static void
test_ws_not_handshake (void)
{
  static const gchar *const methods[] = { "GET", "POST", "DELETE" };
  guint i, a;

  for (i = 0; i < G_N_ELEMENTS (methods); i++)
    for (a = 0; a < G_N_ELEMENTS (accepts); a++) {
      MxRequest req = { methods[i], "/ws", MX_CRED_NONE, MX_FORM_BEARER,
        NULL, accepts[a], "ws-plain-1"
      };
      g_autoptr (MxReply) reply = mx_send (&gw, &req);

      mx_expect_error (reply, 400, "INVALID_REQUEST", "/ws");
    }
}

/* Whether the concrete @path is one @pattern serves ({name} segments match
 * any non-empty segment), as the router matches them. */
static gboolean
pattern_matches (const gchar * pattern, const gchar * path)
{
  g_auto (GStrv) p = g_strsplit (pattern, "/", -1);
  g_auto (GStrv) q = g_strsplit (path, "/", -1);
  guint i;

  if (g_strv_length (p) != g_strv_length (q))
    return FALSE;
  for (i = 0; p[i]; i++)
    if (!(p[i][0] == '{' && q[i][0] != '\0') && !g_str_equal (p[i], q[i]))
      return FALSE;
  return TRUE;
}

/* Every pattern x every method no route serves on its path: 405
 * METHOD_NOT_ALLOWED with Allow listing exactly the methods the routes
 * matching that path serve (HEAD beside GET); a path two patterns match
 * (`/recordings/current` and `/recordings/{name}`) allows both's. */
static void
test_wrong_method (void)
{
  static const gchar *const methods[] = { "GET", "HEAD", "POST", "PUT",
    "PATCH", "DELETE", "OPTIONS", NULL
  };
  g_autoptr (GHashTable) allowed = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  GHashTableIter iter;
  gpointer pattern, list;
  guint i, k, n = 0;

  /* concrete path of each pattern -> methods of every route matching it */
  for (k = 0; k < gw.routes->len; k++) {
    const MxRoute *own = g_ptr_array_index (gw.routes, k);
    gchar *path = mx_path_for (own, "demo");
    GPtrArray *m;

    if (g_hash_table_contains (allowed, path)) {
      g_free (path);
      continue;
    }
    m = g_ptr_array_new ();
    for (i = 0; i < gw.routes->len; i++) {
      const MxRoute *r = g_ptr_array_index (gw.routes, i);

      if (!pattern_matches (r->pattern, path)
          || g_ptr_array_find_with_equal_func (m, r->method, g_str_equal, NULL))
        continue;
      g_ptr_array_add (m, r->method);
      if (g_str_equal (r->method, "GET"))
        g_ptr_array_add (m, (gpointer) "HEAD");
    }
    g_hash_table_insert (allowed, path, m);
  }
  g_hash_table_iter_init (&iter, allowed);
  while (g_hash_table_iter_next (&iter, &pattern, &list)) {
    const gchar *path = pattern;
    GPtrArray *m = list;

    for (i = 0; methods[i]; i++) {
      MxRequest req = { methods[i], path, MX_CRED_NONE, MX_FORM_BEARER };
      g_autoptr (MxReply) reply = NULL;
      g_autofree gchar *what = g_strdup_printf ("%s %s", methods[i], path);
      g_auto (GStrv) got = NULL;
      guint j;

      if (g_ptr_array_find_with_equal_func (m, methods[i], g_str_equal, NULL))
        continue;
      reply = mx_send (&gw, &req);
      if (g_str_equal (methods[i], "HEAD"))
        g_assert_cmpuint (reply->status, ==, 405);
      else
        mx_expect_error (reply, 405, "METHOD_NOT_ALLOWED", what);
      got = g_strsplit (soup_message_headers_get_one (reply->headers,
              "Allow"), ", ", -1);
      g_assert_cmpuint (g_strv_length (got), ==, m->len);
      for (j = 0; j < m->len; j++)
        g_assert_true (g_strv_contains ((const gchar * const *) got,
                m->pdata[j]));
      n++;
    }
  }
  g_assert_cmpuint (n, >, 0);
}

/* The fields of a VALIDATION_ERROR (or INVALID_PARAMS) answer. */
static void
expect_fields (MxReply * reply, const gchar * code, const gchar * const *want,
    const gchar * what)
{
  JsonObject *details;
  JsonArray *fields;
  guint i, j;

  mx_expect_error (reply, 400, code, what);
  details = json_object_get_object_member (mx_reply_object (reply), "details");
  fields = json_object_get_array_member (details, "fields");
  g_assert_nonnull (fields);
  for (i = 0; want[i]; i++) {
    gboolean found = FALSE;

    for (j = 0; j < json_array_get_length (fields); j++) {
      JsonObject *f = json_array_get_object_element (fields, j);

      /* one shape for every validation error: {field, reason} */
      g_assert_cmpuint (json_object_get_size (f), ==, 2);
      g_assert_nonnull (json_object_get_string_member_with_default (f,
              "reason", NULL));
      found |= g_strcmp0 (json_object_get_string_member (f, "field"),
          want[i]) == 0;
    }
    if (!found)
      g_error ("%s: field %s not listed in %.*s", what, want[i],
          (gint) g_bytes_get_size (reply->body),
          (const gchar *) g_bytes_get_data (reply->body, NULL));
  }
  g_assert_cmpuint (json_array_get_length (fields), ==, g_strv_length
      ((gchar **) want));
}

/* Validation errors list every bad field, on every route that validates
 * a body or a query. */
static void
test_validation (void)
{
  static const struct
  {
    const gchar *method, *path, *body, *code;
    const gchar *fields[6];
  } cases[] = {
    {"POST", "/api/v1/cameras", "{\"id\":\"Bad Id!\",\"type\":\"test\","
          "\"width\":5,\"height\":\"x\",\"pattern\":\"nope\"}",
        "VALIDATION_ERROR", {"id", "width", "height", "pattern"}},
    {"POST", "/api/v1/cameras", "{\"id\":\"x\",\"type\":\"tape\"}",
        "VALIDATION_ERROR", {"type"}},
    {"PUT", "/api/v1/cameras/demo", "{\"type\":\"test\",\"width\":5,"
          "\"framerate\":\"fast\"}", "VALIDATION_ERROR",
        {"width", "framerate"}},
    {"PATCH", "/api/v1/cameras/demo", "{\"width\":99999,\"pattern\":1}",
        "VALIDATION_ERROR", {"width", "pattern"}},
    {"PUT", "/api/v1/cameras/demo/quality", "{\"mode\":\"fast\","
          "\"step\":-1}", NULL, {"mode", "step"}},
    /* the demo ladder has 2 steps: 2 is out of range, not a silent no-op */
    {"PUT", "/api/v1/cameras/demo/quality", "{\"step\":2}", NULL,
        {"step"}},
    {"GET", "/api/v1/cameras/demo/snapshot?width=0&height=x&quality=101",
        NULL, NULL, {"width", "height", "quality"}},
    /* below snapshottap's smallest size: the caller's error, not a 5xx
     * SNAPSHOT_FAILED */
    {"GET", "/api/v1/cameras/demo/snapshot?width=10&height=15", NULL, NULL,
        {"width", "height"}},
    {"GET", "/api/v1/events?severity=loud&limit=0&since=never", NULL, NULL,
        {"severity", "limit", "since"}},
    {"GET", "/api/v1/cameras/demo/events?limit=-1&until=x", NULL, NULL,
        {"limit", "until"}},
  };
  guint i, a;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    for (a = 0; a < G_N_ELEMENTS (accepts); a++) {
      MxRequest req = { cases[i].method, cases[i].path, MX_CRED_ADMIN,
        MX_FORM_BEARER, cases[i].body, accepts[a], NULL
      };
      g_autoptr (MxReply) reply = mx_send (&gw, &req);

      expect_fields (reply, cases[i].code ? cases[i].code : "VALIDATION_ERROR",
          cases[i].fields, cases[i].path);
    }
}

/* Every answer carries X-Request-Id: the client's own when sane, a new
 * one otherwise (mx_send checks the header on every answer). */
static void
test_request_id (void)
{
  static const gchar *const insane[] = { "has space", "semi;colon",
    "ünï", ""
  };
  MxRequest req = { "GET", "/api/v1/cameras", MX_CRED_VIEWER, MX_FORM_BEARER,
    NULL, NULL, "client-id_1.2:3"
  };
  g_autoptr (MxReply) own = mx_send (&gw, &req);
  g_autofree gchar *long_id = g_strnfill (129, 'a');
  guint i;

  g_assert_cmpuint (own->status, ==, 200);
  for (i = 0; i <= G_N_ELEMENTS (insane); i++) {
    g_autoptr (SoupMessage) msg = NULL;
    g_autofree gchar *url = g_strconcat (gw.gw.base, "/nope", NULL);
    const gchar *id = i < G_N_ELEMENTS (insane) ? insane[i] : long_id;
    g_autoptr (GBytes) body = NULL;
    const gchar *got;

    msg = soup_message_new ("GET", url);
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "X-Request-Id", id);
    body = soup_session_send_and_read (gw.gw.session, msg, NULL, NULL);
    got = soup_message_headers_get_one (soup_message_get_response_headers
        (msg), "X-Request-Id");
    g_assert_nonnull (got);
    g_assert_cmpstr (got, !=, id);
    g_assert_cmpuint (strlen (got), >, 0);
  }
}

/* Requests libsoup refuses before any handler sees them (no Host, a bad
 * request line, a bad Content-Length or Transfer-Encoding, an unknown
 * Expect, a bad escape in the path) are answered with X-Request-Id too. */
static void
test_request_id_malformed (void)
{
  static const gchar *const requests[] = {
    "GET /api/v1/cameras HTTP/1.1\r\n\r\n",
    "GARBAGE\r\n\r\n",
    "GET /api/v1/cameras HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    "GET /api/v1/cameras HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip"
        "\r\n\r\n",
    "GET /api/v1/cameras HTTP/1.1\r\nHost: x\r\nExpect: later\r\n\r\n",
    "GET /api/v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
  };
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  guint i;

  g_socket_client_set_timeout (client, GW_TEST_WAIT_MS / 1000);
  for (i = 0; i < G_N_ELEMENTS (requests); i++) {
    g_autoptr (GSocketConnection) conn = NULL;
    g_autoptr (GError) error = NULL;
    g_autofree gchar *head = NULL, *body = NULL;

    conn = g_socket_client_connect_to_host (client, "127.0.0.1",
        gw.gw.http_port, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream
            (G_IO_STREAM (conn)), requests[i], strlen (requests[i]), NULL,
            NULL, &error));
    g_assert_no_error (error);
    head = raw_read_answer (g_io_stream_get_input_stream (G_IO_STREAM (conn)),
        &body);
    g_assert_false (g_str_has_prefix (head, "HTTP/1.1 2"));
    if (strstr (head, "\r\nX-Request-Id: ") == NULL)
      g_error ("no X-Request-Id for %s: %s", requests[i], head);
  }
}

int
main (int argc, char **argv)
{
  gint status;

  mx_gateway_start_demo (&gw, &argc, &argv);
  g_test_add_func ("/gw/matrix/rest/table", test_table);
  g_test_add_func ("/gw/matrix/rest/roles", test_roles);
  g_test_add_func ("/gw/matrix/rest/camera-not-found", test_camera_not_found);
  g_test_add_func ("/gw/matrix/rest/invalid-json", test_invalid_json);
  g_test_add_func ("/gw/matrix/rest/duplicate", test_duplicate);
  g_test_add_func ("/gw/matrix/rest/too-large", test_too_large);
  g_test_add_func ("/gw/matrix/rest/unknown-route", test_unknown_route);
  g_test_add_func ("/gw/matrix/rest/ws-not-handshake", test_ws_not_handshake);
  g_test_add_func ("/gw/matrix/rest/wrong-method", test_wrong_method);
  g_test_add_func ("/gw/matrix/rest/validation", test_validation);
  g_test_add_func ("/gw/matrix/rest/request-id", test_request_id);
  g_test_add_func ("/gw/matrix/rest/request-id-malformed",
      test_request_id_malformed);
  status = g_test_run ();
  mx_gateway_teardown (&gw);
  return status;
}
