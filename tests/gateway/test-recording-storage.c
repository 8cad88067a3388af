/* camguard-gateway tests - recordings and storage against the real binary:
 * a full tmpfs, unwritable directories, traversal names, continuous
 * recording with retention and STORAGE_LOW, the config keys
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage (meson passes it): test-recording-storage CAMGUARD-GATEWAY
 *
 * Every file a test makes is decoded (qtdemux ! h264parse ! avdec_h264).
 * The tmpfs tests mount a small tmpfs (or a read-only one) in a private
 * mount namespace the test enters first; without one (not root) they
 * skip with the reason.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <string.h>

#include <sys/mount.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "recording-fixture.h"

/* A 2 MB tmpfs fills up: STORAGE_FULL event, RECORDING_FAILED on the
 * API, the camera runs on; space freed: the recording resumes. */
static void
test_full (Fixture * f, gconstpointer data)
{
  g_autoptr (GwReply) a = NULL, again = NULL, list = NULL;
  g_autoptr (JsonObject) failed = NULL, back = NULL;
  JsonObject *error;
  gint64 started0;

  if (!can_mount ())
    return;
  mount_recordings (f, "size=2m", FALSE);
  write_config (f, "", "pattern=snow\nwidth=320\nheight=240\n"
      "ladder=big:320x240@4000\n");
  start_gateway (f);
  started0 = camera_sources_started (f, NULL);
  a = call (f, "POST", RECS, NULL, 201);
  failed = wait_manual (f, "failed", 0);
  error = json_object_get_object_member (failed, "error");
  g_assert_cmpstr (json_object_get_string_member (error, "error_code"), ==,
      "RECORDING_FAILED");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member
          (error, "details"), "cause"), ==, "STORAGE_FULL");
  wait_event (f, "STORAGE_FULL");
  again = call (f, "POST", RECS, NULL, 500);
  g_assert_cmpstr (gw_reply_error_code (again), ==, "RECORDING_FAILED");
  {
    g_autoptr (GwReply) m = call (f, "GET", "/metrics", NULL, 200);
    g_autofree gchar *text = g_strndup (g_bytes_get_data (m->body, NULL),
        g_bytes_get_size (m->body));

    g_assert_nonnull (strstr (text, "camguard_recording_failures_total{"
            "camera=\"demo\",code=\"STORAGE_FULL\"} 1\n"));
  }
  g_assert_cmpint (camera_sources_started (f, NULL), ==, started0);

  rm_rf (f->recdir);            /* space back: it resumes by itself */
  back = wait_manual (f, "recording", 0.5);
  wait_event (f, "STORAGE_FULL");
  g_clear_pointer (&a, gw_reply_free);
  a = call (f, "DELETE", RECS "/current", NULL, 200);
  g_assert_cmpint (camera_sources_started (f, NULL), ==, started0);
  g_assert_cmpuint (decode_all (f, ".mp4"), ==, 1);
}

static void
expect_denied (Fixture * f)
{
  g_autoptr (GwReply) a = call (f, "POST", RECS, NULL, 500);
  g_autoptr (GwReply) st = NULL;

  g_assert_cmpstr (gw_reply_error_code (a), ==, "RECORDING_FAILED");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member
          (json_node_get_object (a->json), "details"), "cause"), ==,
      "STORAGE_DENIED");
  wait_event (f, "STORAGE_DENIED");
  camera_sources_started (f, NULL);     /* still running */
}

/* The directory cannot be made (recordings is a file): STORAGE_DENIED. */
static void
test_denied_missing (Fixture * f, gconstpointer data)
{
  g_autofree gchar *root = g_build_filename (f->data, "recordings", NULL);

  g_assert_true (g_file_set_contents (root, "not a directory", -1, NULL));
  write_config (f, "", "");
  start_gateway (f);
  expect_denied (f);
}

/* A read-only mount: STORAGE_DENIED. */
static void
test_denied_read_only (Fixture * f, gconstpointer data)
{
  if (!can_mount ())
    return;
  mount_recordings (f, "size=1m", TRUE);
  write_config (f, "", "");
  start_gateway (f);
  expect_denied (f);
}

/* Names cannot leave the directory: .., encoded dots and slashes,
 * absolute paths, a symlink placed in the directory. */
