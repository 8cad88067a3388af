/* camguard-gateway - tests: API keys and the role table
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "gw-auth.h"

typedef struct
{
  gchar *dir;
  GwKeyStore *store;
} Fixture;

static void
fixture_setup (Fixture * f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("gw-auth-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = gw_key_store_new (f->dir, &error);
  g_assert_no_error (error);
}

static void
remove_dir (const gchar * dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  while (d && (name = g_dir_read_name (d))) {
    g_autofree gchar *p = g_build_filename (dir, name, NULL);
    g_unlink (p);
  }
  if (d)
    g_dir_close (d);
  g_rmdir (dir);
}

static void
fixture_teardown (Fixture * f, gconstpointer data)
{
  gw_key_store_free (f->store);
  remove_dir (f->dir);
  g_free (f->dir);
}

static gchar *
create_key (GwKeyStore * store, GwRole role, const gchar * name)
{
  g_autoptr (GError) error = NULL;
  gchar *key = NULL;

  g_assert_true (gw_keys_create (store, role, name, &key, &error));
  g_assert_no_error (error);
  g_assert_nonnull (key);
  return key;
}

static void
test_role_nicks (void)
{
  GwRole role;

  g_assert_cmpstr (gw_role_to_nick (GW_ROLE_VIEWER), ==, "viewer");
  g_assert_cmpstr (gw_role_to_nick (GW_ROLE_OPERATOR), ==, "operator");
  g_assert_cmpstr (gw_role_to_nick (GW_ROLE_ADMIN), ==, "admin");
  g_assert_true (gw_role_from_nick ("operator", &role));
  g_assert_cmpint (role, ==, GW_ROLE_OPERATOR);
  g_assert_false (gw_role_from_nick ("root", &role));
  g_assert_true (GW_ROLE_VIEWER < GW_ROLE_OPERATOR
      && GW_ROLE_OPERATOR < GW_ROLE_ADMIN);
}

static void
test_create_lookup (Fixture * f, gconstpointer data)
{
  g_autofree gchar *key = create_key (f->store, GW_ROLE_OPERATOR, "ops");
  g_autofree gchar *name = NULL;
  g_autofree gchar *wrong = NULL;
  g_autoptr (CgError) error = NULL;
  GwRole role = GW_ROLE_ANONYMOUS;

  g_assert_true (g_str_has_prefix (key, "cgk_"));
  g_assert_cmpuint (strlen (key), ==, 4 + 43);
  g_assert_true (gw_keys_lookup (f->store, key, &role, &name, &error));
  g_assert_null (error);
  g_assert_cmpint (role, ==, GW_ROLE_OPERATOR);
  g_assert_cmpstr (name, ==, "ops");

  /* The same key with its last character changed, a prefix, nothing. */
  wrong = g_strdup (key);
  wrong[strlen (wrong) - 1] = wrong[strlen (wrong) - 1] == 'A' ? 'B' : 'A';
  g_assert_false (gw_keys_lookup (f->store, wrong, &role, NULL, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (cg_error_get_code (error), ==, CG_CODE_INVALID_API_KEY);
  g_clear_pointer (&error, cg_error_unref);
  wrong[10] = '\0';
  g_assert_false (gw_keys_lookup (f->store, wrong, NULL, NULL, NULL));
  g_assert_false (gw_keys_lookup (f->store, "", NULL, NULL, NULL));
  g_assert_false (gw_keys_lookup (f->store, NULL, NULL, NULL, NULL));
}

static void
test_file_mode_and_no_key (Fixture * f, gconstpointer data)
{
  g_autofree gchar *key = create_key (f->store, GW_ROLE_ADMIN, "lead");
  g_autofree gchar *text = NULL;
  GStatBuf st;

  g_assert_cmpint (g_stat (gw_key_store_get_path (f->store), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (gw_key_store_get_path (f->store),
          &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"lead\""));
  /* Neither the key nor its random part is in the file. */
  g_assert_null (strstr (text, key));
  g_assert_null (strstr (text, key + 4));
  g_assert_null (strstr (text, "cgk_"));
}

static guint
count_files (const gchar * dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d))
    n++;
  g_dir_close (d);
  return n;
}

