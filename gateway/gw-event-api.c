/* camguard-gateway - GET /events and GET /cameras/{id}/events: parameters
 * and page body
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-event-api
 * @title: Events API
 * @short_description: what `GET /events` accepts and answers
 *
 * `GET /api/v1/events` and `GET /api/v1/cameras/{id}/events` take these
 * query parameters, all optional:
 *
 * - `limit`: page size, 1 to 1000 (default 100)
 * - `cursor`: the `nextCursor` of the previous page
 * - `severity`: `fatal`, `recoverable`, `warning` or `info`
 * - `code`: a catalogue code, e.g. `CAMERA_UNREACHABLE`
 * - `kind`: `error`, `warning`, `retry`, `recovery`, `give-up`, `quality`
 *   or `state`
 * - `since`, `until`: ISO 8601 times (`2026-12-01T10:00:00Z`) or
 *   milliseconds since the epoch; `since` inclusive, `until` exclusive
 * - `camera` (`/events` only): one camera's events
 *
 * Any other parameter, or a bad value, is a `VALIDATION_ERROR` whose
 * details list every bad parameter in `fields` (`[{field, reason}]`, as gw-params lists them).
 *
 * The answer is `{"events": [...], "count": N, "nextCursor": C}`, newest
 * first, each event as gw_event_write() writes it; `nextCursor`
 * is %NULL on the last page.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-event-api.h"
#include "gw-params.h"

typedef struct
{
  GwEventQuery *query;
  const gchar *camera_id;       /* from the path, or NULL */
  GwParams *bad;                /* collects the bad ones (gw-params) */
} Parse;

static void
bad_field (Parse * p, const gchar * name, const gchar * reason)
{
  gw_params_add_error (p->bad, name, reason);
}

static gboolean
parse_int (const gchar * value, gint64 min, gint64 max, gint64 * out)
{
  gchar *end = NULL;
  gint64 v;

  if (value == NULL || *value == '\0')
    return FALSE;
  v = g_ascii_strtoll (value, &end, 10);
  if (end == NULL || *end != '\0' || v < min || v > max)
    return FALSE;
  *out = v;
  return TRUE;
}

/* An ISO 8601 time, or milliseconds since the epoch; microseconds out. */
static gboolean
parse_time (const gchar * value, gint64 * out_us)
{
  GDateTime *dt;
  gint64 ms;

  if (parse_int (value, 0, G_MAXINT64 / 1000, &ms)) {
    *out_us = ms * 1000;
    return TRUE;
  }
  dt = g_date_time_new_from_iso8601 (value, NULL);
  if (dt == NULL)
    return FALSE;
  *out_us = g_date_time_to_unix (dt) * G_USEC_PER_SEC +
      g_date_time_get_microsecond (dt);
  g_date_time_unref (dt);
  return *out_us > 0;
}

static gboolean
is_severity (const gchar * value)
{
  CgSeverity s;

  for (s = CG_SEVERITY_FATAL; s <= CG_SEVERITY_WARNING; s++) {
    if (g_str_equal (value, cg_severity_to_string (s)))
      return TRUE;
  }
  /* events without a cause (see gw-event.c) */
  return g_str_equal (value, "info");
}

static void
parse_param (Parse * p, const gchar * name, const gchar * value)
{
  GwEventQuery *q = p->query;
  GwEventKind kind;
  CgCode code;
  gint64 v;

  if (g_str_equal (name, "limit")) {
    if (parse_int (value, 1, GW_EVENT_QUERY_MAX_LIMIT, &v))
      q->limit = v;
    else
      bad_field (p, name, "must be an integer from 1 to 1000");
  } else if (g_str_equal (name, "cursor")) {
    if (parse_int (value, 1, G_MAXINT64, &v))
      q->before_id = v;
    else
      bad_field (p, name, "must be the nextCursor of a previous page");
  } else if (g_str_equal (name, "severity")) {
    if (is_severity (value))
      q->severity = value;
    else
      bad_field (p, name, "must be fatal, recoverable, warning or info");
  } else if (g_str_equal (name, "code")) {
    if (cg_code_from_name (value, &code))
      q->code = value;
    else
      bad_field (p, name, "is not a catalogue code (see GET /errors)");
  } else if (g_str_equal (name, "kind")) {
    if (gw_event_kind_from_string (value, &kind))
      q->kind = value;
    else
      bad_field (p, name, "must be error, warning, retry, recovery, "
          "give-up, quality or state");
  } else if (g_str_equal (name, "since") || g_str_equal (name, "until")) {
    if (!parse_time (value, name[0] == 's' ? &q->since_us : &q->until_us))
      bad_field (p, name, "must be an ISO 8601 time or milliseconds since "
          "the epoch");
  } else if (g_str_equal (name, "camera") && p->camera_id == NULL) {
    if (*value)
      q->camera_id = value;
    else
      bad_field (p, name, "must not be empty");
  } else {
    bad_field (p, name, "is not a parameter of this route");
  }
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar * const *) a, *(const gchar * const *) b);
}