static void
test_traversal (Fixture * f, gconstpointer data)
{
  const gchar *paths[] = {
    RECS "/..", RECS "/%2e%2e", RECS "/%2e%2e%2fevents.db",
    RECS "/..%2f..%2fevents.db", RECS "/%2fetc%2fpasswd",
    RECS "/%2e%2e%2f%2e%2e%2fgw.conf", RECS "/link.mp4",
    RECS "/.hidden.mp4", RECS "/../../../events.db",
  };
  g_autofree gchar *link = NULL, *target = NULL;
  guint i;

  write_config (f, "", "");
  g_assert_cmpint (g_mkdir_with_parents (f->recdir, 0755), ==, 0);
  link = g_build_filename (f->recdir, "link.mp4", NULL);
  target = g_build_filename (f->tmpdir, "gw.conf", NULL);
  g_assert_cmpint (symlink (target, link), ==, 0);
  start_gateway (f);
  for (i = 0; i < G_N_ELEMENTS (paths); i++) {
    g_autofree gchar *body = NULL;
    guint status = raw_get (f, paths[i], &body);

    g_test_message ("GET %s: %u", paths[i], status);
    g_assert_cmpuint (status, >=, 400);
    g_assert_cmpuint (status, <, 500);
    g_assert_null (strstr (body, "[camera demo]"));
    g_assert_null (strstr (body, "SQLite"));
    g_assert_null (strstr (body, "root:"));
  }
}

/* Continuous recording in 1 s segments, retention by age (3 s): files
 * appear and old ones go; every file left decodes. STORAGE_LOW with a
 * threshold above the free space. */
static void
test_continuous (Fixture * f, gconstpointer data)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, NULL);
  gint64 end = g_get_monotonic_time () + GW_TEST_WAIT_MS * 2 * 1000;
  gboolean deleted = FALSE;

  write_config (f, "storage-low-mb=2147483647\n", "record=true\n"
      "record-segment=1\nrecord-max-age=3\n");
  start_gateway (f);
  while (!deleted && iterate_until (end)) {
    g_autoptr (GwReply) r = call (f, "GET", RECS, NULL, 200);
    JsonArray *files = json_object_get_array_member (json_node_get_object
        (r->json), "files");
    g_autoptr (GHashTable) now = g_hash_table_new (g_str_hash, g_str_equal);
    GHashTableIter it;
    gpointer key;
    guint i;

    for (i = 0; i < json_array_get_length (files); i++) {
      const gchar *name = json_object_get_string_member
          (json_array_get_object_element (files, i), "name");

      g_hash_table_add (now, (gpointer) name);
      if (g_str_has_prefix (name, "continuous-"))
        g_hash_table_add (seen, g_strdup (name));
    }
    g_hash_table_iter_init (&it, seen);
    while (g_hash_table_iter_next (&it, &key, NULL)) {
      /* a .partial name becomes NAME.mp4 once finalized */
      g_autofree gchar *final = g_str_has_suffix (key, ".partial.mp4") ?
          g_strdup_printf ("%.*s.mp4", (int) strlen (key) - 12,
          (gchar *) key) : g_strdup (key);

      if (!g_hash_table_contains (now, key)
          && !g_hash_table_contains (now, final))
        deleted = TRUE;
    }
  }
  g_assert_true (deleted);
  g_assert_cmpuint (g_hash_table_size (seen), >=, 3);
  wait_event (f, "STORAGE_LOW");
  g_assert_cmpint (gw_process_stop (&f->gw, SIGTERM, GW_TEST_WAIT_MS), ==, 0);
  g_assert_cmpuint (decode_all (f, ".mp4"), >=, 1);
}

/* The record keys go through the camera spec checks. */
static void
test_config_keys (Fixture * f, gconstpointer data)
{
  const gchar *bad[] = { "record=maybe\n", "record-segment=0\n",
    "record-max-age=-1\n", "record-max-size=big\n"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autofree gchar *out = NULL, *err = NULL;
    gint status = 0;
    const gchar *argv[] = { gateway_path, "--config", f->config,
      "--check-config", NULL
    };
    g_autofree gchar *key = g_strndup (bad[i], strchr (bad[i], '=') - bad[i]);

    write_config (f, "", bad[i]);
    g_assert_true (g_spawn_sync (NULL, (gchar **) argv, NULL,
            G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, NULL));
    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (err, key));
  }
  write_config (f, "storage-low-mb=10\n", "record=true\n"
      "record-segment=60\nrecord-max-age=86400\nrecord-max-size=1024\n");
  {
    g_autofree gchar *out = NULL, *err = NULL;
    gint status = 0;
    const gchar *argv[] = { gateway_path, "--config", f->config,
      "--check-config", NULL
    };

    g_assert_true (g_spawn_sync (NULL, (gchar **) argv, NULL,
            G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
}

int
main (int argc, char **argv)
{
  enter_mount_namespace ();
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  gateway_path = argv[1];

#define ADD(name, func) g_test_add ("/recording/" name, Fixture, NULL, \
      setup, func, teardown)
  ADD ("storage-full", test_full);
  ADD ("denied-missing-dir", test_denied_missing);
  ADD ("denied-read-only", test_denied_read_only);
  ADD ("traversal", test_traversal);
  ADD ("continuous-retention", test_continuous);
  ADD ("config-keys", test_config_keys);
#undef ADD
  return g_test_run ();
}
