/* camguard-gateway - tests for the SQLite event store
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Real SQLite files in a temporary directory. The read-only and full-disk
 * cases mount a read-only / tiny tmpfs in a private mount namespace (as
 * root); without the privilege they are skipped with the reason.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "gw-event-store.h"
#include "gw-test-events.h"

#define N_CAMERAS 5
#define BASE_TS G_GINT64_CONSTANT (1700000000000000)

/* Why the mount tests cannot run, or NULL. */
static gchar *no_mount_reason;

/* A bounded wait that only detects a hang. */
#define WAIT_US (30 * G_USEC_PER_SEC)

typedef struct
{
  gchar *dir;
  GwEventStore *store;
  GPtrArray *errors;            /* CgError reported */
  gint64 now;                   /* the injected clock */
  gboolean mounted;
} Fixture;

static void
on_error (GwEventStore * store, const CgError * error, gpointer user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->errors, cg_error_copy (error));
}

static gint64
fixture_clock (gpointer data)
{
  return ((Fixture *) data)->now;
}

static void
fixture_open_with (Fixture * f, GwEventStoreConfig * config)
{
  config->clock_func = fixture_clock;
  config->clock_data = f;
  f->store = gw_event_store_new (f->dir, config, on_error, f);
  g_assert_nonnull (f->store);
}

static void
fixture_open (Fixture * f, guint max_count, gint64 max_age_us)
{
  GwEventStoreConfig config;

  gw_event_store_config_init (&config);
  config.max_count = max_count;
  config.max_age_us = max_age_us;
  fixture_open_with (f, &config);
}

static void
fixture_close (Fixture * f)
{
  gw_event_store_close (f->store);
  f->store = NULL;
}

static void
setup (Fixture * f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("gw-event-store-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->errors = g_ptr_array_new_with_free_func ((GDestroyNotify)
      cg_error_unref);
  f->now = BASE_TS;
}

static void
teardown (Fixture * f, gconstpointer data)
{
  if (f->store)
    fixture_close (f);
  if (f->mounted)
    g_assert_cmpint (umount2 (f->dir, MNT_DETACH), ==, 0);
  remove_dir (f->dir);
  g_free (f->dir);
  g_ptr_array_unref (f->errors);
}

static void
flush (Fixture * f)
{
  store_flush (f->store);
}

static GPtrArray *
query (Fixture * f, const GwEventQuery * q, gint64 * cursor, GError ** error)
{
  return store_query (f->store, q, cursor, error);
}

static const gchar *const kinds[] = { "error", "warning", "retry",
  "recovery"
};

/* Event @i: camera cam<i % 5>; an error, a warning, a retry or a
 * recovery in turn; at BASE_TS + i ms. */
static GwEvent *
make_event (guint i)
{
  static const CgCode codes[] = { CG_CODE_CAMERA_UNREACHABLE,
    CG_CODE_QUALITY_DEGRADED, CG_CODE_CONNECTION_TIMEOUT,
    CG_CODE_DEVICE_NOT_FOUND
  };
  gchar *cam = g_strdup_printf ("cam%u", i % N_CAMERAS);
  CgError *e = cg_error_new (codes[i % 4], NULL);
  GwEvent *ev;

  cg_error_set_camera_id (e, cam);
  cg_error_set_timestamp (e, BASE_TS + (gint64) i * 1000);
  if (i % 4 < 2) {
    ev = gw_event_new_from_error (e);
  } else {
    GstStructure *es = cg_error_to_structure (e);
    GstStructure *s = gst_structure_new ("camguard-retry", "event",
        G_TYPE_STRING, i % 4 == 2 ? "retrying" : "recovered",
        "attempt", G_TYPE_UINT, i, "code", G_TYPE_STRING,
        cg_error_get_code_name (e), "error", GST_TYPE_STRUCTURE, es, NULL);
    GstMessage *m = gst_message_new_element (NULL, s);

    ev = gw_event_new_from_element_message (m, cam);
    gst_message_unref (m);
    gst_structure_free (es);
  }
  /* retries are stamped when they are made: the same time for all */
  gw_event_set_timestamp (ev, BASE_TS + (gint64) i * 1000);
  g_assert_cmpstr (gw_event_kind_to_string (gw_event_get_kind (ev)), ==,
      kinds[i % 4]);
  cg_error_unref (e);
  g_free (cam);
  return ev;
}

static void
append_range (Fixture * f, guint from, guint to)
{
  guint i;

  for (i = from; i < to; i++) {
    GwEvent *ev = make_event (i);

    gw_event_store_append (f->store, ev);
    gw_event_unref (ev);
  }
}