static void
test_atomic_rewrite_and_reload (Fixture * f, gconstpointer data)
{
  g_autofree gchar *k1 = create_key (f->store, GW_ROLE_VIEWER, "one");
  g_autofree gchar *k2 = NULL;
  g_autoptr (GwKeyStore) again = NULL;
  g_autoptr (GError) error = NULL;
  GStatBuf before, after;
  GwRole role;

  g_assert_cmpint (g_stat (gw_key_store_get_path (f->store), &before), ==, 0);
  k2 = create_key (f->store, GW_ROLE_ADMIN, "two");
  g_assert_cmpint (g_stat (gw_key_store_get_path (f->store), &after), ==, 0);
  /* Rewritten by rename over the old file, not in place ... */
  g_assert_cmpuint (before.st_ino, !=, after.st_ino);
  /* ... leaving no temporary file behind, and still 0600. */
  g_assert_cmpuint (count_files (f->dir), ==, 1);
  g_assert_cmpint (after.st_mode & 0777, ==, 0600);

  /* A second store on the same directory reads both keys back. */
  again = gw_key_store_new (f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gw_key_store_get_n_keys (again), ==, 2);
  g_assert_true (gw_keys_lookup (again, k1, &role, NULL, NULL));
  g_assert_cmpint (role, ==, GW_ROLE_VIEWER);
  g_assert_true (gw_keys_lookup (again, k2, &role, NULL, NULL));
  g_assert_cmpint (role, ==, GW_ROLE_ADMIN);
}

static void
test_malformed_store (Fixture * f, gconstpointer data)
{
  g_autofree gchar *path = g_build_filename (f->dir, "keys.json", NULL);
  g_autoptr (GError) error = NULL;
  GwKeyStore *s;

  g_assert_true (g_file_set_contents (path, "{\"keys\": [{\"id\": \"x\"}]}",
          -1, NULL));
  s = gw_key_store_new (f->dir, &error);
  g_assert_null (s);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (path, "not json", -1, NULL));
  s = gw_key_store_new (f->dir, &error);
  g_assert_null (s);
  g_assert_nonnull (error);
}

static void
test_create_bad_role (Fixture * f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gchar *key = NULL;

  g_assert_false (gw_keys_create (f->store, GW_ROLE_ANONYMOUS, "x", &key,
          &error));
  g_assert_nonnull (error);
  g_assert_null (key);
  g_assert_cmpuint (gw_key_store_get_n_keys (f->store), ==, 0);
}

/* Each role against each action class: the expected minimum role. */
static const struct
{
  const gchar *action;
  GwRole min;
} expected[] = {
  {"health.read", GW_ROLE_ANONYMOUS},
  {"cameras.read", GW_ROLE_VIEWER},
  {"snapshots.read", GW_ROLE_VIEWER},
  {"events.read", GW_ROLE_VIEWER},
  {"errors.read", GW_ROLE_VIEWER},
  {"cameras.control", GW_ROLE_OPERATOR},
  {"quality.write", GW_ROLE_OPERATOR},
  {"cameras.write", GW_ROLE_ADMIN},
  {"pipelines.write", GW_ROLE_ADMIN},
  {"metrics.read", GW_ROLE_ADMIN},
  {"keys.write", GW_ROLE_ADMIN},
  {"no.such.action", GW_ROLE_ADMIN},
  {"get_camera_list", GW_ROLE_VIEWER},
  {"take_snapshot", GW_ROLE_VIEWER},
  {"subscribe", GW_ROLE_VIEWER},
  {"start_camera", GW_ROLE_OPERATOR},
  {"set_quality", GW_ROLE_OPERATOR},
  {"authenticate", GW_ROLE_ANONYMOUS},
  {"delete_everything", GW_ROLE_ADMIN},
};

