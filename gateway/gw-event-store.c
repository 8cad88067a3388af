/* camguard-gateway - the event history in SQLite
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-event-store
 * @title: GwEventStore
 * @short_description: the event history, in SQLite in the data directory
 *
 * `events.db` in the data directory, in WAL mode with
 * `synchronous=NORMAL`. The main thread never calls SQLite on the request
 * path:
 *
 * - gw_event_store_append() gives the event its id (monotonic; it goes on
 *   after a restart) and queues it. A writer thread commits the queue in
 *   one transaction per batch (#GwEventStoreConfig:batch_interval_ms after
 *   the batch's first event, or as soon as it holds
 *   #GwEventStoreConfig:batch_size events) with prepared statements, then
 *   applies retention by age and by count.
 * - gw_event_store_query_async() runs on a worker thread with its own
 *   read connection and answers on the caller's main context (GTask). It
 *   sees what the writer has committed: up to one batch interval behind
 *   the appends (gw_event_store_flush_async() waits for them).
 *
 * A full disk, a read-only or missing directory, or an I/O error never
 * blocks or stops the gateway: the store reports STORAGE_FULL,
 * STORAGE_DENIED or STORAGE_IO through its #GwEventStoreErrorFunc on the
 * main context when it starts failing, keeps running, and counts the events
 * it could not write (gw_event_store_get_lost()). A batch that fails is
 * retried one event per transaction, so only the events that really could
 * not be written are lost. When the database cannot be opened at all, the
 * store stays unavailable until the gateway restarts: every append is
 * counted as lost and queries fail with the same code.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <string.h>

#include "gw-event-store-private.h"

#define DEFAULT_BATCH_INTERVAL_MS 75
#define DEFAULT_BATCH_SIZE 512
#define DEFAULT_MAX_QUEUED 65536
/* retention runs at least this often, even without events */
#define RETENTION_PERIOD_US (60 * G_USEC_PER_SEC)

typedef enum
{
  ITEM_EVENT,
  ITEM_FLUSH,
  ITEM_STOP,
} ItemType;

/* One event as the writer writes it: plain strings made on the appending
 * thread, so that the writer never touches a #GwEvent or its JSON. */
typedef struct
{
  gint64 id;
  gint64 ts;
  gchar *camera;
  const gchar *kind;
  gchar *severity;
  gchar *code;
  gchar *request_id;
  gchar *body;
} Row;

typedef struct
{
  ItemType type;
  Row *row;
  GTask *task;
} Item;

static Row *
row_new (GwEvent * ev)
{
  Row *r = g_new0 (Row, 1);

  r->id = gw_event_get_id (ev);
  r->ts = gw_event_get_timestamp (ev);
  r->camera = g_strdup (gw_event_get_camera_id (ev));
  r->kind = gw_event_kind_to_string (gw_event_get_kind (ev));
  r->severity = g_strdup (gw_event_get_severity (ev));
  r->code = g_strdup (gw_event_get_code (ev));
  r->request_id = g_strdup (gw_event_get_request_id (ev));
  r->body = gw_event_to_json (ev);
  return r;
}

static void
row_free (Row * r)
{
  g_free (r->camera);
  g_free (r->severity);
  g_free (r->code);
  g_free (r->request_id);
  g_free (r->body);
  g_free (r);
}


static const gchar schema[] =
    "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY,"
    " ts INTEGER NOT NULL, camera TEXT, kind TEXT NOT NULL,"
    " severity TEXT NOT NULL, code TEXT, request_id TEXT, body TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS events_ts ON events (ts);"
    "CREATE INDEX IF NOT EXISTS events_camera ON events (camera, id);"
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER);";

/**
 * gw_event_store_config_init:
 * @config: a config to fill with the defaults
 *
 * No retention limit, batches of at most 512 events or 75 ms, at most
 * 65536 events waiting for the writer, the real clock.
 */
void
gw_event_store_config_init (GwEventStoreConfig * config)
{
  memset (config, 0, sizeof (*config));
  config->batch_interval_ms = DEFAULT_BATCH_INTERVAL_MS;
  config->batch_size = DEFAULT_BATCH_SIZE;
  config->max_queued = DEFAULT_MAX_QUEUED;
}

/* The store is shared by pending reports and query tasks: a reference
 * each (private: gw-event-store-private.h). */
GwEventStore *
gw_event_store_ref_internal (GwEventStore * store)
{
  g_atomic_int_inc (&store->ref_count);
  return store;
}

