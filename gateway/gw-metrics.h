/* camguard-gateway - Prometheus metrics registry
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * GwMetricType:
 * @GW_METRIC_COUNTER: a value that only goes up
 * @GW_METRIC_GAUGE: a value that goes up and down
 * @GW_METRIC_HISTOGRAM: observations counted into fixed buckets
 *
 * The kind of a metric family.
 */
typedef enum
{
  GW_METRIC_COUNTER,
  GW_METRIC_GAUGE,
  GW_METRIC_HISTOGRAM,
} GwMetricType;

/**
 * GwMetrics:
 *
 * A registry of metric families, rendered in the Prometheus text exposition
 * format. Thread-safe; no global state: the gateway owns one.
 */
typedef struct _GwMetrics GwMetrics;

/**
 * GwMetric:
 *
 * One metric family of a #GwMetrics (a name, its help, its label names),
 * owned by the registry and valid as long as it.
 */
typedef struct _GwMetric GwMetric;

/**
 * GW_METRICS_PREFIX:
 *
 * The prefix of every family name in the exposition.
 */
#define GW_METRICS_PREFIX "camguard_"

/**
 * GwMetricSeries:
 *
 * One series of a family (one list of label values), from
 * gw_metric_series().
 */
typedef struct _GwMetricSeries GwMetricSeries;

GwMetrics *gw_metrics_new (void);
void gw_metrics_free (GwMetrics * self);

GwMetric *gw_metrics_counter (GwMetrics * self, const gchar * name,
    const gchar * help, const gchar * const *label_names);
GwMetric *gw_metrics_gauge (GwMetrics * self, const gchar * name,
    const gchar * help, const gchar * const *label_names);
GwMetric *gw_metrics_histogram (GwMetrics * self, const gchar * name,
    const gchar * help, const gchar * const *label_names,
    const gdouble * buckets, guint n_buckets);

void gw_metric_add (GwMetric * metric, gdouble value,
    const gchar * const *label_values);
void gw_metric_inc (GwMetric * metric, ...) G_GNUC_NULL_TERMINATED;
void gw_metric_set (GwMetric * metric, gdouble value,
    const gchar * const *label_values);
void gw_metric_observe (GwMetric * metric, gdouble value,
    const gchar * const *label_values);
GwMetricSeries *gw_metric_series (GwMetric * metric,
    const gchar * const *label_values);
void gw_metric_series_add (GwMetric * metric, GwMetricSeries * series,
    gdouble value);
void gw_metric_series_observe (GwMetric * metric, GwMetricSeries * series,
    gdouble value);
gboolean gw_metric_remove (GwMetric * metric,
    const gchar * const *label_values);

GwMetricType gw_metric_get_type (GwMetric * metric);
gdouble gw_metric_get_value (GwMetric * metric,
    const gchar * const *label_values);

gchar *gw_metrics_render (GwMetrics * self);

/**
 * GW_METRICS_CONTENT_TYPE:
 *
 * The Content-Type of gw_metrics_render()'s text.
 */
#define GW_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwMetrics, gw_metrics_free)

G_END_DECLS
