/* camguard-gateway - Prometheus metrics registry
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gw-metrics
 * @short_description: counters, gauges and histograms in the Prometheus
 *   text format
 *
 * A #GwMetrics holds metric families. Each family has a name (exposed with
 * the `camguard_` prefix), a help text and fixed label names; each
 * combination of label values is one series. Counters and gauges hold one
 * value per series; histograms count observations into fixed buckets (the
 * `+Inf` bucket is implicit) and keep their sum and count.
 *
 * gw_metrics_render() writes the text exposition format 0.0.4: families
 * sorted by name, `# HELP` and `# TYPE` for every family, series sorted by
 * their label values, label values escaped (`\\`, `\"`, `\n`), histograms as
 * cumulative `_bucket{le="..."}` lines then `_sum` and `_count`.
 *
 * Every function may be called from any thread: one mutex per registry
 * guards it (an increment is a hash lookup and an addition).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-metrics.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

struct _GwMetricSeries
{
  gchar **label_values;
  gdouble value;                /* counter, gauge */
  guint64 *bucket_counts;       /* histogram: n_buckets + 1, not cumulative */
  gdouble sum;
  guint64 count;
};
typedef GwMetricSeries GwSeries;

struct _GwMetric
{
  GwMetrics *registry;
  GwMetricType type;
  gchar *name;                  /* with the prefix */
  gchar *help;
  gchar **label_names;
  guint n_labels;
  gdouble *buckets;
  guint n_buckets;
  GHashTable *series;           /* key (label values) -> GwSeries * */
};

struct _GwMetrics
{
  GMutex lock;
  GHashTable *families;         /* name -> GwMetric * */
  GString *key;                 /* metric_series()' buffer, lock held */
};

static const gchar *const type_names[] = { "counter", "gauge", "histogram" };

static void
series_free (GwSeries * series)
{
  g_strfreev (series->label_values);
  g_free (series->bucket_counts);
  g_free (series);
}

static void
metric_free (GwMetric * metric)
{
  g_hash_table_unref (metric->series);
  g_strfreev (metric->label_names);
  g_free (metric->buckets);
  g_free (metric->help);
  g_free (metric->name);
  g_free (metric);
}

/* Prometheus names: [a-zA-Z_:][a-zA-Z0-9_:]* for metrics, no ':' for
 * labels, and labels starting with "__" are reserved. */
static gboolean
name_is_valid (const gchar * name, gboolean label)
{
  const gchar *p;

  if (name == NULL || *name == '\0' || g_ascii_isdigit (*name))
    return FALSE;
  if (label && g_str_has_prefix (name, "__"))
    return FALSE;
  for (p = name; *p; p++) {
    if (!g_ascii_isalnum (*p) && *p != '_' && (label || *p != ':'))
      return FALSE;
  }
  return TRUE;
}

static gboolean
labels_are_valid (const gchar * const *names, GwMetricType type)
{
  guint i, j;

  for (i = 0; names && names[i]; i++) {
    if (!name_is_valid (names[i], TRUE))
      return FALSE;
    if (type == GW_METRIC_HISTOGRAM && strcmp (names[i], "le") == 0)
      return FALSE;
    for (j = 0; j < i; j++) {
      if (strcmp (names[i], names[j]) == 0)
        return FALSE;
    }
  }
  return TRUE;
}

static gboolean
buckets_are_valid (const gdouble * buckets, guint n_buckets)
{
  guint i;

  if (buckets == NULL || n_buckets == 0)
    return FALSE;
  for (i = 0; i < n_buckets; i++) {
    if (!isfinite (buckets[i]) || (i > 0 && buckets[i] <= buckets[i - 1]))
      return FALSE;
  }
  return TRUE;
}

/* A key that no two different lists of label values share: each value
 * preceded by its length. */
/* The key of the series of @values (each value prefixed with its length:
 * no separator to escape) in @key, which is cleared first. */
