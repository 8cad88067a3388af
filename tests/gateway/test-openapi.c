/* camguard-gateway - the OpenAPI document against the routes registered
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gw-routes.h"
#include "gw-routes-recordings.h"

/* "METHOD /path" of every operation of the document */
static GHashTable *
document_routes (GBytes * doc)
{
  static const gchar *const methods[] = { "get", "put", "post", "delete",
    "patch", "head", "options", "trace", NULL
  };
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) err = NULL;
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  JsonObject *root, *paths;
  GList *names, *l;
  gsize len;
  const gchar *data = g_bytes_get_data (doc, &len);

  g_assert_true (json_parser_load_from_data (parser, data, len, &err));
  g_assert_no_error (err);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "openapi"), ==,
      "3.0.3");
  paths = json_object_get_object_member (root, "paths");
  names = json_object_get_members (paths);
  for (l = names; l; l = l->next) {
    JsonObject *item = json_object_get_object_member (paths, l->data);
    GList *ops = json_object_get_members (item), *o;

    for (o = ops; o; o = o->next) {
      g_autofree gchar *up = g_ascii_strup (o->data, -1);

      if (g_str_equal (o->data, "parameters"))
        continue;
      g_assert_true (g_strv_contains (methods, o->data));
      g_hash_table_add (set, g_strconcat (up, " ", l->data, NULL));
    }
    g_list_free (ops);
  }
  g_list_free (names);
  return set;
}

/* Every route the gateway registers is in the document, and every
 * operation of the document is a registered route. */
static void
test_document_matches_routes (void)
{
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr (GwRouter) router = gw_router_new (server, NULL);
  g_autoptr (GBytes) doc = NULL;
  g_autoptr (GHashTable) documented = NULL;
  g_autoptr (GPtrArray) routes = NULL;
  g_autoptr (GError) err = NULL;
  GwGateway gw = { 0 };
  GHashTableIter iter;
  gpointer key;
  guint i;

  gw_routes_cameras_add (router, &gw);
  gw_routes_ops_add (router, &gw);
  gw_routes_mjpeg_add (router, &gw);
  gw_routes_recordings_add (router, &gw);
  gw_routes_whep_add (router, &gw);
  routes = gw_router_list_routes (router);
  doc = gw_routes_openapi_document (&err);
  g_assert_no_error (err);
  documented = document_routes (doc);
  for (i = 0; i < routes->len; i++)
    if (!g_hash_table_contains (documented, g_ptr_array_index (routes, i)))
      g_error ("route %s is not in gateway/openapi.json",
          (const gchar *) g_ptr_array_index (routes, i));
  g_hash_table_iter_init (&iter, documented);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_ptr_array_find_with_equal_func (routes, key, g_str_equal, NULL))
      g_error ("gateway/openapi.json has %s, no such route",
          (const gchar *) key);
  g_assert_cmpuint (routes->len, ==, g_hash_table_size (documented));
}

/* The document built into the binary is gateway/openapi.json. */
static void
test_document_is_the_file (void)
{
  g_autofree gchar *path = g_build_filename (g_getenv
      ("CAMGUARD_SOURCE_ROOT"), "gateway", "openapi.json", NULL);
  g_autofree gchar *text = NULL;
  g_autoptr (GBytes) doc = gw_routes_openapi_document (NULL);
  gsize len;

  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  g_assert_nonnull (doc);
  g_assert_cmpmem (text, len, g_bytes_get_data (doc, NULL),
      g_bytes_get_size (doc));
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gw/openapi/matches-routes", test_document_matches_routes);
  g_test_add_func ("/gw/openapi/is-the-file", test_document_is_the_file);
  return g_test_run ();
}