/* The last reference frees what is left after gw_event_store_close(). */
void
gw_event_store_unref_internal (GwEventStore * store)
{
  if (!g_atomic_int_dec_and_test (&store->ref_count))
    return;
  g_clear_pointer (&store->error, cg_error_unref);
  g_main_context_unref (store->context);
  g_async_queue_unref (store->queue);
  g_cond_clear (&store->writer_done_cond);
  g_mutex_clear (&store->lock);
  g_mutex_clear (&store->read_lock);
  g_free (store->path);
  g_free (store);
}

/* The catalogue code of a failed SQLite call: the OS error first (ENOSPC,
 * EROFS, EACCES...), then SQLite's primary result code. */
static CgCode
storage_code (sqlite3 * db, int rc)
{
  int sys = db ? sqlite3_system_errno (db) : 0;

  if (sys == ENOSPC || sys == EDQUOT || (rc & 0xff) == SQLITE_FULL)
    return CG_CODE_STORAGE_FULL;
  if (sys == EROFS || sys == EACCES || sys == EPERM || sys == ENOENT
      || (rc & 0xff) == SQLITE_READONLY || (rc & 0xff) == SQLITE_CANTOPEN
      || (rc & 0xff) == SQLITE_PERM || (rc & 0xff) == SQLITE_AUTH)
    return CG_CODE_STORAGE_DENIED;
  return CG_CODE_STORAGE_IO;
}

/* The catalogue error of a failed SQLite call on @db (%NULL when it
 * could not even be opened), with the path, SQLite's code and the OS
 * error in its details. */
CgError *
gw_event_store_storage_error (GwEventStore * store, sqlite3 * db, int rc)
{
  CgError *e = cg_error_new (storage_code (db, rc), NULL);
  int sys = db ? sqlite3_system_errno (db) : 0;

  gst_structure_set (cg_error_get_details_writable (e),
      "component", G_TYPE_STRING, "event-store",
      "path", G_TYPE_STRING, store->path,
      "sqlite-code", G_TYPE_INT, rc,
      "sqlite-error", G_TYPE_STRING, sqlite3_errstr (rc), NULL);
  if (sys)
    gst_structure_set (cg_error_get_details_writable (e),
        "errno", G_TYPE_STRING, g_strerror (sys), NULL);
  return e;
}

typedef struct
{
  GwEventStore *store;
  CgError *error;
} Report;

static gboolean
report_on_context (gpointer data)
{
  Report *r = data;
  GwEventStoreErrorFunc func;

  g_mutex_lock (&r->store->lock);
  func = r->store->error_func;
  g_mutex_unlock (&r->store->lock);
  if (func)
    func (r->store, r->error, r->store->error_data);
  cg_error_unref (r->error);
  gw_event_store_unref_internal (r->store);
  g_free (r);
  return G_SOURCE_REMOVE;
}

/* Records a failure; reports it on the store's context when it is the
 * first, or a different code than the last. Takes @e. */
static void
set_failure (GwEventStore * store, CgError * e)
{
  gboolean report;
  GSource *source;
  Report *r;

  g_mutex_lock (&store->lock);
  report = store->error == NULL
      || cg_error_get_code (store->error) != cg_error_get_code (e);
  g_clear_pointer (&store->error, cg_error_unref);
  store->error = cg_error_ref (e);
  g_mutex_unlock (&store->lock);
  if (!report) {
    cg_error_unref (e);
    return;
  }
  g_message ("event store %s: %s (%s)", store->path,
      cg_error_get_code_name (e), cg_error_get_message (e));
  r = g_new0 (Report, 1);
  r->store = gw_event_store_ref_internal (store);
  r->error = e;
  /* always later, never from inside gw_event_store_new() */
  source = g_idle_source_new ();
  g_source_set_callback (source, report_on_context, r, NULL);
  g_source_attach (source, store->context);
  g_source_unref (source);
}

static void
clear_failure (GwEventStore * store)
{
  g_mutex_lock (&store->lock);
  if (store->error)
    g_message ("event store %s: writing again", store->path);
  g_clear_pointer (&store->error, cg_error_unref);
  g_mutex_unlock (&store->lock);
}

/* A statement kept for the connection's lifetime. */
int
gw_event_store_prepare (sqlite3 * db, const gchar * sql, sqlite3_stmt ** stmt)
{
  return sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt,
      NULL);
}