static void
test_role_table (Fixture * f, gconstpointer data)
{
  GwRole roles[] = { GW_ROLE_VIEWER, GW_ROLE_OPERATOR, GW_ROLE_ADMIN };
  gchar *keys[3];
  guint i, j;

  g_assert_cmpint (gw_auth_required_role (NULL), ==, GW_ROLE_ADMIN);
  for (j = 0; j < 3; j++)
    keys[j] = create_key (f->store, roles[j], gw_role_to_nick (roles[j]));

  for (i = 0; i < G_N_ELEMENTS (expected); i++) {
    g_assert_cmpint (gw_auth_required_role (expected[i].action), ==,
        expected[i].min);
    for (j = 0; j < 3; j++) {
      g_autoptr (CgError) error = NULL;
      g_autofree gchar *name = NULL;
      GwRole got = GW_ROLE_ANONYMOUS;
      gboolean ok =
          gw_auth_authorize (f->store, keys[j], NULL, expected[i].action,
          &got, &name, &error);

      if (roles[j] >= expected[i].min) {
        g_assert_true (ok);
        g_assert_null (error);
      } else {
        g_assert_false (ok);
        g_assert_cmpint (cg_error_get_code (error), ==,
            CG_CODE_INSUFFICIENT_PERMISSIONS);
        g_assert_cmpstr (gst_structure_get_string (cg_error_get_details
                (error), "required_role"), ==,
            gw_role_to_nick (expected[i].min));
      }
    }
  }
  for (j = 0; j < 3; j++)
    g_free (keys[j]);
}

static void
test_authorize_outcomes (Fixture * f, gconstpointer data)
{
  g_autofree gchar *key = create_key (f->store, GW_ROLE_VIEWER, "v");
  g_autoptr (CgError) error = NULL;
  g_autofree gchar *name = NULL;
  GwRole role = GW_ROLE_ANONYMOUS;

  g_assert_false (gw_auth_authorize (f->store, NULL, NULL, "cameras.read", NULL,
          NULL, &error));
  g_assert_cmpint (cg_error_get_code (error), ==,
      CG_CODE_AUTHENTICATION_REQUIRED);
  g_clear_pointer (&error, cg_error_unref);
  g_assert_false (gw_auth_authorize (f->store, "cgk_nope", NULL, "cameras.read",
          NULL, NULL, &error));
  g_assert_cmpint (cg_error_get_code (error), ==, CG_CODE_INVALID_API_KEY);
  g_clear_pointer (&error, cg_error_unref);
  /* Open actions need no key. */
  g_assert_true (gw_auth_authorize (f->store, NULL, NULL, "health.read", &role,
          NULL, &error));
  g_assert_null (error);
  g_assert_cmpint (role, ==, GW_ROLE_ANONYMOUS);
  g_assert_true (gw_auth_authorize (f->store, "cgk_bad", NULL, "health.read",
          &role, &name, &error));
  g_assert_cmpint (role, ==, GW_ROLE_ANONYMOUS);
  g_assert_cmpstr (name, ==, "anonymous");
  g_clear_pointer (&name, g_free);
  g_assert_true (gw_auth_authorize (f->store, key, NULL, "health.read", &role,
          &name, &error));
  g_assert_cmpint (role, ==, GW_ROLE_VIEWER);
  g_assert_cmpstr (name, ==, "v");
  g_clear_pointer (&name, g_free);
  /* Auth off: every caller is admin. */
  g_assert_true (gw_auth_authorize (NULL, NULL, NULL, "keys.write", &role,
          &name, &error));
  g_assert_cmpint (role, ==, GW_ROLE_ADMIN);
  g_assert_cmpstr (name, ==, "auth-off");
}

static void
test_credentials_from_headers (void)
{
  g_autoptr (SoupMessageHeaders) h =
      soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);

  g_assert_null (gw_auth_credential_from_headers (h));
  soup_message_headers_replace (h, "X-API-Key", "cgk_x");
  g_assert_cmpstr (gw_auth_credential_from_headers (h), ==, "cgk_x");
  soup_message_headers_replace (h, "Authorization", "bearer cgk_y");
  g_assert_cmpstr (gw_auth_credential_from_headers (h), ==, "cgk_y");
  soup_message_headers_replace (h, "Authorization", "Basic Zm9vOmJhcg==");
  g_assert_cmpstr (gw_auth_credential_from_headers (h), ==, "cgk_x");
  soup_message_headers_remove (h, "X-API-Key");
  g_assert_null (gw_auth_credential_from_headers (h));
}

/* Another store on the same directory (a second process's view) sees
 * created and revoked keys after a reload, and only then. */
