/* camguard-gateway - tests: the dashboard's static files (types, no
 * traversal, no key) and GET /api/v1/whoami (from the one role table), on a
 * real SoupServer with the router and a real client
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "json-assert.h"
#include "http-fixture.h"
#include "gw-routes-dashboard.h"

#define INDEX "<!doctype html><title>t</title>\n"
#define SECRET "secret, outside the www dir\n"

typedef struct
{
  Fixture f;
  GwGateway gw;
  GwConfig *config;
  gchar *outside;               /* a directory beside www */
} Dash;

static void
write_file (const gchar * dir, const gchar * name, const gchar * text)
{
  g_autofree gchar *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

static void
dash_setup (Dash * d, gconstpointer data)
{
  g_autofree gchar *link = NULL;
  g_autofree gchar *target = NULL;
  g_autofree gchar *sub = NULL;
  g_autoptr (GError) error = NULL;

  fixture_setup (&d->f, data);
  d->outside = g_dir_make_tmp ("camguard-dash-XXXXXX", &error);
  g_assert_no_error (error);
  d->config = gw_config_new ();
  g_free (d->config->www_dir);
  d->config->www_dir = g_build_filename (d->outside, "www", NULL);
  g_assert_cmpint (g_mkdir (d->config->www_dir, 0700), ==, 0);
  write_file (d->config->www_dir, "index.html", INDEX);
  write_file (d->config->www_dir, "app.js", "export {};\n");
  write_file (d->config->www_dir, "dashboard.css", "body{}\n");
  write_file (d->config->www_dir, ".hidden.js", "hidden\n");
  write_file (d->config->www_dir, "notes.conf", "no served type\n");
  write_file (d->outside, "secret.txt", SECRET);
  sub = g_build_filename (d->config->www_dir, "sub.js", NULL);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  /* a symlink in www to a file outside it */
  target = g_build_filename (d->outside, "secret.txt", NULL);
  link = g_build_filename (d->config->www_dir, "link.txt", NULL);
  g_assert_cmpint (symlink (target, link), ==, 0);

  d->gw.config = d->config;
  d->gw.router = d->f.router;
  d->gw.keys = d->f.store;
  gw_routes_dashboard_add (d->f.router, &d->gw);
}

static void
dash_teardown (Dash * d, gconstpointer data)
{
  g_autofree gchar *cmd = NULL;

  fixture_teardown (&d->f, data);
  gw_config_free (d->config);
  cmd = g_strdup_printf ("rm -rf '%s'", d->outside);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (d->outside);
}

/* GET @path without a key: the status and the body */
static guint
get (Dash * d, const gchar * path, const gchar * key, GBytes ** body,
    gchar ** type)
{
  g_autoptr (SoupMessage) msg = new_msg (&d->f, "GET", path, key);
  JsonNode *node = run (&d->f, msg, body);
  const gchar *ct = resp_header (msg, "Content-Type");

  if (node)
    json_node_unref (node);
  if (type)
    *type = g_strdup (ct);
  return soup_message_get_status (msg);
}

static void
test_files (Dash * d, gconstpointer data)
{
  const struct
  {
    const gchar *path, *type, *body;
  } ok[] = {
    {"/", "text/html; charset=utf-8", INDEX},
    {"/index.html", "text/html; charset=utf-8", INDEX},
    {"/app.js", "text/javascript; charset=utf-8", "export {};\n"},
    {"/dashboard.css", "text/css; charset=utf-8", "body{}\n"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (ok); i++) {
    g_autoptr (GBytes) body = NULL;
    g_autofree gchar *type = NULL;

    /* no key: the files are open, the page logs in itself */
    g_assert_cmpuint (get (d, ok[i].path, NULL, &body, &type), ==, 200);
    g_assert_cmpstr (type, ==, ok[i].type);
    g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
        ok[i].body, strlen (ok[i].body));
  }
}

static void
test_no_traversal (Dash * d, gconstpointer data)
{
  const gchar *const refused[] = {
    "/..%2Fsecret.txt", "/%2e%2e%2fsecret.txt", "/%2E%2E/secret.txt",
    "/..%5csecret.txt", "/secret.txt", "/link.txt", "/sub.js",
    "/.hidden.js", "/notes.conf", "/nope.html", "/a..b.js",
    "/index.html%00.js",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (refused); i++) {
    g_autoptr (GBytes) body = NULL;
    guint status = get (d, refused[i], NULL, &body, NULL);

    g_test_message ("%s -> %u", refused[i], status);
    g_assert_true (status == 404 || status == 400);
    if (g_bytes_get_size (body) > 0)
      g_assert_null (g_strstr_len (g_bytes_get_data (body, NULL),
              g_bytes_get_size (body), "secret"));
  }
}

static void
test_names (void)
{
  g_assert_true (gw_dashboard_name_is_safe ("app.js"));
  g_assert_true (gw_dashboard_name_is_safe ("live-view_2.mjs"));
  g_assert_false (gw_dashboard_name_is_safe (NULL));
  g_assert_false (gw_dashboard_name_is_safe (""));
  g_assert_false (gw_dashboard_name_is_safe (".."));
  g_assert_false (gw_dashboard_name_is_safe ("../app.js"));
  g_assert_false (gw_dashboard_name_is_safe ("a/b.js"));
  g_assert_false (gw_dashboard_name_is_safe ("a\\b.js"));
  g_assert_false (gw_dashboard_name_is_safe ("-x.js"));
  g_assert_false (gw_dashboard_name_is_safe ("app.js.bak"));
  g_assert_false (gw_dashboard_name_is_safe ("%2e%2e.js"));
  g_assert_cmpstr (gw_dashboard_content_type ("x.svg"), ==, "image/svg+xml");
  g_assert_null (gw_dashboard_content_type ("x.conf"));
}

static JsonObject *
whoami (Dash * d, const gchar * key, guint status)
{
  g_autoptr (SoupMessage) msg = new_msg (&d->f, "GET", "/api/v1/whoami", key);
  g_autoptr (JsonNode) node = run (&d->f, msg, NULL);

  g_assert_cmpuint (soup_message_get_status (msg), ==, status);
  g_assert_nonnull (node);
  return json_node_dup_object (node);
}

static void
test_whoami (Dash * d, gconstpointer data)
{
  g_autoptr (JsonObject) viewer = whoami (d, d->f.viewer, 200);
  g_autoptr (JsonObject) op = whoami (d, d->f.operator, 200);
  g_autoptr (JsonObject) admin = whoami (d, d->f.admin, 200);
  g_autoptr (JsonObject) none = whoami (d, NULL, 401);
  g_autoptr (JsonObject) bad = whoami (d, "cgk_nope", 401);

  g_assert_cmpstr (json_object_get_string_member (viewer, "role"), ==,
      "viewer");
  g_assert_true (json_object_get_boolean_member (viewer, "auth"));
  g_assert_true (json_strings_have (viewer, "actions", "cameras.read"));
  g_assert_false (json_strings_have (viewer, "actions", "cameras.control"));
  g_assert_true (json_strings_have (viewer, "routes",
          "GET /api/v1/cameras/{id}/snapshot"));
  g_assert_false (json_strings_have (viewer, "routes",
          "POST /api/v1/cameras/{id}/start"));
  g_assert_cmpstr (json_object_get_string_member (op, "role"), ==, "operator");
  g_assert_true (json_strings_have (op, "routes",
          "POST /api/v1/cameras/{id}/start"));
  g_assert_false (json_strings_have (op, "routes", "POST /api/v1/cameras"));
  g_assert_true (json_strings_have (admin, "routes", "POST /api/v1/cameras"));
  g_assert_true (json_strings_have (admin, "actions", "cameras.write"));
  /* every action listed is one the role table grants the role */
  g_assert_true (gw_auth_may (NULL, GW_ROLE_OPERATOR, NULL, "cameras.control"));
  g_assert_false (gw_auth_may (NULL, GW_ROLE_VIEWER, NULL, "cameras.control"));
  g_assert_cmpstr (json_object_get_string_member (none, "error_code"), ==,
      "AUTHENTICATION_REQUIRED");
  g_assert_cmpstr (json_object_get_string_member (bad, "error_code"), ==,
      "INVALID_API_KEY");
}

static void
test_whoami_auth_off (Dash * d, gconstpointer data)
{
  g_autoptr (JsonObject) me = NULL;

  d->gw.keys = NULL;
  me = whoami (d, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (me, "role"), ==, "admin");
  g_assert_false (json_object_get_boolean_member (me, "auth"));
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gw-dashboard/names", test_names);
  g_test_add ("/gw-dashboard/files", Dash, GINT_TO_POINTER (FALSE),
      dash_setup, test_files, dash_teardown);
  g_test_add ("/gw-dashboard/no-traversal", Dash, GINT_TO_POINTER (FALSE),
      dash_setup, test_no_traversal, dash_teardown);
  g_test_add ("/gw-dashboard/whoami", Dash, GINT_TO_POINTER (FALSE),
      dash_setup, test_whoami, dash_teardown);
  g_test_add ("/gw-dashboard/whoami-auth-off", Dash, GINT_TO_POINTER (TRUE),
      dash_setup, test_whoami_auth_off, dash_teardown);
  return g_test_run ();
}
