/* camguard-gateway - the router's table of routes
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * The routes of a #GwRouter (gw-http.c), and the one question asked of
 * them on every request: which route takes this method and path, with
 * which parameters, or else which methods the path has (for a 405's
 * Allow).
 *
 * A pattern is cut at its slashes; a segment `{name}` is a parameter.
 * A path matches a pattern of as many segments whose literal segments
 * are equal and whose parameters are not empty; where several match, the
 * one with the most literal segments wins, then the one added first. HEAD
 * is served by a GET route (libsoup leaves the body out).
 *
 * Every request asks, so the routes are filed by number of segments, and
 * within that by their last segment when it is literal (routes that end
 * in a parameter are asked every time): a status request compares one
 * or two routes, not thirty.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gw-route-table.h"

#define MAX_SEGS 64

typedef struct
{
  GHashTable *by_last;          /* last segment -> GPtrArray of GwRoute * */
  GPtrArray *param_last;        /* routes that end in a parameter */
} Bucket;

struct _GwRouteTable
{
  GPtrArray *routes;            /* owns them, in order of addition */
  Bucket buckets[MAX_SEGS + 1]; /* by number of segments */
};

static void
route_free (gpointer data)
{
  GwRoute *r = data;

  g_free (r->method);
  g_free (r->pattern);
  g_strfreev (r->segs);
  g_free (r->action);
  g_free (r);
}

GwRouteTable *
gw_route_table_new (void)
{
  GwRouteTable *t = g_new0 (GwRouteTable, 1);

  t->routes = g_ptr_array_new_with_free_func (route_free);
  return t;
}

void
gw_route_table_free (GwRouteTable * table)
{
  guint i;

  if (table == NULL)
    return;
  for (i = 0; i < G_N_ELEMENTS (table->buckets); i++) {
    g_clear_pointer (&table->buckets[i].by_last, g_hash_table_unref);
    g_clear_pointer (&table->buckets[i].param_last, g_ptr_array_unref);
  }
  g_ptr_array_unref (table->routes);
  g_free (table);
}

static gboolean
is_param (const GwRoute * r, guint i)
{
  return (r->is_param & (G_GUINT64_CONSTANT (1) << i)) != 0;
}

static void
file_route (GwRouteTable * table, GwRoute * r)
{
  Bucket *b = &table->buckets[r->n_segs];
  const gchar *last = r->segs[r->n_segs - 1];
  GPtrArray *list;

  if (is_param (r, r->n_segs - 1)) {
    if (b->param_last == NULL)
      b->param_last = g_ptr_array_new ();
    g_ptr_array_add (b->param_last, r);
    return;
  }
  if (b->by_last == NULL)
    b->by_last = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
        (GDestroyNotify) g_ptr_array_unref);
  list = g_hash_table_lookup (b->by_last, last);
  if (list == NULL) {
    list = g_ptr_array_new ();
    g_hash_table_insert (b->by_last, (gpointer) last, list);
  }
  g_ptr_array_add (list, r);
}

/* FALSE (nothing added) for a pattern of more than MAX_SEGS segments. */
gboolean
gw_route_table_add (GwRouteTable * table, const gchar * method,
    const gchar * pattern, const gchar * action, GwRouteFlags flags,
    GwHandler handler, gpointer user_data)
{
  GwRoute *r = g_new0 (GwRoute, 1);
  guint i;

  r->method = g_strdup (method);
  r->pattern = g_strdup (pattern);
  r->segs = g_strsplit (pattern, "/", -1);
  r->n_segs = g_strv_length (r->segs);
  if (r->n_segs > MAX_SEGS) {
    route_free (r);
    return FALSE;
  }
  for (i = 0; i < r->n_segs; i++) {
    gsize len = strlen (r->segs[i]);

    if (len > 2 && r->segs[i][0] == '{' && r->segs[i][len - 1] == '}')
      r->is_param |= G_GUINT64_CONSTANT (1) << i;
  }
  r->index = table->routes->len;
  r->action = g_strdup (action);
  r->flags = flags;
  r->handler = handler;
  r->user_data = user_data;
  g_ptr_array_add (table->routes, r);
  file_route (table, r);
  return TRUE;
}

guint
gw_route_table_get_size (GwRouteTable * table)
{
  return table->routes->len;
}

const GwRoute *
gw_route_table_get (GwRouteTable * table, guint i)
{
  g_return_val_if_fail (i < table->routes->len, NULL);
  return g_ptr_array_index (table->routes, i);
}

/* ---------------------------------------------------------------------- */
/* Lookup                                                                 */
/* ---------------------------------------------------------------------- */

/* A path cut at its slashes, in one copy (what g_strsplit (path, "/", -1)
 * gives, without an allocation per segment). A path of more segments than
 * any route can have keeps n_segs past the limit and matches nothing. */
typedef struct
{
  gchar *copy;
  gchar *segs[MAX_SEGS + 1];
  guint n_segs;
} SplitPath;

static void
split_path (SplitPath * sp, const gchar * path)
{
  gchar *p;

  sp->copy = g_strdup (path);
  sp->n_segs = 0;
  sp->segs[sp->n_segs++] = sp->copy;
  for (p = sp->copy; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (sp->n_segs == MAX_SEGS) {
      sp->n_segs = MAX_SEGS + 1;        /* too many: no route */
      break;
    }
    sp->segs[sp->n_segs++] = p + 1;
  }
}