static void
series_key (GString * key, const gchar * const *values, guint n)
{
  guint i;

  g_string_truncate (key, 0);
  for (i = 0; i < n; i++) {
    gsize len = strlen (values[i]);
    gchar digits[24];
    guint d = G_N_ELEMENTS (digits);

    do {
      digits[--d] = '0' + len % 10;
      len /= 10;
    } while (len > 0);
    g_string_append_len (key, digits + d, G_N_ELEMENTS (digits) - d);
    g_string_append_c (key, ':');
    g_string_append (key, values[i]);
  }
}

static gboolean
values_match (GwMetric * metric, const gchar * const *values)
{
  guint n = values ? g_strv_length ((gchar **) values) : 0;

  return n == metric->n_labels;
}

/* The series for @values, created (at zero) when missing. Lock held. */
static GwSeries *
metric_series (GwMetric * metric, const gchar * const *values)
{
  /* the key is built in a buffer kept with the registry (lock held): a
   * series that exists costs no allocation */
  GString *key = metric->registry->key;
  GwSeries *series;
  guint i;

  series_key (key, values, metric->n_labels);
  series = g_hash_table_lookup (metric->series, key->str);
  if (series)
    return series;

  series = g_new0 (GwSeries, 1);
  series->label_values = g_new0 (gchar *, metric->n_labels + 1);
  for (i = 0; i < metric->n_labels; i++)
    series->label_values[i] = g_utf8_make_valid (values[i], -1);
  if (metric->type == GW_METRIC_HISTOGRAM)
    series->bucket_counts = g_new0 (guint64, metric->n_buckets + 1);
  g_hash_table_insert (metric->series, g_strndup (key->str, key->len), series);
  return series;
}

static gboolean
same_family (GwMetric * metric, GwMetricType type,
    const gchar * const *label_names, const gdouble * buckets, guint n_buckets)
{
  if (metric->type != type
      || !g_strv_equal ((const gchar * const *) metric->label_names,
          label_names))
    return FALSE;
  if (type != GW_METRIC_HISTOGRAM)
    return TRUE;
  return n_buckets == metric->n_buckets
      && memcmp (buckets, metric->buckets, n_buckets * sizeof (gdouble)) == 0;
}

static GwMetric *
metrics_register (GwMetrics * self, GwMetricType type, const gchar * name,
    const gchar * help, const gchar * const *label_names,
    const gdouble * buckets, guint n_buckets)
{
  static const gchar *const no_labels[] = { NULL };
  g_autofree gchar *full = NULL;
  GwMetric *metric;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name_is_valid (name, FALSE), NULL);
  /* the registry adds the prefix: never twice */
  g_return_val_if_fail (!g_str_has_prefix (name, GW_METRICS_PREFIX), NULL);
  g_return_val_if_fail (help != NULL, NULL);
  g_return_val_if_fail (labels_are_valid (label_names, type), NULL);
  g_return_val_if_fail (type != GW_METRIC_HISTOGRAM
      || buckets_are_valid (buckets, n_buckets), NULL);

  if (label_names == NULL)
    label_names = no_labels;
  full = g_strconcat (GW_METRICS_PREFIX, name, NULL);

  g_mutex_lock (&self->lock);
  metric = g_hash_table_lookup (self->families, full);
  if (metric) {
    g_mutex_unlock (&self->lock);
    /* registering the same family twice gives the same family */
    g_return_val_if_fail (same_family (metric, type, label_names, buckets,
            n_buckets), NULL);
    return metric;
  }
  metric = g_new0 (GwMetric, 1);
  metric->registry = self;
  metric->type = type;
  metric->name = g_steal_pointer (&full);
  metric->help = g_utf8_make_valid (help, -1);
  metric->label_names = g_strdupv ((gchar **) label_names);
  metric->n_labels = g_strv_length (metric->label_names);
  if (type == GW_METRIC_HISTOGRAM) {
    metric->buckets = g_memdup2 (buckets, n_buckets * sizeof (gdouble));
    metric->n_buckets = n_buckets;
  }
  metric->series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) series_free);
  /* a family without labels shows its zero from the start */
  if (metric->n_labels == 0)
    metric_series (metric, no_labels);
  g_hash_table_insert (self->families, metric->name, metric);
  g_mutex_unlock (&self->lock);
  return metric;
}

