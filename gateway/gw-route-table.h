/* camguard-gateway - the router's table of routes (gw-http.c only)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-http.h"

G_BEGIN_DECLS

/* One route of the table. */
typedef struct
{
  gchar *method;
  gchar *pattern;
  gchar **segs;                 /* the pattern cut at its slashes */
  guint n_segs;
  guint64 is_param;             /* bit i: segment i is a {parameter} */
  guint index;                  /* order of addition */
  gchar *action;
  GwRouteFlags flags;
  GwHandler handler;
  gpointer user_data;
} GwRoute;

typedef struct _GwRouteTable GwRouteTable;

/* What a path asked the table: the route for the method, else the
 * methods of the routes that take the path (Allow). */
typedef struct
{
  const GwRoute *route;         /* NULL: no route for the method */
  gchar *params;                /* the route's parameters: "name\0value\0"
                                 * pairs, then "\0"; NULL when it has none */
  gchar *allow;                 /* without a route: "GET, HEAD, PUT"..., or
                                 * NULL when no route takes the path */
} GwRouteLookup;

G_GNUC_INTERNAL GwRouteTable *gw_route_table_new (void);
G_GNUC_INTERNAL void gw_route_table_free (GwRouteTable * table);
G_GNUC_INTERNAL gboolean gw_route_table_add (GwRouteTable * table,
    const gchar * method, const gchar * pattern, const gchar * action,
    GwRouteFlags flags, GwHandler handler, gpointer user_data);
G_GNUC_INTERNAL void gw_route_table_lookup (GwRouteTable * table,
    const gchar * method, const gchar * path, GwRouteLookup * out);
G_GNUC_INTERNAL guint gw_route_table_get_size (GwRouteTable * table);
G_GNUC_INTERNAL const GwRoute *gw_route_table_get (GwRouteTable * table,
    guint i);
G_GNUC_INTERNAL const gchar *gw_route_params_get (const gchar * params,
    const gchar * name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwRouteTable, gw_route_table_free)

G_END_DECLS
