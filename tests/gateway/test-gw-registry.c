/* camguard-gateway - the camera registry and its persistence
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Create, replace, patch and delete with their catalogue codes, the file
 * valid JSON after every change, a restart reloading the API's changes on
 * top of the configuration, a temporary file left by a crash ignored, a
 * write that fails changing nothing.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "fake-camera-client.h"
#include "gw-registry.h"

#define WAIT_MS 15000

static GwSpecPolicy policy = { FALSE };

static gchar *
make_tmpdir (void)
{
  return g_dir_make_tmp ("gw-registry-XXXXXX", NULL);
}

static void
remove_tree (const gchar * dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  while (d && (name = g_dir_read_name (d))) {
    g_autofree gchar *p = g_build_filename (dir, name, NULL);

    if (g_file_test (p, G_FILE_TEST_IS_DIR))
      remove_tree (p);
    else
      g_unlink (p);
  }
  if (d)
    g_dir_close (d);
  g_rmdir (dir);
}

static GPtrArray *
config_specs (void)
{
  GPtrArray *a = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gw_camera_spec_free);
  GwCameraSpec *s = gw_camera_spec_new ("cfg", GW_CAMERA_TEST);

  g_ptr_array_add (a, s);
  s = gw_camera_spec_new ("lobby", GW_CAMERA_TEST);
  s->pattern = (g_free (s->pattern), g_strdup ("ball"));
  g_ptr_array_add (a, s);
  return a;
}

static JsonObject *
parse_object (const gchar * json)
{
  g_autoptr (JsonParser) p = json_parser_new ();

  g_assert_true (json_parser_load_from_data (p, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (p)));
}

/* The file is a complete JSON document; returns its camera ids and deleted
 * ids as "a,b|c". */
static gchar *
file_summary (const gchar * dir)
{
  g_autofree gchar *path = g_build_filename (dir, GW_REGISTRY_FILE, NULL);
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GString) s = g_string_new (NULL);
  JsonObject *root;
  JsonArray *a;
  guint i;

  g_assert_true (json_parser_load_from_file (p, path, NULL));
  root = json_node_get_object (json_parser_get_root (p));
  a = json_object_get_array_member (root, "cameras");
  for (i = 0; i < json_array_get_length (a); i++)
    g_string_append_printf (s, "%s%s", i ? "," : "",
        json_object_get_string_member (json_array_get_object_element (a, i),
            "id"));
  g_string_append_c (s, '|');
  a = json_object_get_array_member (root, "deleted");
  for (i = 0; i < json_array_get_length (a); i++)
    g_string_append_printf (s, "%s%s", i ? "," : "",
        json_array_get_string_element (a, i));
  return g_strdup (s->str);
}

static gchar *
ids (GwRegistry * r)
{
  g_autoptr (GPtrArray) list = gw_registry_list (r);
  g_autoptr (GString) s = g_string_new (NULL);
  guint i;

  for (i = 0; i < list->len; i++)
    g_string_append_printf (s, "%s%s", i ? "," : "",
        gw_camera_get_id (g_ptr_array_index (list, i)));
  return g_strdup (s->str);
}

#define assert_str_free(expr, expected) G_STMT_START { \
  gchar *got_ = (expr); \
  g_assert_cmpstr (got_, ==, expected); \
  g_free (got_); \
} G_STMT_END

/* A registry on @dir with @cfg, loaded, holding @expected ids. */
static GwRegistry *
reload (const gchar * dir, GPtrArray * cfg, const gchar * expected)
{
  GwRegistry *r = gw_registry_new (dir, &policy, FALSE);

  g_assert_true (gw_registry_load (r, cfg, NULL));
  assert_str_free (ids (r), expected);
  return r;
}