static gint64
query_int (sqlite3 * db, const gchar * sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 v = 0;

  if (gw_event_store_prepare (db, sql, &stmt) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return v;
}

/* Opens the writer's connection and the schema, and reads the last id. */
static int
open_writer (GwEventStore * store)
{
  int rc;

  rc = sqlite3_open_v2 (store->path, &store->wdb, SQLITE_OPEN_READWRITE |
      SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (store->wdb, "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;", NULL, NULL, NULL);
  if (rc == SQLITE_OK && sqlite3_db_readonly (store->wdb, "main"))
    rc = SQLITE_READONLY;
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (store->wdb, schema, NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = gw_event_store_prepare (store->wdb,
        "INSERT INTO events (id, ts, camera, kind,"
        " severity, code, request_id, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &store->insert);
  if (rc == SQLITE_OK)
    rc = gw_event_store_prepare (store->wdb,
        "INSERT OR REPLACE INTO meta (key, value)" " VALUES ('last-id', ?)",
        &store->set_last_id);
  if (rc == SQLITE_OK)
    rc = gw_event_store_prepare (store->wdb, "DELETE FROM events WHERE ts < ?",
        &store->delete_old);
  if (rc == SQLITE_OK)
    rc = gw_event_store_prepare (store->wdb, "DELETE FROM events WHERE id <= ?",
        &store->delete_over);
  if (rc == SQLITE_OK) {
    store->last_id = MAX (query_int (store->wdb,
            "SELECT value FROM meta WHERE key = 'last-id'"),
        query_int (store->wdb, "SELECT max(id) FROM events"));
    store->last_written_id = store->last_id;
  }
  return rc;
}

static gpointer writer_thread (gpointer data);

/**
 * gw_event_store_new:
 * @data_dir: the gateway's data directory (it must exist)
 * @config: (nullable): retention and batching, or %NULL for the defaults
 * @error_func: (nullable): told on the calling thread's main context when
 *   the store starts failing
 * @user_data: data for @error_func
 *
 * Opens (or creates) `events.db` in @data_dir, on the calling thread (at
 * start-up, not on a request path), and starts the writer thread. The
 * calling thread's thread-default main context is the store's context:
 * call gw_event_store_append() from it and iterate it.
 *
 * When the database cannot be opened, the store is still returned: the
 * error is reported through @error_func and the store stays unavailable.
 *
 * Returns: (transfer full): the store; gw_event_store_close() it
 */
GwEventStore *
gw_event_store_new (const gchar * data_dir, const GwEventStoreConfig * config,
    GwEventStoreErrorFunc error_func, gpointer user_data)
{
  GwEventStore *store = g_new0 (GwEventStore, 1);
  int rc;

  g_return_val_if_fail (data_dir != NULL, NULL);

  store->ref_count = 1;
  store->path = g_build_filename (data_dir, GW_EVENT_STORE_DB_NAME, NULL);
  if (config)
    store->config = *config;
  else
    gw_event_store_config_init (&store->config);
  if (store->config.batch_interval_ms == 0)
    store->config.batch_interval_ms = DEFAULT_BATCH_INTERVAL_MS;
  if (store->config.batch_size == 0)
    store->config.batch_size = DEFAULT_BATCH_SIZE;
  if (store->config.max_queued == 0)
    store->config.max_queued = DEFAULT_MAX_QUEUED;
  store->context = g_main_context_ref_thread_default ();
  store->error_func = error_func;
  store->error_data = user_data;
  g_mutex_init (&store->lock);
  g_cond_init (&store->writer_done_cond);
  g_mutex_init (&store->read_lock);
  store->queue = g_async_queue_new ();

  rc = open_writer (store);
  if (rc == SQLITE_OK)
    rc = gw_event_store_open_reader (store);
  if (rc != SQLITE_OK) {
    store->unavailable = TRUE;
    set_failure (store, gw_event_store_storage_error (store, store->wdb, rc));
  }
  store->writer = g_thread_new ("gw-event-store", writer_thread, store);
  return store;
}

/**
 * gw_event_store_append:
 * @store: the store
 * @event: an event not yet published
 *
 * Gives @event the next id and queues it for the writer. Never blocks on
 * SQLite. When the store is unavailable, or #GwEventStoreConfig:max_queued
 * events already wait for the writer, the event is counted as lost
 * instead. Call on the store's context.
 *
 * Returns: the event's id
 */
gint64
gw_event_store_append (GwEventStore * store, GwEvent * event)
{
  Item *item;
  gint64 id;
  gboolean dropped;

  g_return_val_if_fail (store != NULL && event != NULL, 0);

  /* the writer cannot write (unavailable) or keep up (a stalled disk) */
  dropped = store->unavailable || (guint) g_atomic_int_get (&store->queued) >=
      store->config.max_queued;
  g_mutex_lock (&store->lock);
  id = ++store->last_id;
  if (dropped)
    store->lost++;
  g_mutex_unlock (&store->lock);
  gw_event_set_id (event, id);
  if (dropped)
    return id;
  g_atomic_int_inc (&store->queued);
  item = g_new0 (Item, 1);
  item->type = ITEM_EVENT;
  item->row = row_new (event);
  g_async_queue_push (store->queue, item);
  return id;
}

static void
push_marker (GwEventStore * store, ItemType type, GTask * task)
{
  Item *item = g_new0 (Item, 1);

  item->type = type;
  item->task = task;
  g_async_queue_push (store->queue, item);
}

/**
 * gw_event_store_flush_async:
 * @store: the store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's context once every event appended
 *   before this call has been written (or counted as lost)
 * @user_data: data for @callback
 *
 * Asks the writer to commit its batch now.
 */
void
gw_event_store_flush_async (GwEventStore * store, GCancellable * cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, gw_event_store_flush_async);
  push_marker (store, ITEM_FLUSH, task);
}

/**
 * gw_event_store_flush_finish:
 * @store: the store
 * @result: the result
 * @error: return location for an error
 *
 * Returns: %TRUE when the flush was done
 */
gboolean
gw_event_store_flush_finish (GwEventStore * store, GAsyncResult * result,
    GError ** error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static int
insert_row (GwEventStore * store, const Row * r)
{
  sqlite3_stmt *s = store->insert;
  int rc;

  sqlite3_bind_int64 (s, 1, r->id);
  sqlite3_bind_int64 (s, 2, r->ts);
  sqlite3_bind_text (s, 3, r->camera, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 4, r->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 5, r->severity, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 6, r->code, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 7, r->request_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 8, r->body, -1, SQLITE_STATIC);
  rc = sqlite3_step (s);
  sqlite3_reset (s);
  sqlite3_clear_bindings (s);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
step_int (sqlite3_stmt * s, gint64 v)
{
  int rc;

  sqlite3_bind_int64 (s, 1, v);
  rc = sqlite3_step (s);
  sqlite3_reset (s);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* One transaction: @events[from, to). */
static int
write_range (GwEventStore * store, GPtrArray * events, guint from, guint to)
{
  gint64 last = 0;
  int rc;
  guint i;

  rc = sqlite3_exec (store->wdb, "BEGIN", NULL, NULL, NULL);
  for (i = from; rc == SQLITE_OK && i < to; i++) {
    const Row *r = g_ptr_array_index (events, i);

    rc = insert_row (store, r);
    last = MAX (last, r->id);
  }
  if (rc == SQLITE_OK)
    rc = step_int (store->set_last_id, last);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (store->wdb, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    sqlite3_exec (store->wdb, "ROLLBACK", NULL, NULL, NULL);
  else
    store->last_written_id = MAX (store->last_written_id, last);
  return rc;
}

/* The batch in one transaction; when that fails, one event per
 * transaction, so that only what cannot be written is lost. */
static void
write_batch (GwEventStore * store, GPtrArray * events)
{
  guint64 written = 0, lost = 0;
  int rc, first_rc = SQLITE_OK;
  guint i;

  if (events->len == 0)
    return;
  rc = write_range (store, events, 0, events->len);
  if (rc == SQLITE_OK) {
    written = events->len;
  } else {
    first_rc = rc;
    for (i = 0; i < events->len; i++) {
      if (write_range (store, events, i, i + 1) == SQLITE_OK)
        written++;
      else
        lost++;
    }
  }
  g_mutex_lock (&store->lock);
  store->written += written;
  store->lost += lost;
  g_mutex_unlock (&store->lock);
  if (lost > 0) {
    CgError *e = gw_event_store_storage_error (store, store->wdb, first_rc);

    gst_structure_set (cg_error_get_details_writable (e),
        "lost", G_TYPE_UINT64, gw_event_store_get_lost (store), NULL);
    set_failure (store, e);
  } else {
    clear_failure (store);
  }
}

/* Retention, after each batch: by age, then the newest max_count ids. */
static void
apply_retention (GwEventStore * store)
{
  const GwEventStoreConfig *c = &store->config;

  if (c->max_age_us > 0) {
    gint64 now = c->clock_func ? c->clock_func (c->clock_data) :
        g_get_real_time ();

    step_int (store->delete_old, now - c->max_age_us);
  }
  if (c->max_count > 0 && store->last_written_id > (gint64) c->max_count)
    step_int (store->delete_over, store->last_written_id - c->max_count);
}

/* Pops the next batch: waits for a first item (at most a retention
 * period, so that retention by age also runs while nothing happens), then
 * collects until the batch is full, its interval is over, or a marker
 * arrives. Returns the marker, if any. */
static Item *
collect_batch (GwEventStore * store, GPtrArray * events)
{
  Item *item = g_async_queue_timeout_pop (store->queue, RETENTION_PERIOD_US);
  gint64 deadline = g_get_monotonic_time () +
      store->config.batch_interval_ms * G_TIME_SPAN_MILLISECOND;

  while (item && item->type == ITEM_EVENT) {
    gint64 left;

    g_ptr_array_add (events, item->row);
    g_free (item);
    item = NULL;
    left = deadline - g_get_monotonic_time ();
    if (events->len >= store->config.batch_size || left <= 0)
      break;
    item = g_async_queue_timeout_pop (store->queue, left);
  }
  return item;
}

static gpointer
writer_thread (gpointer data)
{
  GwEventStore *store = data;
  gboolean stop = FALSE;

  while (!stop) {
    GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify)
        row_free);
    Item *marker = collect_batch (store, events);

    if (store->wdb && !store->unavailable) {
      write_batch (store, events);
      apply_retention (store);
    }
    g_atomic_int_add (&store->queued, -(gint) events->len);
    g_ptr_array_unref (events);
    if (marker) {
      stop = marker->type == ITEM_STOP;
      if (marker->task) {
        g_task_return_boolean (marker->task, TRUE);
        g_object_unref (marker->task);
      }
      g_free (marker);
    }
  }
  g_mutex_lock (&store->lock);
  store->writer_done = TRUE;
  g_cond_broadcast (&store->writer_done_cond);
  g_mutex_unlock (&store->lock);
  return NULL;
}

/**
 * gw_event_store_close:
 * @store: (transfer full): the store
 *
 * Writes what is queued, stops the writer thread and closes the database
 * (at shutdown: this waits for the last batch, at most
 * %GW_EVENT_STORE_CLOSE_TIMEOUT_MS; a writer stuck on its disk longer is
 * left behind with the store, and the events it holds are lost). No error
 * is reported after this returns.
 */
void
gw_event_store_close (GwEventStore * store)
{
  gint64 end = g_get_monotonic_time () +
      GW_EVENT_STORE_CLOSE_TIMEOUT_MS * (gint64) 1000;
  gboolean done;

  g_return_if_fail (store != NULL);

  push_marker (store, ITEM_STOP, NULL);
  g_mutex_lock (&store->lock);
  while (!store->writer_done)
    if (!g_cond_wait_until (&store->writer_done_cond, &store->lock, end))
      break;
  done = store->writer_done;
  store->error_func = NULL;
  g_mutex_unlock (&store->lock);
  if (!done) {
    g_warning ("event store: the writer did not finish within %u ms; "
        "left behind, %d events not written", GW_EVENT_STORE_CLOSE_TIMEOUT_MS,
        g_atomic_int_get (&store->queued));
    g_thread_unref (store->writer);
    return;
  }
  g_thread_join (store->writer);
  sqlite3_finalize (store->insert);
  sqlite3_finalize (store->set_last_id);
  sqlite3_finalize (store->delete_old);
  sqlite3_finalize (store->delete_over);
  sqlite3_close (store->wdb);
  gw_event_store_close_reader (store);
  gw_event_store_unref_internal (store);
}

/* One counter, read under the store's lock. */
static gint64
read_locked (GwEventStore * store, const gint64 * field)
{
  gint64 v;

  g_mutex_lock (&store->lock);
  v = *field;
  g_mutex_unlock (&store->lock);
  return v;
}

/**
 * gw_event_store_get_error:
 * @store: the store
 *
 * Returns: (transfer full) (nullable): the failure the store is in, %NULL
 *   while it writes normally
 */
CgError *
gw_event_store_get_error (GwEventStore * store)
{
  CgError *e;

  g_mutex_lock (&store->lock);
  e = store->error ? cg_error_ref (store->error) : NULL;
  g_mutex_unlock (&store->lock);
  return e;
}

/**
 * gw_event_store_get_lost:
 * @store: the store
 *
 * Returns: how many appended events could not be written
 */
guint64
gw_event_store_get_lost (GwEventStore * store)
{
  return read_locked (store, &store->lost);
}

/**
 * gw_event_store_get_written:
 * @store: the store
 *
 * Returns: how many events were written since the store was opened
 */
guint64
gw_event_store_get_written (GwEventStore * store)
{
  return read_locked (store, &store->written);
}

/**
 * gw_event_store_get_last_id:
 * @store: the store
 *
 * Returns: the id of the last appended event (after a restart: of the
 *   last event written before it)
 */
gint64
gw_event_store_get_last_id (GwEventStore * store)
{
  return read_locked (store, &store->last_id);
}
