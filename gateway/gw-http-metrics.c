/* camguard-gateway - the HTTP metrics: requests and their latency
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-http-metrics
 * @title: HTTP metrics
 * @short_description: one count and one latency per request
 *
 * `camguard_http_requests_total` and `camguard_http_request_duration_seconds`,
 * both by route (the matched pattern, `(none)` for no route), method and
 * status. Every request counts into both, so the two series of a
 * (route, method, status) are looked up once and kept: the route is the
 * router's own pattern string, so the three identify a pair of series by
 * address. Methods other than the usual ones count as `OTHER`: a client
 * cannot make new series by inventing methods.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-http-metrics.h"

typedef struct
{
  const gchar *route;           /* the router's pattern, or NULL */
  const gchar *method;          /* method_label()'s */
  guint status;
} Key;

typedef struct
{
  Key key;
  GwMetricSeries *count;
  GwMetricSeries *duration;
} Pair;

struct _GwHttpMetrics
{
  GMutex lock;                  /* guards pairs */
  GwMetric *requests;
  GwMetric *duration;
  GHashTable *pairs;            /* Key * -> Pair * (key inside) */
};

static guint
key_hash (gconstpointer data)
{
  const Key *k = data;

  return g_direct_hash (k->route) * 31 + g_direct_hash (k->method) * 7
      + k->status;
}

static gboolean
key_equal (gconstpointer a, gconstpointer b)
{
  const Key *x = a, *y = b;

  return x->route == y->route && x->method == y->method
      && x->status == y->status;
}

/**
 * gw_http_metrics_new:
 * @metrics: the registry the two families go in
 *
 * Returns: (transfer full): the HTTP metrics
 */
GwHttpMetrics *
gw_http_metrics_new (GwMetrics * metrics)
{
  const gchar *const labels[] = { "route", "method", "status", NULL };
  const gdouble buckets[] = { 0.001, 0.005, 0.025, 0.1, 0.5, 2.5 };
  GwHttpMetrics *self = g_new0 (GwHttpMetrics, 1);

  g_mutex_init (&self->lock);
  self->requests = gw_metrics_counter (metrics, "http_requests_total",
      "HTTP requests by route, method and status", labels);
  self->duration = gw_metrics_histogram (metrics,
      "http_request_duration_seconds", "HTTP request latency", labels,
      buckets, G_N_ELEMENTS (buckets));
  self->pairs = g_hash_table_new_full (key_hash, key_equal, NULL, g_free);
  return self;
}

/**
 * gw_http_metrics_free:
 * @self: (transfer full) (nullable): the HTTP metrics
 */
void
gw_http_metrics_free (GwHttpMetrics * self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->pairs);
  g_mutex_clear (&self->lock);
  g_free (self);
}

static const gchar *
method_label (const gchar * method)
{
  static const gchar *const known[] = { "GET", "HEAD", "POST", "PUT",
    "PATCH", "DELETE", "OPTIONS"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_strcmp0 (method, known[i]) == 0)
      return known[i];
  return "OTHER";
}

static Pair *
make_pair (GwHttpMetrics * self, const Key * key)
{
  gchar code[4] = { '0' + key->status / 100 % 10,
    '0' + key->status / 10 % 10, '0' + key->status % 10, '\0'
  };
  const gchar *labels[] = { key->route ? key->route : "(none)",
    key->method, code, NULL
  };
  Pair *pair = g_new0 (Pair, 1);

  pair->key = *key;
  pair->count = gw_metric_series (self->requests, labels);
  pair->duration = gw_metric_series (self->duration, labels);
  return pair;
}

/**
 * gw_http_metrics_observe:
 * @self: the HTTP metrics
 * @route: (nullable): the router's pattern string of the route (kept by
 *   address), %NULL when no route matched
 * @method: the request method
 * @status: the HTTP status answered
 * @duration_ms: how long the request took
 *
 * Counts one request. Any thread.
 */
void
gw_http_metrics_observe (GwHttpMetrics * self, const gchar * route,
    const gchar * method, guint status, gdouble duration_ms)
{
  Key key = { route, method_label (method), status };
  Pair *pair;

  g_mutex_lock (&self->lock);
  pair = g_hash_table_lookup (self->pairs, &key);
  if (pair == NULL) {
    pair = make_pair (self, &key);
    g_hash_table_add (self->pairs, pair);
  }
  g_mutex_unlock (&self->lock);
  gw_metric_series_add (self->requests, pair->count, 1);
  gw_metric_series_observe (self->duration, pair->duration,
      duration_ms / 1000.0);
}
