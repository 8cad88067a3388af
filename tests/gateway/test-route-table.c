/* camguard-gateway tests - the router's table of routes
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gw-route-table.h>

static void
handler (GwRequest * req, gpointer user_data)
{
}

static GwRouteTable *
table_of (const gchar * const *routes)
{
  GwRouteTable *t = gw_route_table_new ();
  guint i;

  /* "METHOD PATTERN" pairs */
  for (i = 0; routes[i]; i++) {
    g_auto (GStrv) mp = g_strsplit (routes[i], " ", 2);

    g_assert_true (gw_route_table_add (t, mp[0], mp[1], "cameras.read", 0,
            handler, GUINT_TO_POINTER (i)));
  }
  return t;
}

/* The pattern of the route for METHOD PATH, or NULL; its parameters and
 * Allow list in @params and @allow (freed by the caller). */
static const gchar *
ask (GwRouteTable * t, const gchar * method, const gchar * path,
    gchar ** params, gchar ** allow)
{
  GwRouteLookup found;

  gw_route_table_lookup (t, method, path, &found);
  g_assert_true (found.route == NULL || found.allow == NULL);
  *params = found.params;
  *allow = found.allow;
  return found.route ? found.route->pattern : NULL;
}

static void
test_literal_beats_parameter (void)
{
  const gchar *const routes[] = { "GET /api/v1/cameras/{id}",
    "GET /api/v1/cameras/{id}/status", "GET /api/v1/cameras/new",
    "POST /api/v1/cameras/{id}/start", NULL
  };
  g_autoptr (GwRouteTable) t = table_of (routes);
  g_autofree gchar *params = NULL, *allow = NULL;

  /* added after the parameter route, still preferred */
  g_assert_cmpstr (ask (t, "GET", "/api/v1/cameras/new", &params, &allow), ==,
      "/api/v1/cameras/new");
  g_assert_null (params);
  g_assert_cmpstr (ask (t, "GET", "/api/v1/cameras/door", &params, &allow),
      ==, "/api/v1/cameras/{id}");
  g_assert_cmpstr (gw_route_params_get (params, "id"), ==, "door");
  g_clear_pointer (&params, g_free);
  g_assert_cmpstr (ask (t, "HEAD", "/api/v1/cameras/door/status", &params,
          &allow), ==, "/api/v1/cameras/{id}/status");
  g_assert_cmpstr (gw_route_params_get (params, "id"), ==, "door");
  g_assert_null (gw_route_params_get (params, "status"));
  g_clear_pointer (&params, g_free);
  /* an empty parameter matches nothing, nor does another length */
  g_assert_null (ask (t, "GET", "/api/v1/cameras//status", &params, &allow));
  g_assert_null (allow);
  g_assert_null (ask (t, "GET", "/api/v1/cameras/door/status/x", &params,
          &allow));
  g_assert_null (ask (t, "GET", "/api/v1", &params, &allow));
  g_assert_null (allow);
}

static void
test_parameters (void)
{
  const gchar *const routes[] = {
    "GET /api/v1/cameras/{id}/recordings/{file}", NULL
  };
  g_autoptr (GwRouteTable) t = table_of (routes);
  g_autofree gchar *params = NULL, *allow = NULL;

  g_assert_nonnull (ask (t, "GET", "/api/v1/cameras/desk/recordings/a.mp4",
          &params, &allow));
  g_assert_cmpstr (gw_route_params_get (params, "id"), ==, "desk");
  g_assert_cmpstr (gw_route_params_get (params, "file"), ==, "a.mp4");
  g_assert_null (gw_route_params_get (params, "desk"));
  g_assert_null (gw_route_params_get (NULL, "id"));
}

/* A 405's Allow: every method of the routes that take the path, in the
 * order they were added, HEAD after GET, each once; the first route
 * added wins between two as literal. */
static void
test_allow_and_ties (void)
{
  const gchar *const routes[] = { "PUT /cameras/{id}", "GET /cameras/{id}",
    "DELETE /cameras/{id}", "GET /cameras/{other}", "POST /cameras/{id}/start",
    "PATCH /cameras/{id}", NULL
  };
  g_autoptr (GwRouteTable) t = table_of (routes);
  g_autofree gchar *params = NULL, *allow = NULL;
  GwRouteLookup found;

  g_assert_null (ask (t, "POST", "/cameras/door", &params, &allow));
  g_assert_cmpstr (allow, ==, "PUT, GET, HEAD, DELETE, PATCH");
  gw_route_table_lookup (t, "GET", "/cameras/door", &found);
  g_assert_true (found.route->user_data == GUINT_TO_POINTER (1));
  g_assert_cmpstr (gw_route_params_get (found.params, "id"), ==, "door");
  g_free (found.params);
}

static void
test_too_long (void)
{
  g_autoptr (GwRouteTable) t = gw_route_table_new ();
  g_autoptr (GString) path = g_string_new (NULL);
  g_autofree gchar *params = NULL, *allow = NULL;
  guint i;

  for (i = 0; i < 64; i++)
    g_string_append (path, "/a");
  /* 65 segments with the empty first one */
  g_assert_false (gw_route_table_add (t, "GET", path->str, "x", 0, handler,
          NULL));
  g_assert_cmpuint (gw_route_table_get_size (t), ==, 0);
  g_assert_null (ask (t, "GET", path->str, &params, &allow));
  g_assert_null (allow);
}


int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/route-table/literal-beats-parameter",
      test_literal_beats_parameter);
  g_test_add_func ("/route-table/parameters", test_parameters);
  g_test_add_func ("/route-table/allow-and-ties", test_allow_and_ties);
  g_test_add_func ("/route-table/too-long", test_too_long);
  return g_test_run ();
}
