/* camguard-gateway - the event history in SQLite: queries
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The read side of #GwEventStore: its own read-only connection (WAL lets
 * it read while the writer commits), one prepared statement for every
 * combination of filters, run on a worker thread through GTask.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gw-event-store-private.h"

#define DEFAULT_QUERY_LIMIT 100

/* Every filter is a bound parameter, NULL when not used. Two statements:
 * with a camera, `camera = ?1` so that the (camera, id) index serves
 * `/cameras/{id}/events`; without, the rowid order does. */
#define SELECT_SQL(camera) \
    "SELECT id, ts, body FROM events WHERE " camera \
    " AND (?2 IS NULL OR severity = ?2) AND (?3 IS NULL OR code = ?3)" \
    " AND (?4 IS NULL OR kind = ?4) AND (?5 IS NULL OR ts >= ?5)" \
    " AND (?6 IS NULL OR ts < ?6) AND (?7 IS NULL OR id < ?7)" \
    " ORDER BY id DESC LIMIT ?8"

static const gchar select_all_sql[] = SELECT_SQL ("?1 IS NULL");
static const gchar select_camera_sql[] = SELECT_SQL ("camera = ?1");


/**
 * gw_event_query_init:
 * @query: a query to fill: no filter, the newest 100 events
 */
void
gw_event_query_init (GwEventQuery * query)
{
  memset (query, 0, sizeof (*query));
  query->limit = DEFAULT_QUERY_LIMIT;
}


typedef struct
{
  gchar *camera_id;
  gchar *severity;
  gchar *code;
  gchar *kind;
  gint64 since_us;
  gint64 until_us;
  gint64 before_id;
  guint limit;
  gint64 next_cursor;
} QueryData;

static void
query_data_free (QueryData * q)
{
  g_free (q->camera_id);
  g_free (q->severity);
  g_free (q->code);
  g_free (q->kind);
  g_free (q);
}