/* Every page of @q, concatenated; checks ids strictly decrease. */
static GPtrArray *
query_all (Fixture * f, GwEventQuery * q)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gw_event_unref);
  gint64 cursor;

  do {
    GPtrArray *page = query (f, q, &cursor, NULL);
    guint i;

    g_assert_nonnull (page);
    g_assert_cmpuint (page->len, <=, q->limit);
    for (i = 0; i < page->len; i++) {
      GwEvent *ev = g_ptr_array_index (page, i);

      if (all->len > 0)
        g_assert_cmpint (gw_event_get_id (ev), <,
            gw_event_get_id (g_ptr_array_index (all, all->len - 1)));
      g_ptr_array_add (all, gw_event_ref (ev));
    }
    g_ptr_array_unref (page);
    q->before_id = cursor;
  } while (cursor != 0);
  return all;
}

/* The filters and the time range over make_event()'s 10000 events. */
static void
check_filters (Fixture * f)
{
  GwEventQuery q;
  GPtrArray *all;
  guint i;

  /* the default page is the newest 100 */
  gw_event_query_init (&q);
  all = query (f, &q, NULL, NULL);
  g_assert_cmpuint (all->len, ==, 100);
  g_assert_cmpint (gw_event_get_id (all->pdata[0]), ==, 10000);
  g_ptr_array_unref (all);

  /* one camera, in pages of 300 */
  gw_event_query_init (&q);
  q.camera_id = "cam3";
  q.limit = 300;
  all = query_all (f, &q);
  g_assert_cmpuint (all->len, ==, 2000);
  for (i = 0; i < all->len; i++)
    g_assert_cmpstr (gw_event_get_camera_id (all->pdata[i]), ==, "cam3");
  g_ptr_array_unref (all);

  /* severity, code, kind and camera together */
  gw_event_query_init (&q);
  q.severity = "warning";
  q.limit = 1000;
  all = query_all (f, &q);
  g_assert_cmpuint (all->len, ==, 2500);
  g_ptr_array_unref (all);
  gw_event_query_init (&q);
  q.code = "CONNECTION_TIMEOUT";
  q.kind = "retry";
  q.camera_id = "cam2";
  q.limit = 1000;
  all = query_all (f, &q);
  /* i % 4 == 2 and i % 5 == 2: i = 2 mod 20 */
  g_assert_cmpuint (all->len, ==, 500);
  for (i = 0; i < all->len; i++) {
    g_assert_cmpstr (gw_event_get_code (all->pdata[i]), ==,
        "CONNECTION_TIMEOUT");
    g_assert_cmpint (gw_event_get_kind (all->pdata[i]), ==,
        GW_EVENT_KIND_RETRY);
  }
  g_ptr_array_unref (all);
  gw_event_query_init (&q);
  q.kind = "recovery";
  q.code = "CAMERA_UNREACHABLE";
  all = query (f, &q, NULL, NULL);
  g_assert_cmpuint (all->len, ==, 0);
  g_ptr_array_unref (all);

  /* time range: [i = 1000, i = 2000) */
  gw_event_query_init (&q);
  q.since_us = BASE_TS + 1000 * 1000;
  q.until_us = BASE_TS + 2000 * 1000;
  q.limit = 1000;
  all = query_all (f, &q);
  g_assert_cmpuint (all->len, ==, 1000);
  g_assert_cmpint (gw_event_get_id (all->pdata[0]), ==, 2000);
  g_assert_cmpint (gw_event_get_id (all->pdata[999]), ==, 1001);
  g_ptr_array_unref (all);
}

static void
test_append_10k (Fixture * f, gconstpointer data)
{
  GwEventQuery q;
  GPtrArray *all;
  guint i;

  fixture_open (f, 0, 0);
  append_range (f, 0, 10000);
  g_assert_cmpint (gw_event_store_get_last_id (f->store), ==, 10000);
  flush (f);
  g_assert_cmpuint (gw_event_store_get_written (f->store), ==, 10000);
  g_assert_cmpuint (gw_event_store_get_lost (f->store), ==, 0);
  g_assert_cmpuint (f->errors->len, ==, 0);

  /* everything, in pages of 1000, newest first */
  gw_event_query_init (&q);
  q.limit = 1000;
  all = query_all (f, &q);
  g_assert_cmpuint (all->len, ==, 10000);
  for (i = 0; i < all->len; i++) {
    GwEvent *ev = g_ptr_array_index (all, i);
    guint n = 10000 - i - 1;    /* make_event's index */
    GwEvent *want = make_event (n);
    gchar *a, *b;

    g_assert_cmpint (gw_event_get_id (ev), ==, n + 1);
    gw_event_set_id (want, n + 1);
    a = gw_event_to_json (ev);
    b = gw_event_to_json (want);
    g_assert_cmpstr (a, ==, b);
    g_free (a);
    g_free (b);
    gw_event_unref (want);
  }
  g_ptr_array_unref (all);
  check_filters (f);
}