/**
 * gw_metrics_new:
 *
 * Returns: (transfer full): an empty registry; free it with gw_metrics_free()
 */
GwMetrics *
gw_metrics_new (void)
{
  GwMetrics *self = g_new0 (GwMetrics, 1);

  g_mutex_init (&self->lock);
  self->key = g_string_sized_new (128);
  self->families = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) metric_free);
  return self;
}

/**
 * gw_metrics_free:
 * @self: (nullable): a #GwMetrics
 *
 * Frees the registry and every family (and #GwMetric pointer) it holds.
 */
void
gw_metrics_free (GwMetrics * self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->families);
  g_string_free (self->key, TRUE);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/**
 * gw_metrics_counter:
 * @self: a #GwMetrics
 * @name: the family name without the `camguard_` prefix, by convention
 *   ending in `_total` ([a-zA-Z_:][a-zA-Z0-9_:]*)
 * @help: one line saying what is counted
 * @label_names: (nullable) (array zero-terminated=1): the label names
 *
 * Registers a counter family, or returns the one registered with the same
 * name, type and labels (a different type or labels is a programming error:
 * critical warning and %NULL).
 *
 * Returns: (transfer none): the family, owned by @self
 */
GwMetric *
gw_metrics_counter (GwMetrics * self, const gchar * name, const gchar * help,
    const gchar * const *label_names)
{
  return metrics_register (self, GW_METRIC_COUNTER, name, help, label_names,
      NULL, 0);
}

/**
 * gw_metrics_gauge:
 * @self: a #GwMetrics
 * @name: the family name without the `camguard_` prefix
 * @help: one line saying what is measured
 * @label_names: (nullable) (array zero-terminated=1): the label names
 *
 * Registers a gauge family (see gw_metrics_counter()).
 *
 * Returns: (transfer none): the family, owned by @self
 */
GwMetric *
gw_metrics_gauge (GwMetrics * self, const gchar * name, const gchar * help,
    const gchar * const *label_names)
{
  return metrics_register (self, GW_METRIC_GAUGE, name, help, label_names,
      NULL, 0);
}

/**
 * gw_metrics_histogram:
 * @self: a #GwMetrics
 * @name: the family name without the `camguard_` prefix, with its unit
 *   (e.g. `snapshot_duration_seconds`)
 * @help: one line saying what is observed
 * @label_names: (nullable) (array zero-terminated=1): the label names (not
 *   `le`)
 * @buckets: (array length=n_buckets): the finite upper bounds, strictly
 *   increasing; `+Inf` is added
 * @n_buckets: how many, at least 1
 *
 * Registers a histogram family (see gw_metrics_counter()).
 *
 * Returns: (transfer none): the family, owned by @self
 */
GwMetric *
gw_metrics_histogram (GwMetrics * self, const gchar * name, const gchar * help,
    const gchar * const *label_names, const gdouble * buckets, guint n_buckets)
{
  return metrics_register (self, GW_METRIC_HISTOGRAM, name, help,
      label_names, buckets, n_buckets);
}

/**
 * gw_metric_add:
 * @metric: a counter or gauge
 * @value: what to add (not negative for a counter)
 * @label_values: (nullable) (array zero-terminated=1): one value per label
 *   name, in their order (%NULL when the family has no labels)
 *
 * Adds @value to the series of @label_values (created at 0 the first time).
 */
void
gw_metric_add (GwMetric * metric, gdouble value,
    const gchar * const *label_values)
{
  g_return_if_fail (metric != NULL);
  g_return_if_fail (metric->type != GW_METRIC_HISTOGRAM);
  g_return_if_fail (metric->type != GW_METRIC_COUNTER || value >= 0);
  g_return_if_fail (values_match (metric, label_values));

  g_mutex_lock (&metric->registry->lock);
  metric_series (metric, label_values)->value += value;
  g_mutex_unlock (&metric->registry->lock);
}

