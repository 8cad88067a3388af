/* camguard-gateway - the HTTP metrics: requests and their latency
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-metrics.h"

G_BEGIN_DECLS

typedef struct _GwHttpMetrics GwHttpMetrics;

GwHttpMetrics *gw_http_metrics_new (GwMetrics * metrics);
void gw_http_metrics_free (GwHttpMetrics * self);
void gw_http_metrics_observe (GwHttpMetrics * self, const gchar * route,
    const gchar * method, guint status, gdouble duration_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwHttpMetrics, gw_http_metrics_free)

G_END_DECLS