static void
test_reopen (Fixture * f, gconstpointer data)
{
  GwEventQuery q;
  GPtrArray *all;
  GwEvent *ev;

  fixture_open (f, 0, 0);
  append_range (f, 0, 10);
  fixture_close (f);

  fixture_open (f, 0, 0);
  g_assert_cmpint (gw_event_store_get_last_id (f->store), ==, 10);
  ev = make_event (10);
  g_assert_cmpint (gw_event_store_append (f->store, ev), ==, 11);
  gw_event_unref (ev);
  flush (f);
  gw_event_query_init (&q);
  all = query (f, &q, NULL, NULL);
  g_assert_cmpuint (all->len, ==, 11);
  g_assert_cmpint (gw_event_get_id (all->pdata[0]), ==, 11);
  g_assert_cmpint (gw_event_get_id (all->pdata[10]), ==, 1);
  g_ptr_array_unref (all);
}

static void
test_retention_count (Fixture * f, gconstpointer data)
{
  GwEventQuery q;
  GPtrArray *all;
  guint i;

  fixture_open (f, 100, 0);
  for (i = 0; i < 10; i++) {
    append_range (f, i * 100, i * 100 + 100);
    flush (f);
  }
  append_range (f, 1000, 1050);
  flush (f);
  gw_event_query_init (&q);
  q.limit = 1000;
  all = query (f, &q, NULL, NULL);
  g_assert_cmpuint (all->len, ==, 100);
  g_assert_cmpint (gw_event_get_id (all->pdata[0]), ==, 1050);
  g_assert_cmpint (gw_event_get_id (all->pdata[99]), ==, 951);
  g_ptr_array_unref (all);

  /* ids go on after a restart even when retention deleted the rows */
  fixture_close (f);
  fixture_open (f, 100, 0);
  g_assert_cmpint (gw_event_store_get_last_id (f->store), ==, 1050);
}

static void
test_retention_age (Fixture * f, gconstpointer data)
{
  const gint64 minute = 60 * G_USEC_PER_SEC;
  GwEventQuery q;
  GPtrArray *all;
  guint i;

  fixture_open (f, 0, 10 * minute);
  /* events 0..99 at BASE_TS + i ms; the clock 11 minutes later */
  f->now = BASE_TS + 11 * minute;
  for (i = 0; i < 100; i++) {
    GwEvent *ev = make_event (i);

    if (i >= 50)
      gw_event_set_timestamp (ev, BASE_TS + 2 * minute);
    gw_event_store_append (f->store, ev);
    gw_event_unref (ev);
  }
  flush (f);
  gw_event_query_init (&q);
  all = query (f, &q, NULL, NULL);
  g_assert_cmpuint (all->len, ==, 50);
  g_assert_cmpint (gw_event_get_id (all->pdata[49]), ==, 51);
  g_ptr_array_unref (all);

  /* 13 minutes on: the second half ages out with the next batch */
  f->now = BASE_TS + 13 * minute;
  {
    GwEvent *ev = make_event (100);

    gw_event_set_timestamp (ev, f->now);
    gw_event_store_append (f->store, ev);
    gw_event_unref (ev);
  }
  flush (f);
  all = query (f, &q, NULL, NULL);
  g_assert_cmpuint (all->len, ==, 1);
  g_assert_cmpint (gw_event_get_id (all->pdata[0]), ==, 101);
  g_ptr_array_unref (all);
}

static gboolean
mount_here (Fixture * f, unsigned long flags, const gchar * options)
{
  if (no_mount_reason) {
    g_test_skip (no_mount_reason);
    return FALSE;
  }
  if (mount ("tmpfs", f->dir, "tmpfs", flags, options) != 0) {
    gchar *why = g_strdup_printf ("cannot mount a tmpfs: %s",
        g_strerror (errno));

    g_test_skip (why);
    g_free (why);
    return FALSE;
  }
  f->mounted = TRUE;
  return TRUE;
}

static gboolean
has_error (gpointer data)
{
  return ((Fixture *) data)->errors->len > 0;
}

static void
wait_for_error (Fixture * f)
{
  iterate_until (has_error, f);
}