static void
test_crud_and_restart (void)
{
  g_autofree gchar *dir = make_tmpdir ();
  g_autoptr (GPtrArray) cfg = config_specs ();
  GwRegistry *r = reload (dir, cfg, "cfg,lobby");
  g_autoptr (GwCameraSpec) api = gw_camera_spec_new ("door", GW_CAMERA_RTSP);
  g_autoptr (GwCameraSpec) ghost = gw_camera_spec_new ("ghost", GW_CAMERA_TEST);
  g_autoptr (JsonObject) patch = parse_object ("{\"uri\":"
      "\"rtsp://u:pw@127.0.0.1:9/b\",\"retry\":{\"max-attempts\":2}}");
  g_autoptr (JsonObject) bad = parse_object ("{\"width\":12,\"x\":1}");
  g_autoptr (JsonObject) snow = parse_object ("{\"pattern\":\"snow\"}");
  g_autofree gchar *path = g_build_filename (dir, GW_REGISTRY_FILE, NULL);
  CgError *e = NULL;
  GwCamera *c;

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  api->uri = g_strdup ("rtsp://u:pw@127.0.0.1:9/a");
  g_assert_nonnull (gw_registry_create (r, api, &e));
  g_assert_null (e);
  assert_str_free (file_summary (dir), "door|");
  g_assert_null (gw_registry_create (r, api, &e));
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_CAMERA_ALREADY_EXISTS);
  g_clear_pointer (&e, cg_error_unref);

  g_assert_null (gw_registry_replace (r, ghost, &e));
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_CAMERA_NOT_FOUND);
  g_clear_pointer (&e, cg_error_unref);
  g_assert_false (gw_registry_delete (r, "ghost", &e));
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_CAMERA_NOT_FOUND);
  g_clear_pointer (&e, cg_error_unref);
  g_assert_null (gw_registry_patch (r, "ghost", patch, &e));
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_CAMERA_NOT_FOUND);
  g_clear_pointer (&e, cg_error_unref);

  c = gw_registry_patch (r, "door", patch, &e);
  g_assert_null (e);
  g_assert_cmpstr (gw_camera_get_spec (c)->uri, ==,
      "rtsp://u:pw@127.0.0.1:9/b");
  g_assert_cmpuint (gw_camera_get_spec (c)->retry_max_attempts, ==, 2);
  g_assert_null (gw_registry_patch (r, "door", bad, &e));
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_VALIDATION_ERROR);
  g_clear_pointer (&e, cg_error_unref);
  g_assert_true (gw_registry_lookup (r, "door") == c);

  /* a configuration camera changed, another deleted through the API */
  g_assert_nonnull (gw_registry_patch (r, "lobby", snow, NULL));
  g_assert_true (gw_registry_delete (r, "cfg", &e));
  assert_str_free (file_summary (dir), "door,lobby|cfg");
  assert_str_free (ids (r), "door,lobby");
  g_object_unref (r);

  /* restart: the same configuration, the data directory wins */
  r = reload (dir, cfg, "door,lobby");
  g_assert_cmpstr (gw_camera_get_spec (gw_registry_lookup (r,
              "lobby"))->pattern, ==, "snow");
  g_assert_cmpstr (gw_camera_get_spec (gw_registry_lookup (r,
              "door"))->uri, ==, "rtsp://u:pw@127.0.0.1:9/b");
  /* deleting an API camera removes it from the file */
  g_assert_true (gw_registry_delete (r, "door", NULL));
  assert_str_free (file_summary (dir), "lobby|cfg");
  g_object_unref (r);
  remove_tree (dir);
}

/* g_file_set_contents_full() writes cameras.json.XXXXXX and renames it: a
 * crash in between leaves that temporary file, which is never read. */
static void
test_crash_leftover_ignored (void)
{
  g_autofree gchar *dir = make_tmpdir ();
  g_autofree gchar *tmp = g_build_filename (dir, GW_REGISTRY_FILE ".4F2KQ1",
      NULL);
  g_autoptr (GPtrArray) cfg = config_specs ();
  g_autoptr (GwCameraSpec) api = gw_camera_spec_new ("porch", GW_CAMERA_TEST);
  GwRegistry *r;

  /* crashed before the first rename: only the half-written file */
  g_assert_true (g_file_set_contents (tmp, "{\"version\":1,\"cameras\":[{",
          -1, NULL));
  r = reload (dir, cfg, "cfg,lobby");
  g_assert_nonnull (gw_registry_create (r, api, NULL));
  g_object_unref (r);
  /* crashed during a later write: the last complete file counts */
  g_assert_true (g_file_set_contents (tmp, "garbage", -1, NULL));
  r = reload (dir, cfg, "cfg,lobby,porch");
  g_object_unref (r);
  remove_tree (dir);
}