static void
test_reload (Fixture * f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwKeyStore) other = gw_key_store_new (f->dir, &error);
  g_autofree gchar *key = create_key (f->store, GW_ROLE_OPERATOR, "late");
  g_autoptr (GPtrArray) revoked = NULL;
  guint added = 9, removed = 9;
  GwRole role = GW_ROLE_ANONYMOUS;

  g_assert_no_error (error);
  g_assert_false (gw_keys_lookup (other, key, NULL, NULL, NULL));
  g_assert_true (gw_key_store_reload (other, &added, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 1);
  g_assert_cmpuint (removed, ==, 0);
  g_assert_true (gw_keys_lookup (other, key, &role, NULL, NULL));
  g_assert_cmpint (role, ==, GW_ROLE_OPERATOR);

  g_assert_true (gw_keys_revoke (f->store, "late", &revoked, &error));
  g_assert_cmpuint (revoked->len, ==, 1);
  g_assert_true (gw_keys_lookup (other, key, NULL, NULL, NULL));
  g_assert_true (gw_key_store_reload (other, &added, &removed, &error));
  g_assert_cmpuint (added, ==, 0);
  g_assert_cmpuint (removed, ==, 1);
  g_assert_false (gw_keys_lookup (other, key, NULL, NULL, NULL));
}

/* A file that is not JSON, or holds a malformed key, keeps the keys in
 * force; a missing one is a store without keys. */
static void
test_reload_keeps_keys (Fixture * f, gconstpointer data)
{
  g_autofree gchar *key = create_key (f->store, GW_ROLE_VIEWER, "v");
  const gchar *path = gw_key_store_get_path (f->store);
  g_autoptr (GError) e1 = NULL, e2 = NULL, e3 = NULL;
  guint removed = 0;

  g_assert_true (g_file_set_contents (path, "{not json", -1, NULL));
  g_assert_false (gw_key_store_reload (f->store, NULL, NULL, &e1));
  g_assert_true (e1->domain == JSON_PARSER_ERROR);
  g_assert_true (gw_keys_lookup (f->store, key, NULL, NULL, NULL));

  g_assert_true (g_file_set_contents (path, "{\"keys\":[{\"id\":\"x\"}]}",
          -1, NULL));
  g_assert_false (gw_key_store_reload (f->store, NULL, NULL, &e2));
  g_assert_error (e2, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_assert_true (gw_keys_lookup (f->store, key, NULL, NULL, NULL));

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_true (gw_key_store_reload (f->store, NULL, &removed, &e3));
  g_assert_no_error (e3);
  g_assert_cmpuint (removed, ==, 1);
  g_assert_cmpuint (gw_key_store_get_n_keys (f->store), ==, 0);
}

/* --revoke-key: every key of a name, or one by id; nothing matched is
 * NOENT and changes nothing. */
static void
test_revoke (Fixture * f, gconstpointer data)
{
  g_autofree gchar *a = create_key (f->store, GW_ROLE_VIEWER, "dup");
  g_autofree gchar *b = create_key (f->store, GW_ROLE_ADMIN, "dup");
  g_autofree gchar *c = create_key (f->store, GW_ROLE_OPERATOR, "solo");
  g_autoptr (GPtrArray) gone = NULL, gone2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GwKeyStore) reread = NULL;
  g_auto (GStrv) parts = NULL;

  g_assert_false (gw_keys_revoke (f->store, "nobody", NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);
  g_assert_cmpuint (gw_key_store_get_n_keys (f->store), ==, 3);

  g_assert_true (gw_keys_revoke (f->store, "dup", &gone, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gone->len, ==, 2);
  g_assert_false (gw_keys_lookup (f->store, a, NULL, NULL, NULL));
  g_assert_false (gw_keys_lookup (f->store, b, NULL, NULL, NULL));
  g_assert_true (gw_keys_lookup (f->store, c, NULL, NULL, NULL));

  /* by id: the first word of a revoked line is an id; find solo's */
  reread = gw_key_store_new (f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gw_key_store_get_n_keys (reread), ==, 1);
  {
    g_autoptr (JsonParser) parser = json_parser_new ();
    JsonArray *keys;

    g_assert_true (json_parser_load_from_file (parser,
            gw_key_store_get_path (f->store), NULL));
    keys = json_object_get_array_member (json_node_get_object
        (json_parser_get_root (parser)), "keys");
    g_assert_cmpuint (json_array_get_length (keys), ==, 1);
    parts = g_strsplit (json_object_get_string_member
        (json_array_get_object_element (keys, 0), "id"), "\"", 2);
  }
  g_assert_true (gw_keys_revoke (f->store, parts[0], &gone2, &error));
  g_assert_cmpuint (gone2->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (gone2, 0), parts[0]));
  g_assert_false (gw_keys_lookup (f->store, c, NULL, NULL, NULL));
  g_assert_cmpuint (gw_key_store_get_n_keys (f->store), ==, 0);
}

/* Two key stores on one directory (two --create-key / --revoke-key runs
 * at the same time): each change starts from the file as it is, so none
 * is lost. */
static void
test_concurrent_changes (Fixture * f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwKeyStore) other = gw_key_store_new (f->dir, &error);
  g_autoptr (GwKeyStore) reread = NULL;
  g_autofree gchar *a = NULL, *b = NULL, *c = NULL;

  g_assert_no_error (error);
  a = create_key (f->store, GW_ROLE_VIEWER, "a");
  b = create_key (other, GW_ROLE_VIEWER, "b");  /* other had not seen a */
  c = create_key (f->store, GW_ROLE_ADMIN, "c");        /* nor had f->store b */
  g_assert_true (gw_keys_revoke (other, "c", NULL, &error));
  g_assert_no_error (error);
  reread = gw_key_store_new (f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gw_key_store_get_n_keys (reread), ==, 2);
  g_assert_true (gw_keys_lookup (reread, a, NULL, NULL, NULL));
  g_assert_true (gw_keys_lookup (reread, b, NULL, NULL, NULL));
  g_assert_false (gw_keys_lookup (reread, c, NULL, NULL, NULL));
}