static void
check_query_fails (Fixture * f, CgCode code)
{
  GwEventQuery q;
  GError *error = NULL;
  GPtrArray *page;

  gw_event_query_init (&q);
  page = query (f, &q, NULL, &error);
  g_assert_null (page);
  g_assert_error (error, CG_CODE_ERROR, (gint) code);
  g_clear_error (&error);
}

/* How the read-only test takes write access away: a read-only tmpfs (root,
 * in the private mount namespace), else, for an unprivileged user,
 * permissions (root would ignore them). */
typedef enum
{
  RO_MOUNT,
  RO_CHMOD,
  RO_NONE,
} ReadOnlyWay;

static ReadOnlyWay
read_only_way (void)
{
  if (no_mount_reason == NULL)
    return RO_MOUNT;
  if (geteuid () != 0)
    return RO_CHMOD;
  g_test_skip (no_mount_reason);
  return RO_NONE;
}

/* Makes the directory (and the database, if any) read-only or writable. */
static void
set_read_only (Fixture * f, ReadOnlyWay way, gboolean ro)
{
  gchar *db = g_build_filename (f->dir, "events.db", NULL);

  if (way == RO_MOUNT) {
    g_assert_cmpint (mount ("tmpfs", f->dir, "tmpfs", MS_REMOUNT |
            (ro ? MS_RDONLY : 0), NULL), ==, 0);
  } else {
    g_assert_cmpint (g_chmod (f->dir, ro ? 0555 : 0755), ==, 0);
    if (g_file_test (db, G_FILE_TEST_EXISTS))
      g_assert_cmpint (g_chmod (db, ro ? 0444 : 0644), ==, 0);
  }
  g_free (db);
}

/* Opens the store where it cannot write: STORAGE_DENIED through the
 * callback (later, on the context), appends counted as lost, queries
 * answer the code. */
static void
check_denied (Fixture * f, guint64 lost_before)
{
  CgError *e;

  g_ptr_array_set_size (f->errors, 0);
  fixture_open (f, 0, 0);
  /* reported later on the context, not from inside gw_event_store_new() */
  g_assert_cmpuint (f->errors->len, ==, 0);
  wait_for_error (f);
  g_assert_cmpint (cg_error_get_code (f->errors->pdata[0]), ==,
      CG_CODE_STORAGE_DENIED);
  e = gw_event_store_get_error (f->store);
  g_assert_nonnull (e);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_STORAGE_DENIED);
  cg_error_unref (e);
  append_range (f, 0, 5);
  flush (f);
  g_assert_cmpuint (gw_event_store_get_lost (f->store), ==, lost_before + 5);
  g_assert_cmpuint (gw_event_store_get_written (f->store), ==, 0);
  check_query_fails (f, CG_CODE_STORAGE_DENIED);
  fixture_close (f);
}

/* A read-only directory, then an existing database made read-only. */
static void
test_read_only (Fixture * f, gconstpointer data)
{
  ReadOnlyWay way = read_only_way ();

  if (way == RO_NONE || (way == RO_MOUNT && !mount_here (f, 0, "size=1m")))
    return;
  set_read_only (f, way, TRUE);
  check_denied (f, 0);

  set_read_only (f, way, FALSE);
  fixture_open (f, 0, 0);
  append_range (f, 0, 5);
  flush (f);
  g_assert_cmpuint (gw_event_store_get_written (f->store), ==, 5);
  fixture_close (f);
  set_read_only (f, way, TRUE);
  check_denied (f, 0);
  set_read_only (f, way, FALSE);
}

/* A writer that cannot keep up costs no unbounded memory: beyond
 * max_queued waiting events, appends are counted as lost. The batch
 * interval is long, so nothing is written before the flush. */
static void
test_max_queued (Fixture * f, gconstpointer data)
{
  GwEventStoreConfig config;
  GwEventQuery q;
  GPtrArray *all;

  gw_event_store_config_init (&config);
  config.max_queued = 10;
  config.batch_interval_ms = 600000;
  config.batch_size = 1000;
  fixture_open_with (f, &config);
  append_range (f, 0, 15);
  g_assert_cmpuint (gw_event_store_get_lost (f->store), ==, 5);
  flush (f);
  g_assert_cmpuint (gw_event_store_get_written (f->store), ==, 10);
  /* written, the queue has room again */
  append_range (f, 15, 20);
  flush (f);
  g_assert_cmpuint (gw_event_store_get_lost (f->store), ==, 5);
  g_assert_cmpuint (gw_event_store_get_written (f->store), ==, 15);
  gw_event_query_init (&q);
  all = query (f, &q, NULL, NULL);
  g_assert_cmpuint (all->len, ==, 15);
  g_assert_cmpint (gw_event_get_id (all->pdata[0]), ==, 20);
  g_assert_cmpint (gw_event_get_id (all->pdata[5]), ==, 10);
  g_ptr_array_unref (all);
}