/**
 * gw_metric_inc:
 * @metric: a counter or gauge
 * @...: one label value per label name, then %NULL
 *
 * Adds 1 to the series of the given label values:
 * `gw_metric_inc (requests, "GET", "200", NULL)`.
 */
void
gw_metric_inc (GwMetric * metric, ...)
{
  const gchar *values[16];
  const gchar *value;
  guint n = 0;
  va_list args;

  va_start (args, metric);
  while ((value = va_arg (args, const gchar *)) != NULL && n < 15)
      values[n++] = value;
  va_end (args);
  values[n] = NULL;
  gw_metric_add (metric, 1, values);
}

/**
 * gw_metric_set:
 * @metric: a gauge
 * @value: the new value
 * @label_values: (nullable) (array zero-terminated=1): one value per label
 *
 * Sets the series of @label_values to @value.
 */
void
gw_metric_set (GwMetric * metric, gdouble value,
    const gchar * const *label_values)
{
  g_return_if_fail (metric != NULL);
  g_return_if_fail (metric->type == GW_METRIC_GAUGE);
  g_return_if_fail (values_match (metric, label_values));

  g_mutex_lock (&metric->registry->lock);
  metric_series (metric, label_values)->value = value;
  g_mutex_unlock (&metric->registry->lock);
}

/* One observation into @series (lock held). */
static void
series_observe (GwMetric * metric, GwSeries * series, gdouble value)
{
  guint i;

  for (i = 0; i < metric->n_buckets && value > metric->buckets[i]; i++);
  series->bucket_counts[i]++;
  series->sum += value;
  series->count++;
}

/**
 * gw_metric_observe:
 * @metric: a histogram
 * @value: the observation (NaN is ignored)
 * @label_values: (nullable) (array zero-terminated=1): one value per label
 *
 * Counts @value into the first bucket whose upper bound is >= @value (the
 * `+Inf` one if none), and into the series' sum and count.
 */
void
gw_metric_observe (GwMetric * metric, gdouble value,
    const gchar * const *label_values)
{
  g_return_if_fail (metric != NULL);
  g_return_if_fail (metric->type == GW_METRIC_HISTOGRAM);
  g_return_if_fail (values_match (metric, label_values));

  if (isnan (value))
    return;
  g_mutex_lock (&metric->registry->lock);
  series_observe (metric, metric_series (metric, label_values), value);
  g_mutex_unlock (&metric->registry->lock);
}

/**
 * gw_metric_series:
 * @metric: a family
 * @label_values: (nullable) (array zero-terminated=1): one value per label
 *
 * The series of @label_values, created at zero when missing: a handle for
 * gw_metric_series_add() and gw_metric_series_observe(), which skip the
 * lookup (for a caller that counts the same series very often, such as
 * the HTTP metrics). It stays valid until gw_metric_remove() removes those
 * label values, or the registry goes.
 *
 * Returns: (transfer none): the series
 */
GwMetricSeries *
gw_metric_series (GwMetric * metric, const gchar * const *label_values)
{
  GwSeries *series;

  g_return_val_if_fail (metric != NULL, NULL);
  g_return_val_if_fail (values_match (metric, label_values), NULL);

  g_mutex_lock (&metric->registry->lock);
  series = metric_series (metric, label_values);
  g_mutex_unlock (&metric->registry->lock);
  return series;
}

/**
 * gw_metric_series_add:
 * @metric: a counter or gauge
 * @series: a series of @metric, from gw_metric_series()
 * @value: what to add (not negative for a counter)
 *
 * gw_metric_add() on a series already looked up.
 */
void
gw_metric_series_add (GwMetric * metric, GwMetricSeries * series, gdouble value)
{
  g_return_if_fail (metric != NULL && series != NULL);
  g_return_if_fail (metric->type != GW_METRIC_HISTOGRAM);
  g_return_if_fail (metric->type != GW_METRIC_COUNTER || value >= 0);

  g_mutex_lock (&metric->registry->lock);
  series->value += value;
  g_mutex_unlock (&metric->registry->lock);
}