/* The number of literal segments @r matches in @sp, or -1. */
static gint
route_match (const GwRoute * r, const SplitPath * sp)
{
  gint literal = 0;
  guint i;

  /* from the end: the last segments tell routes apart ("/api/v1" does
   * not), so a route that does not match is known at once */
  for (i = sp->n_segs; i-- > 0;) {
    if (is_param (r, i)) {
      if (sp->segs[i][0] == '\0')
        return -1;
    } else if (g_str_equal (r->segs[i], sp->segs[i])) {
      literal++;
    } else {
      return -1;
    }
  }
  return literal;
}

static gboolean
method_fits (const GwRoute * r, const gchar * method)
{
  return g_str_equal (r->method, method) || (g_str_equal (method, "HEAD")
      && g_str_equal (r->method, "GET"));
}

/* The routes that may take @sp: those ending in its last segment, and
 * those ending in a parameter. */
static void
candidates (GwRouteTable * table, const SplitPath * sp, GPtrArray * lists[2])
{
  Bucket *b;

  lists[0] = lists[1] = NULL;
  if (sp->n_segs > MAX_SEGS)
    return;
  b = &table->buckets[sp->n_segs];
  if (b->by_last)
    lists[0] = g_hash_table_lookup (b->by_last, sp->segs[sp->n_segs - 1]);
  lists[1] = b->param_last;
}

static const GwRoute *
find (GPtrArray * lists[2], const SplitPath * sp, const gchar * method)
{
  const GwRoute *best = NULL;
  gint best_score = -1;
  guint l, i;

  for (l = 0; l < 2; l++) {
    for (i = 0; lists[l] && i < lists[l]->len; i++) {
      const GwRoute *r = g_ptr_array_index (lists[l], i);
      gint score;

      if (!method_fits (r, method))
        continue;
      score = route_match (r, sp);
      if (score > best_score || (score == best_score && score >= 0
              && r->index < best->index)) {
        best = r;
        best_score = score;
      }
    }
  }
  return best;
}

/* "name\0value\0" for each parameter of @r, then "\0"; NULL without. */
static gchar *
pack_params (const GwRoute * r, const SplitPath * sp)
{
  gsize len = 1;
  gchar *packed, *at;
  guint i;

  if (r->is_param == 0)
    return NULL;
  for (i = 0; i < r->n_segs; i++)
    if (is_param (r, i))
      len += strlen (r->segs[i]) - 2 + 1 + strlen (sp->segs[i]) + 1;
  at = packed = g_malloc (len);
  for (i = 0; i < r->n_segs; i++) {
    gsize n, v;

    if (!is_param (r, i))
      continue;
    n = strlen (r->segs[i]) - 2;
    v = strlen (sp->segs[i]) + 1;
    memcpy (at, r->segs[i] + 1, n);
    at[n] = '\0';
    memcpy (at + n + 1, sp->segs[i], v);
    at += n + 1 + v;
  }
  *at = '\0';
  return packed;
}

static gint
by_index (gconstpointer a, gconstpointer b)
{
  const GwRoute *x = *(const GwRoute * const *) a;
  const GwRoute *y = *(const GwRoute * const *) b;

  return (gint) x->index - (gint) y->index;
}

static void
allow_add (GString * allow, const gchar * method)
{
  g_auto (GStrv) have = g_strsplit (allow->str, ", ", -1);

  if (!g_strv_contains ((const gchar * const *) have, method))
    g_string_append_printf (allow, "%s%s", allow->len ? ", " : "", method);
}

/* The methods of the routes that take @sp, in the order they were added
 * (GET brings HEAD), or NULL. */
static gchar *
allow_list (GPtrArray * lists[2], const SplitPath * sp)
{
  g_autoptr (GPtrArray) matching = g_ptr_array_new ();
  GString *allow;
  guint l, i;

  for (l = 0; l < 2; l++)
    for (i = 0; lists[l] && i < lists[l]->len; i++)
      if (route_match (g_ptr_array_index (lists[l], i), sp) >= 0)
        g_ptr_array_add (matching, g_ptr_array_index (lists[l], i));
  if (matching->len == 0)
    return NULL;
  g_ptr_array_sort (matching, by_index);
  allow = g_string_new (NULL);
  for (i = 0; i < matching->len; i++) {
    const GwRoute *r = g_ptr_array_index (matching, i);

    allow_add (allow, r->method);
    if (g_str_equal (r->method, "GET"))
      allow_add (allow, "HEAD");
  }
  return g_string_free (allow, FALSE);
}

/* @out: the route for @method and @path and its parameters, or the
 * Allow list of the path (both NULL when nothing takes the path). */
void
gw_route_table_lookup (GwRouteTable * table, const gchar * method,
    const gchar * path, GwRouteLookup * out)
{
  GPtrArray *lists[2];
  SplitPath sp;

  memset (out, 0, sizeof *out);
  split_path (&sp, path);
  candidates (table, &sp, lists);
  out->route = find (lists, &sp, method);
  if (out->route)
    out->params = pack_params (out->route, &sp);
  else
    out->allow = allow_list (lists, &sp);
  g_free (sp.copy);
}

/* The value of the parameter @name in @params (from a lookup), or NULL. */
const gchar *
gw_route_params_get (const gchar * params, const gchar * name)
{
  const gchar *p = params;

  while (p && *p) {
    const gchar *value = p + strlen (p) + 1;

    if (g_str_equal (p, name))
      return value;
    p = value + strlen (value) + 1;
  }
  return NULL;
}