/**
 * gw_event_query_parse:
 * @params: (nullable) (element-type utf8 utf8): the query parameters, as
 *   libsoup gives them
 * @camera_id: (nullable): the camera of `/cameras/{id}/events`, or %NULL
 *   for `/events`
 * @query: (out caller-allocates): the query; its strings point into
 *   @params and @camera_id, which must outlive it
 * @error: (out) (optional): a VALIDATION_ERROR listing every bad parameter
 *
 * Reads the parameters of an events route (see the section comment).
 *
 * Returns: %TRUE when every parameter is valid
 */
gboolean
gw_event_query_parse (GHashTable * params, const gchar * camera_id,
    GwEventQuery * query, CgError ** error)
{
  Parse p = { query, camera_id, gw_params_new (NULL) };
  GPtrArray *names = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;
  gboolean ok;
  guint i;

  gw_event_query_init (query);
  query->camera_id = camera_id;
  if (params) {
    g_hash_table_iter_init (&it, params);
    while (g_hash_table_iter_next (&it, &key, NULL))
      g_ptr_array_add (names, key);
  }
  /* the same order for the same request */
  g_ptr_array_sort (names, compare_names);
  for (i = 0; i < names->len; i++)
    parse_param (&p, names->pdata[i], g_hash_table_lookup (params,
            names->pdata[i]));
  if (query->since_us > 0 && query->until_us > 0
      && query->since_us >= query->until_us)
    bad_field (&p, "until", "must be after since");

  ok = gw_params_finish (p.bad, error);
  gw_params_free (p.bad);
  g_ptr_array_unref (names);
  return ok;
}

/**
 * gw_event_page_write:
 * @events: (element-type GwEvent): a page from
 *   gw_event_store_query_finish()
 * @next_cursor: its next cursor (0 on the last page)
 * @writer: where the page is written, as a value
 *
 * Writes `{"events": [...], "count": N, "nextCursor": C or null}`, each
 * event as gw_event_write() writes it.
 */
void
gw_event_page_write (GPtrArray * events, gint64 next_cursor,
    CgJsonWriter * writer)
{
  guint i;

  g_return_if_fail (events != NULL && writer != NULL);
  cg_json_writer_begin_object (writer);
  cg_json_writer_member (writer, "events");
  cg_json_writer_begin_array (writer);
  for (i = 0; i < events->len; i++)
    gw_event_write (events->pdata[i], writer);
  cg_json_writer_end_array (writer);
  cg_json_writer_member_int (writer, "count", events->len);
  if (next_cursor > 0)
    cg_json_writer_member_int (writer, "nextCursor", next_cursor);
  else
    cg_json_writer_member_null (writer, "nextCursor");
  cg_json_writer_end_object (writer);
}

/**
 * gw_event_page_to_json_node:
 * @events: (element-type GwEvent): a page from
 *   gw_event_store_query_finish()
 * @next_cursor: its next cursor (0 on the last page)
 *
 * gw_event_page_write() as a tree.
 *
 * Returns: (transfer full): `{"events": [...], "count": N, "nextCursor":
 *   C or null}`
 */
JsonNode *
gw_event_page_to_json_node (GPtrArray * events, gint64 next_cursor)
{
  CgJsonWriter *w = cg_json_writer_new ();

  gw_event_page_write (events, next_cursor, w);
  return cg_json_writer_free_to_node (w);
}