/* A key remembered on a connection (gw_keys_lookup_cached()) answers like
 * the store: the same key again, not another one, not a prefix of it, and
 * not once the store changed (revoked here, reloaded from another process,
 * or a key created). */
static void
test_lookup_cached (Fixture * f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwKeyStore) other = gw_key_store_new (f->dir, &error);
  g_autoptr (GObject) conn = g_object_new (G_TYPE_OBJECT, NULL);
  g_autofree gchar *key = create_key (f->store, GW_ROLE_OPERATOR, "conn");
  g_autofree gchar *viewer = create_key (f->store, GW_ROLE_VIEWER, "v");
  g_autofree gchar *prefix = g_strndup (key, strlen (key) - 1);
  g_autofree gchar *name = NULL;
  g_autofree gchar *late = NULL;
  GwRole role = GW_ROLE_ANONYMOUS;

  g_assert_true (gw_keys_lookup_cached (f->store, key, conn, &role, &name,
          NULL));
  g_assert_cmpint (role, ==, GW_ROLE_OPERATOR);
  g_assert_cmpstr (name, ==, "conn");
  g_clear_pointer (&name, g_free);
  g_assert_true (gw_keys_lookup_cached (f->store, key, conn, &role, &name,
          NULL));
  g_assert_cmpstr (name, ==, "conn");
  g_assert_false (gw_keys_lookup_cached (f->store, prefix, conn, NULL, NULL,
          NULL));
  g_assert_true (gw_keys_lookup_cached (f->store, viewer, conn, &role, NULL,
          NULL));
  g_assert_cmpint (role, ==, GW_ROLE_VIEWER);

  /* revoked in this store */
  g_assert_true (gw_keys_lookup_cached (f->store, key, conn, NULL, NULL, NULL));
  g_assert_true (gw_keys_revoke (f->store, "conn", NULL, &error));
  g_assert_false (gw_keys_lookup_cached (f->store, key, conn, NULL, NULL,
          NULL));

  /* revoked by another process: seen on reload */
  g_assert_no_error (error);
  g_assert_true (gw_key_store_reload (other, NULL, NULL, &error));
  g_assert_true (gw_keys_lookup_cached (other, viewer, conn, NULL, NULL, NULL));
  g_assert_true (gw_keys_revoke (f->store, "v", NULL, &error));
  g_assert_true (gw_keys_lookup_cached (other, viewer, conn, NULL, NULL, NULL));
  g_assert_true (gw_key_store_reload (other, NULL, NULL, &error));
  g_assert_false (gw_keys_lookup_cached (other, viewer, conn, NULL, NULL,
          NULL));

  /* a create changes the store too: the remembered key is checked again */
  late = create_key (other, GW_ROLE_ADMIN, "late");
  g_assert_true (gw_keys_lookup_cached (other, late, conn, &role, NULL, NULL));
  g_assert_cmpint (role, ==, GW_ROLE_ADMIN);
}

