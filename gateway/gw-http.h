/* camguard-gateway - the one HTTP request path: router, auth, errors, logs
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <camguard.h>

#include "gw-auth.h"
#include "gw-request.h"

G_BEGIN_DECLS

/** GW_HTTP_DEFAULT_BODY_LIMIT: default request body limit (1 MiB) */
#define GW_HTTP_DEFAULT_BODY_LIMIT (1024 * 1024)
/** GW_HTTP_DEFAULT_REPLY_TIMEOUT_MS: default bound on a paused request */
#define GW_HTTP_DEFAULT_REPLY_TIMEOUT_MS 30000

typedef struct _GwRouter GwRouter;

/**
 * GwRouteFlags:
 * @GW_ROUTE_NONE: nothing special
 * @GW_ROUTE_BODY_OBJECT: the route needs a JSON object body (else 400
 *   INVALID_REQUEST)
 * @GW_ROUTE_BODY_RAW: the body is not JSON: the handler reads it from the
 *   message (gw_request_get_message()); gw_request_get_body() is %NULL
 *
 * What a route expects of its request.
 */
typedef enum
{
  GW_ROUTE_NONE = 0,
  GW_ROUTE_BODY_OBJECT = 1 << 0,
  GW_ROUTE_BODY_RAW = 1 << 1,
} GwRouteFlags;


/**
 * GwAccessRecord:
 * @time_us: when the request ended (wall clock, µs since the epoch)
 * @level: "info", or "warning" for a 5xx answer
 * @request_id: the request id
 * @method: the HTTP method
 * @path: the path, through cg_redact() (no query string)
 * @route: (nullable): the matched route pattern
 * @status: the HTTP status answered
 * @duration_ms: from the request line to the end of the answer
 * @key_name: (nullable): the caller's key name (never the key)
 *
 * One request, for the access log. gw_access_record_to_json() renders the
 * JSON line; a text logger can use the fields.
 */
typedef struct
{
  gint64 time_us;
  const gchar *level;
  const gchar *request_id;
  const gchar *method;
  const gchar *path;
  const gchar *route;
  guint status;
  gdouble duration_ms;
  const gchar *key_name;
} GwAccessRecord;

/**
 * GwLogFunc:
 * @record: the request (valid during the call only)
 * @user_data: user data
 *
 * Receives each request's access-log record.
 */
typedef void (*GwLogFunc) (const GwAccessRecord * record, gpointer user_data);

gchar *gw_access_record_to_json (const GwAccessRecord * record);

/**
 * GwMetricsFunc:
 * @route: (nullable): the matched route pattern, %NULL when none matched
 * @method: the HTTP method
 * @status: the HTTP status answered
 * @duration_ms: from the request line to the end of the response
 * @user_data: user data
 *
 * Called once per finished request, for metrics.
 */
typedef void (*GwMetricsFunc) (const gchar * route, const gchar * method,
    guint status, gdouble duration_ms, gpointer user_data);

/**
 * GwRouteFunc:
 * @method: the route's HTTP method
 * @pattern: its path pattern
 * @action: its action of the role table
 * @flags: its #GwRouteFlags
 * @user_data: user data
 *
 * One route, for gw_router_foreach_route().
 */
typedef void (*GwRouteFunc) (const gchar * method, const gchar * pattern,
    const gchar * action, GwRouteFlags flags, gpointer user_data);

GwRouter *gw_router_new (SoupServer * server, GwKeyStore * keys);
void gw_router_cover_path (GwRouter * router, const gchar * path);
GwRouter *gw_router_ref (GwRouter * router);
void gw_router_unref (GwRouter * router);
void gw_router_add_route (GwRouter * router, const gchar * method,
    const gchar * pattern, const gchar * action, GwRouteFlags flags,
    GwHandler handler, gpointer user_data);
GPtrArray *gw_router_list_routes (GwRouter * router);
void gw_router_foreach_route (GwRouter * router, GwRouteFunc func,
    gpointer user_data);
void gw_router_handle (GwRouter * router, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, const CgError * refusal);
void gw_router_set_body_limit (GwRouter * router, gsize limit);
gsize gw_router_get_body_limit (GwRouter * router);
void gw_router_set_reply_timeout (GwRouter * router, guint timeout_ms);
void gw_router_set_log_func (GwRouter * router, GwLogFunc func,
    gpointer user_data);
void gw_router_set_metrics_func (GwRouter * router, GwMetricsFunc func,
    gpointer user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwRouter, gw_router_unref)

G_END_DECLS