/**
 * gw_metric_series_observe:
 * @metric: a histogram
 * @series: a series of @metric, from gw_metric_series()
 * @value: the observation (NaN is ignored)
 *
 * gw_metric_observe() on a series already looked up.
 */
void
gw_metric_series_observe (GwMetric * metric, GwMetricSeries * series,
    gdouble value)
{
  g_return_if_fail (metric != NULL && series != NULL);
  g_return_if_fail (metric->type == GW_METRIC_HISTOGRAM);

  if (isnan (value))
    return;
  g_mutex_lock (&metric->registry->lock);
  series_observe (metric, series, value);
  g_mutex_unlock (&metric->registry->lock);
}

/**
 * gw_metric_remove:
 * @metric: a family
 * @label_values: (nullable) (array zero-terminated=1): one value per label
 *
 * Removes one series (for instance a deleted camera's).
 *
 * Returns: whether the series existed
 */
gboolean
gw_metric_remove (GwMetric * metric, const gchar * const *label_values)
{
  gboolean removed;

  g_return_val_if_fail (metric != NULL, FALSE);
  g_return_val_if_fail (values_match (metric, label_values), FALSE);

  g_mutex_lock (&metric->registry->lock);
  series_key (metric->registry->key, label_values, metric->n_labels);
  removed = g_hash_table_remove (metric->series, metric->registry->key->str);
  g_mutex_unlock (&metric->registry->lock);
  return removed;
}

/**
 * gw_metric_get_type:
 * @metric: a family
 *
 * Returns: its type
 */
GwMetricType
gw_metric_get_type (GwMetric * metric)
{
  g_return_val_if_fail (metric != NULL, GW_METRIC_COUNTER);
  return metric->type;
}

/**
 * gw_metric_get_value:
 * @metric: a family
 * @label_values: (nullable) (array zero-terminated=1): one value per label
 *
 * Returns: the value of a counter or gauge series, the observation count of
 *   a histogram series, 0 for a series that does not exist
 */
gdouble
gw_metric_get_value (GwMetric * metric, const gchar * const *label_values)
{
  GwSeries *series;
  gdouble value = 0;

  g_return_val_if_fail (metric != NULL, 0);
  g_return_val_if_fail (values_match (metric, label_values), 0);

  g_mutex_lock (&metric->registry->lock);
  series_key (metric->registry->key, label_values, metric->n_labels);
  series = g_hash_table_lookup (metric->series, metric->registry->key->str);
  if (series)
    value = metric->type == GW_METRIC_HISTOGRAM ?
        (gdouble) series->count : series->value;
  g_mutex_unlock (&metric->registry->lock);
  return value;
}

/* Shortest text that reads back as the same double; +Inf, -Inf, NaN. */
static void
append_number (GString * out, gdouble value)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value)) {
    g_string_append (out, "NaN");
    return;
  }
  if (isinf (value)) {
    g_string_append (out, value > 0 ? "+Inf" : "-Inf");
    return;
  }
  g_ascii_formatd (buf, sizeof buf, "%.15g", value);
  if (g_ascii_strtod (buf, NULL) != value)
    g_ascii_formatd (buf, sizeof buf, "%.17g", value);
  g_string_append (out, buf);
}

/* Escapes backslash and newline, and the double quote when @quote. */
static void
append_escaped (GString * out, const gchar * text, gboolean quote)
{
  const gchar *p;

  for (p = text; *p; p++) {
    if (*p == '\\')
      g_string_append (out, "\\\\");
    else if (*p == '\n')
      g_string_append (out, "\\n");
    else if (*p == '"' && quote)
      g_string_append (out, "\\\"");
    else
      g_string_append_c (out, *p);
  }
}