/* A grant lets named keys call one action above their role, and nothing
 * else: the Prometheus key of `metrics-keys` may scrape, not write. */
static void
test_grant (Fixture * f, gconstpointer data)
{
  g_autofree gchar *prom = create_key (f->store, GW_ROLE_VIEWER, "prom");
  g_autofree gchar *other = create_key (f->store, GW_ROLE_VIEWER, "other");
  const gchar *names[] = { "prom", NULL };
  g_autoptr (CgError) error = NULL;
  g_autofree gchar *name = NULL;
  GwRole role = GW_ROLE_ANONYMOUS;

  g_assert_false (gw_auth_authorize (f->store, prom, NULL, "metrics.read", NULL,
          NULL, NULL));
  gw_key_store_grant (f->store, "metrics.read", names);
  g_assert_true (gw_auth_authorize (f->store, prom, NULL, "metrics.read", &role,
          &name, NULL));
  g_assert_cmpint (role, ==, GW_ROLE_VIEWER);
  g_assert_cmpstr (name, ==, "prom");
  /* only that action, only that key, still a valid key */
  g_assert_false (gw_auth_authorize (f->store, prom, NULL, "cameras.write",
          NULL, NULL, &error));
  g_assert_cmpint (cg_error_get_code (error), ==,
      CG_CODE_INSUFFICIENT_PERMISSIONS);
  g_clear_pointer (&error, cg_error_unref);
  g_assert_false (gw_auth_authorize (f->store, other, NULL, "metrics.read",
          NULL, NULL, &error));
  g_assert_cmpint (cg_error_get_code (error), ==,
      CG_CODE_INSUFFICIENT_PERMISSIONS);
  g_clear_pointer (&error, cg_error_unref);
  g_assert_false (gw_auth_authorize (f->store, NULL, NULL, "metrics.read", NULL,
          NULL, &error));
  g_assert_cmpint (cg_error_get_code (error), ==,
      CG_CODE_AUTHENTICATION_REQUIRED);
  g_clear_pointer (&error, cg_error_unref);
  /* revoked: the grant names a key that no longer is */
  g_assert_true (gw_keys_revoke (f->store, "prom", NULL, NULL));
  g_assert_false (gw_auth_authorize (f->store, prom, NULL, "metrics.read", NULL,
          NULL, &error));
  g_assert_cmpint (cg_error_get_code (error), ==, CG_CODE_INVALID_API_KEY);
  /* taken back */
  gw_key_store_grant (f->store, "metrics.read", NULL);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gw-auth/role-nicks", test_role_nicks);
  g_test_add_func ("/gw-auth/credentials-from-headers",
      test_credentials_from_headers);
#define ADD(path, fn) \
  g_test_add ("/gw-auth/" path, Fixture, NULL, fixture_setup, fn, \
      fixture_teardown)
  ADD ("create-lookup", test_create_lookup);
  ADD ("file-mode-and-no-key", test_file_mode_and_no_key);
  ADD ("atomic-rewrite-and-reload", test_atomic_rewrite_and_reload);
  ADD ("malformed-store", test_malformed_store);
  ADD ("create-bad-role", test_create_bad_role);
  ADD ("role-table", test_role_table);
  ADD ("authorize-outcomes", test_authorize_outcomes);
  ADD ("reload", test_reload);
  ADD ("reload-keeps-keys", test_reload_keeps_keys);
  ADD ("revoke", test_revoke);
  ADD ("grant", test_grant);
  ADD ("concurrent-changes", test_concurrent_changes);
  ADD ("lookup-cached", test_lookup_cached);
#undef ADD
  return g_test_run ();
}