static void
test_corrupt_file_refused (void)
{
  g_autofree gchar *dir = make_tmpdir ();
  g_autofree gchar *path = g_build_filename (dir, GW_REGISTRY_FILE, NULL);
  g_autoptr (GError) err = NULL;
  GwRegistry *r;

  g_assert_true (g_file_set_contents (path, "{\"cameras\":[{\"id\":\"x\","
          "\"type\":\"rtsp\",\"uri\":\"rtsp://a:secret@h/\",\"width\":5}],"
          "\"deleted\":[]}", -1, NULL));
  r = gw_registry_new (dir, &policy, FALSE);
  g_assert_false (gw_registry_load (r, NULL, &err));
  g_assert_error (err, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR);
  g_assert_nonnull (strstr (err->message, GW_REGISTRY_FILE));
  g_assert_nonnull (strstr (err->message, "width"));
  g_object_unref (r);
  g_clear_error (&err);
  g_assert_true (g_file_set_contents (path, "{\"cameras\":", -1, NULL));
  r = gw_registry_new (dir, &policy, FALSE);
  g_assert_false (gw_registry_load (r, NULL, &err));
  g_assert_nonnull (strstr (err->message, GW_REGISTRY_FILE));
  g_object_unref (r);
  remove_tree (dir);
}

static void
test_failed_write_changes_nothing (void)
{
  g_autofree gchar *dir = make_tmpdir ();
  g_autofree gchar *file = g_build_filename (dir, "plain-file", NULL);
  g_autofree gchar *data = g_build_filename (file, "data", NULL);
  g_autoptr (GwCameraSpec) api = gw_camera_spec_new ("porch", GW_CAMERA_TEST);
  g_autoptr (GPtrArray) cfg = config_specs ();
  CgError *e = NULL;
  GwRegistry *r;

  /* the data directory cannot exist: its parent is a regular file */
  g_assert_true (g_file_set_contents (file, "", -1, NULL));
  r = gw_registry_new (data, &policy, FALSE);
  g_assert_true (gw_registry_load (r, cfg, NULL));
  g_assert_null (gw_registry_create (r, api, &e));
  g_assert_nonnull (e);
  g_assert_cmpstr (cg_code_get_category (cg_error_get_code (e)), ==, "storage");
  g_clear_pointer (&e, cg_error_unref);
  g_assert_false (gw_registry_delete (r, "cfg", &e));
  g_assert_cmpstr (cg_code_get_category (cg_error_get_code (e)), ==, "storage");
  g_clear_pointer (&e, cg_error_unref);
  assert_str_free (ids (r), "cfg,lobby");
  g_object_unref (r);
  remove_tree (dir);
}

static void
on_added (GwRegistry * r, GwCamera * c, guint * n)
{
  (*n)++;
}

static void
on_state (GwCamera * c, guint old, guint state, gboolean * running)
{
  if (state == GW_CAMERA_STATE_RUNNING)
    *running = TRUE;
}

static void
test_autostart (void)
{
  g_autofree gchar *dir = make_tmpdir ();
  g_autoptr (GPtrArray) cfg = g_ptr_array_new_with_free_func
      ((GDestroyNotify) gw_camera_spec_free);
  GwCameraSpec *s = gw_camera_spec_new ("demo", GW_CAMERA_TEST);
  GwRegistry *r = gw_registry_new (dir, &policy, TRUE);
  gboolean running = FALSE;
  guint added = 0;
  GwCamera *c;

  s->width = 160;
  s->height = 120;
  g_ptr_array_add (cfg, s);
  g_signal_connect (r, "camera-added", G_CALLBACK (on_added), &added);
  g_assert_true (gw_registry_load (r, cfg, NULL));
  g_assert_cmpuint (added, ==, 1);
  c = gw_registry_lookup (r, "demo");
  g_signal_connect (c, "state-changed", G_CALLBACK (on_state), &running);
  running = gw_camera_get_state (c) == GW_CAMERA_STATE_RUNNING;
  g_assert_true (cg_iterate_until (&running, WAIT_MS));
  g_assert_true (gw_registry_stop_all (r));
  g_assert_cmpint (gw_camera_get_state (c), ==, GW_CAMERA_STATE_STOPPED);
  g_object_unref (r);
  remove_tree (dir);
}

int
main (int argc, char **argv)
{
  gst_init (NULL, NULL);
  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_test_add_func ("/gw/registry/crud-and-restart", test_crud_and_restart);
  g_test_add_func ("/gw/registry/crash-leftover-ignored",
      test_crash_leftover_ignored);
  g_test_add_func ("/gw/registry/corrupt-file-refused",
      test_corrupt_file_refused);
  g_test_add_func ("/gw/registry/failed-write-changes-nothing",
      test_failed_write_changes_nothing);
  g_test_add_func ("/gw/registry/autostart", test_autostart);
  return g_test_run ();
}