/* `name{a="x",b="y"}` with an optional extra `le` label. */
static void
append_sample_name (GString * out, GwMetric * metric, const gchar * suffix,
    GwSeries * series, const gchar * le)
{
  guint i;

  g_string_append (out, metric->name);
  g_string_append (out, suffix);
  if (metric->n_labels == 0 && le == NULL)
    return;
  g_string_append_c (out, '{');
  for (i = 0; i < metric->n_labels; i++) {
    g_string_append_printf (out, "%s%s=\"", i ? "," : "",
        metric->label_names[i]);
    append_escaped (out, series->label_values[i], TRUE);
    g_string_append_c (out, '"');
  }
  if (le)
    g_string_append_printf (out, "%sle=\"%s\"", metric->n_labels ? "," : "",
        le);
  g_string_append_c (out, '}');
}

static void
append_histogram (GString * out, GwMetric * metric, GwSeries * series)
{
  guint64 cumulative = 0;
  guint i;

  for (i = 0; i <= metric->n_buckets; i++) {
    GString *le = g_string_new (NULL);

    append_number (le, i < metric->n_buckets ? metric->buckets[i] : INFINITY);
    cumulative += series->bucket_counts[i];
    append_sample_name (out, metric, "_bucket", series, le->str);
    g_string_append_printf (out, " %" G_GUINT64_FORMAT "\n", cumulative);
    g_string_free (le, TRUE);
  }
  append_sample_name (out, metric, "_sum", series, NULL);
  g_string_append_c (out, ' ');
  append_number (out, series->sum);
  g_string_append_c (out, '\n');
  append_sample_name (out, metric, "_count", series, NULL);
  g_string_append_printf (out, " %" G_GUINT64_FORMAT "\n", series->count);
}

/* The values of @table in a new array (GLib 2.74 has no
 * g_hash_table_get_values_as_ptr_array). */
static GPtrArray *
table_values (GHashTable * table)
{
  GPtrArray *all = g_ptr_array_sized_new (g_hash_table_size (table));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (all, value);
  return all;
}

static gint
compare_series (gconstpointer a, gconstpointer b)
{
  GwSeries *sa = *(GwSeries **) a, *sb = *(GwSeries **) b;
  guint i;

  for (i = 0; sa->label_values[i]; i++) {
    gint c = strcmp (sa->label_values[i], sb->label_values[i]);

    if (c)
      return c;
  }
  return 0;
}

static void
append_family (GString * out, GwMetric * metric)
{
  GPtrArray *all = table_values (metric->series);
  guint i;

  g_string_append_printf (out, "# HELP %s ", metric->name);
  append_escaped (out, metric->help, FALSE);
  g_string_append_printf (out, "\n# TYPE %s %s\n", metric->name,
      type_names[metric->type]);
  g_ptr_array_sort (all, compare_series);
  for (i = 0; i < all->len; i++) {
    GwSeries *series = all->pdata[i];

    if (metric->type == GW_METRIC_HISTOGRAM) {
      append_histogram (out, metric, series);
      continue;
    }
    append_sample_name (out, metric, "", series, NULL);
    g_string_append_c (out, ' ');
    append_number (out, series->value);
    g_string_append_c (out, '\n');
  }
  g_ptr_array_unref (all);
}

static gint
compare_family (gconstpointer a, gconstpointer b)
{
  GwMetric *ma = *(GwMetric **) a, *mb = *(GwMetric **) b;

  return strcmp (ma->name, mb->name);
}

/**
 * gw_metrics_render:
 * @self: a #GwMetrics
 *
 * Writes every family in the Prometheus text exposition format (serve it
 * with %GW_METRICS_CONTENT_TYPE).
 *
 * Returns: (transfer full): the exposition text
 */
gchar *
gw_metrics_render (GwMetrics * self)
{
  GString *out = g_string_new (NULL);
  GPtrArray *families;
  guint i;

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->lock);
  families = table_values (self->families);
  g_ptr_array_sort (families, compare_family);
  for (i = 0; i < families->len; i++)
    append_family (out, families->pdata[i]);
  g_mutex_unlock (&self->lock);
  g_ptr_array_unref (families);
  return g_string_free (out, FALSE);
}