static void
bind_text_or_null (sqlite3_stmt * s, int i, const gchar * v)
{
  if (v)
    sqlite3_bind_text (s, i, v, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (s, i);
}

static void
bind_int_or_null (sqlite3_stmt * s, int i, gint64 v)
{
  if (v > 0)
    sqlite3_bind_int64 (s, i, v);
  else
    sqlite3_bind_null (s, i);
}

/* Under read_lock. */
static int
run_query (GwEventStore * store, QueryData * q, GPtrArray * out)
{
  sqlite3_stmt *s = q->camera_id ? store->select_camera : store->select;
  int rc;

  bind_text_or_null (s, 1, q->camera_id);
  bind_text_or_null (s, 2, q->severity);
  bind_text_or_null (s, 3, q->code);
  bind_text_or_null (s, 4, q->kind);
  bind_int_or_null (s, 5, q->since_us);
  bind_int_or_null (s, 6, q->until_us);
  bind_int_or_null (s, 7, q->before_id);
  /* one more row than the page tells whether there is a next page */
  sqlite3_bind_int64 (s, 8, q->limit + 1);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    gint64 id = sqlite3_column_int64 (s, 0);
    GwEvent *ev = gw_event_new_from_json (id,
        (const gchar *) sqlite3_column_text (s, 2), NULL);

    if (ev == NULL)
      continue;
    gw_event_set_timestamp (ev, sqlite3_column_int64 (s, 1));
    g_ptr_array_add (out, ev);
  }
  sqlite3_reset (s);
  sqlite3_clear_bindings (s);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void
query_thread (GTask * task, gpointer source, gpointer task_data,
    GCancellable * cancellable)
{
  GwEventStore *store = g_task_get_task_data (task);
  QueryData *q = g_object_get_data (G_OBJECT (task), "query");
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gw_event_unref);
  int rc = SQLITE_MISUSE;
  CgError *e = NULL;

  g_mutex_lock (&store->read_lock);
  if (store->rdb)
    rc = run_query (store, q, out);
  if (rc != SQLITE_OK && store->rdb)
    e = gw_event_store_storage_error (store, store->rdb, rc);
  g_mutex_unlock (&store->read_lock);
  if (rc != SQLITE_OK && e == NULL)
    e = gw_event_store_get_error (store);
  if (rc != SQLITE_OK && e == NULL)
    e = cg_error_new (CG_CODE_STORAGE_IO, NULL);

  if (rc != SQLITE_OK) {
    g_ptr_array_unref (out);
    g_task_return_new_error (task, CG_CODE_ERROR, cg_error_get_code (e),
        "%s", cg_error_get_message (e));
    cg_error_unref (e);
    return;
  }
  if (out->len > q->limit) {
    g_ptr_array_set_size (out, q->limit);
    q->next_cursor = gw_event_get_id (g_ptr_array_index (out, out->len - 1));
  }
  g_task_return_pointer (task, out, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * gw_event_store_query_async:
 * @store: the store
 * @query: the filters, cursor and page size (copied)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Reads a page of events, newest first, on a worker thread.
 */
void
gw_event_store_query_async (GwEventStore * store, const GwEventQuery * query,
    GCancellable * cancellable, GAsyncReadyCallback callback,
    gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  QueryData *q = g_new0 (QueryData, 1);

  q->camera_id = g_strdup (query->camera_id);
  q->severity = g_strdup (query->severity);
  q->code = g_strdup (query->code);
  q->kind = g_strdup (query->kind);
  q->since_us = query->since_us;
  q->until_us = query->until_us;
  q->before_id = query->before_id;
  q->limit = query->limit == 0 ? DEFAULT_QUERY_LIMIT :
      MIN (query->limit, GW_EVENT_QUERY_MAX_LIMIT);
  g_task_set_source_tag (task, gw_event_store_query_async);
  g_task_set_task_data (task, gw_event_store_ref_internal (store),
      (GDestroyNotify) gw_event_store_unref_internal);
  g_object_set_data_full (G_OBJECT (task), "query", q,
      (GDestroyNotify) query_data_free);
  g_task_run_in_thread (task, query_thread);
  g_object_unref (task);
}

/**
 * gw_event_store_query_finish:
 * @store: the store
 * @result: the result
 * @next_cursor: (out) (optional): the `before_id` of the next page, 0 when
 *   this page is the last
 * @error: return location for a #CG_CODE_ERROR error (STORAGE_DENIED,
 *   STORAGE_FULL or STORAGE_IO)
 *
 * Returns: (transfer full) (element-type GwEvent): the events, newest
 *   first, or %NULL on error
 */
GPtrArray *
gw_event_store_query_finish (GwEventStore * store, GAsyncResult * result,
    gint64 * next_cursor, GError ** error)
{
  QueryData *q = g_object_get_data (G_OBJECT (result), "query");
  GPtrArray *out = g_task_propagate_pointer (G_TASK (result), error);

  if (next_cursor)
    *next_cursor = out ? q->next_cursor : 0;
  return out;
}


/* Opens the read connection and its statement (at gw_event_store_new()). */
int
gw_event_store_open_reader (GwEventStore * store)
{
  int rc = sqlite3_open_v2 (store->path, &store->rdb, SQLITE_OPEN_READONLY |
      SQLITE_OPEN_NOMUTEX, NULL);

  if (rc == SQLITE_OK)
    rc = gw_event_store_prepare (store->rdb, select_all_sql, &store->select);
  if (rc == SQLITE_OK)
    rc = gw_event_store_prepare (store->rdb, select_camera_sql,
        &store->select_camera);
  return rc;
}

/* Closes it (at gw_event_store_close()); later queries fail. */
void
gw_event_store_close_reader (GwEventStore * store)
{
  g_mutex_lock (&store->read_lock);
  sqlite3_finalize (store->select);
  store->select = NULL;
  sqlite3_finalize (store->select_camera);
  store->select_camera = NULL;
  sqlite3_close (store->rdb);
  store->rdb = NULL;
  g_mutex_unlock (&store->read_lock);
}