/* A data directory that does not exist: STORAGE_DENIED, and nothing else
 * goes wrong (runs without privileges). */
static void
test_missing_dir (Fixture * f, gconstpointer data)
{
  gchar *dir = f->dir, *path;

  f->dir = g_build_filename (dir, "missing", NULL);
  fixture_open (f, 0, 0);
  g_assert_cmpuint (f->errors->len, ==, 0);
  wait_for_error (f);
  g_assert_cmpint (cg_error_get_code (f->errors->pdata[0]), ==,
      CG_CODE_STORAGE_DENIED);
  path = g_build_filename (f->dir, "events.db", NULL);
  g_assert_cmpstr (gst_structure_get_string (cg_error_get_details
          (f->errors->pdata[0]), "path"), ==, path);
  g_free (path);
  append_range (f, 0, 3);
  flush (f);
  g_assert_cmpuint (gw_event_store_get_lost (f->store), ==, 3);
  check_query_fails (f, CG_CODE_STORAGE_DENIED);
  fixture_close (f);
  g_free (f->dir);
  f->dir = dir;
}

/* A disk that fills up: STORAGE_FULL through the callback, what was
 * written stays readable, only what could not be written is lost. */
static void
test_full (Fixture * f, gconstpointer data)
{
  guint64 appended = 0;
  GwEventQuery q;
  GPtrArray *all;
  gint64 end;

  if (!mount_here (f, 0, "size=256k"))
    return;
  fixture_open (f, 0, 0);
  end = g_get_monotonic_time () + WAIT_US;
  while (f->errors->len == 0 && g_get_monotonic_time () < end) {
    append_range (f, appended, appended + 200);
    appended += 200;
    flush (f);
  }
  g_assert_cmpuint (f->errors->len, ==, 1);
  g_assert_cmpint (cg_error_get_code (f->errors->pdata[0]), ==,
      CG_CODE_STORAGE_FULL);
  g_assert_cmpuint (gw_event_store_get_lost (f->store), >, 0);
  g_assert_cmpuint (gw_event_store_get_written (f->store), >, 0);
  g_assert_cmpuint (gw_event_store_get_written (f->store) +
      gw_event_store_get_lost (f->store), ==, appended);

  /* still running: more appends are counted, the history is readable */
  append_range (f, appended, appended + 10);
  appended += 10;
  flush (f);
  g_assert_cmpuint (gw_event_store_get_written (f->store) +
      gw_event_store_get_lost (f->store), ==, appended);
  gw_event_query_init (&q);
  q.limit = GW_EVENT_QUERY_MAX_LIMIT;
  all = query_all (f, &q);
  g_assert_cmpuint (all->len, ==, gw_event_store_get_written (f->store));
  g_ptr_array_unref (all);
}

/* A private mount namespace for the tmpfs tests, before any thread. */
static void
enter_mount_namespace (void)
{
  if (unshare (CLONE_NEWNS) != 0) {
    no_mount_reason = g_strdup_printf ("no private mount namespace "
        "(unshare: %s); needs root or CAP_SYS_ADMIN", g_strerror (errno));
    return;
  }
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    no_mount_reason = g_strdup_printf ("cannot make / private: %s",
        g_strerror (errno));
}

int
main (int argc, char **argv)
{
  enter_mount_namespace ();
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/event-store/append-10k-query", Fixture, NULL, setup,
      test_append_10k, teardown);
  g_test_add ("/event-store/reopen", Fixture, NULL, setup, test_reopen,
      teardown);
  g_test_add ("/event-store/retention-count", Fixture, NULL, setup,
      test_retention_count, teardown);
  g_test_add ("/event-store/retention-age", Fixture, NULL, setup,
      test_retention_age, teardown);
  g_test_add ("/event-store/read-only", Fixture, NULL, setup,
      test_read_only, teardown);
  g_test_add ("/event-store/max-queued", Fixture, NULL, setup,
      test_max_queued, teardown);
  g_test_add ("/event-store/missing-dir", Fixture, NULL, setup,
      test_missing_dir, teardown);
  g_test_add ("/event-store/full", Fixture, NULL, setup, test_full, teardown);
  return g_test_run ();
}
