/* camguard-gateway - the one HTTP request path: router, auth, errors, logs
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-http
 * @short_description: the one request path every REST route goes through
 *
 * A #GwRouter sits on a #SoupServer and takes every path that no other
 * handler (such as the WebSocket endpoint) claims. Every request goes
 * through the same steps, in this order:
 *
 * 1. request id: the client's `X-Request-Id` if it is sane, else a new one;
 *    every response carries it (also libsoup's own 400/417/501 to a request
 *    it could not parse: the new one is set when the request starts);
 * 2. body limit: `Content-Length` is checked when the headers arrive and
 *    the running total on every chunk; over the limit the request is
 *    answered 413 %CG_CODE_PAYLOAD_TOO_LARGE without keeping the body
 *    (`Connection: close`); a client that goes on sending more than
 *    MAX (limit, 256 KiB) beyond the limit has its connection closed;
 * 3. routing: unknown path -> 404 %CG_CODE_METHOD_NOT_FOUND, known path
 *    with another method -> 405 %CG_CODE_METHOD_NOT_ALLOWED with `Allow`;
 * 4. auth: gw_auth_authorize() for the route's action;
 * 5. body: malformed JSON -> 400 %CG_CODE_INVALID_JSON, no object where the
 *    route needs one -> 400 %CG_CODE_INVALID_REQUEST;
 * 6. the handler, which answers at once or pauses the message and answers
 *    from any thread (the answer hops to the main context; a timeout
 *    answers %CG_CODE_OPERATION_TIMEOUT if the handler never does);
 * 7. one access-log line and one metrics call per request.
 *
 * Errors are rendered by libcamguard: the flat body, or RFC 7807 when the
 * `Accept` header asks for `application/problem+json`.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gw-http.h"
#include "gw-request-private.h"
#include "gw-route-table.h"

/* The router's state on a message: looked up three times per request, by
 * quark (a string key is turned into one on every call). */
GQuark gw_http_state_quark (void);
G_DEFINE_QUARK (gw - http - state, gw_http_state);
#define STATE_KEY (gw_http_state_quark ())
#define REQUEST_ID_MAX 128
/* A rejected body is drained (so that the client reads its 413) up to
 * MAX (limit, this) bytes beyond the limit, counted from the first byte
 * (a body refused on its Content-Length is refused before any byte came,
 * and must still be drained); then the connection is closed. */
#define GW_HTTP_MIN_DRAIN (256 * 1024)


struct _GwRouter
{
  gint refcount;
  SoupServer *server;
  GwKeyStore *keys;             /* NULL: auth off */
  GMainContext *context;
  GwRouteTable *routes;
  gsize body_limit;
  guint reply_timeout_ms;
  gulong started_id;
  gulong finished_id;
  gulong aborted_id;
  gchar id_prefix[17];          /* random, per router */
  gint id_counter;              /* atomic */
  GwLogFunc log_func;
  gpointer log_data;
  GwMetricsFunc metrics_func;
  gpointer metrics_data;
};

/* What the router knows of one message, from its first line to its end. */
typedef struct
{
  GwRouter *router;
  gchar *request_id;
  gint64 start_us;
  goffset received;
  gboolean rejected;
  gboolean logged;
  gboolean got_headers;
  const gchar *route;           /* owned by the router */
  gchar *key_name;
} MsgState;


/* ---------------------------------------------------------------------- */
/* Per-message state: request id, body limit, access log                  */
/* ---------------------------------------------------------------------- */

static void
msg_state_free (gpointer data)
{
  MsgState *s = data;

  gw_router_unref (s->router);
  g_free (s->request_id);
  g_free (s->key_name);
  g_free (s);
}

static gboolean
request_id_is_sane (const gchar * id)
{
  gsize len;
  const gchar *p;

  if (id == NULL)
    return FALSE;
  len = strlen (id);
  if (len == 0 || len > REQUEST_ID_MAX)
    return FALSE;
  for (p = id; *p; p++) {
    if (!g_ascii_isalnum (*p) && !strchr ("-_.:", *p))
      return FALSE;
  }
  return TRUE;
}

/* Answers 413 and stops keeping the body; libsoup drains the rest. */
static void
reject_too_large (MsgState * s, SoupServerMessage * msg, goffset size)
{
  g_autoptr (CgError) error = cg_error_new (CG_CODE_PAYLOAD_TOO_LARGE, NULL);
  g_autoptr (GBytes) body = NULL;
  SoupMessageBody *req_body = soup_server_message_get_request_body (msg);
  const gchar *ctype;
  gsize len;
  gconstpointer data;

  s->rejected = TRUE;
  gst_structure_set (cg_error_get_details_writable (error),
      "limit_bytes", G_TYPE_UINT64, (guint64) s->router->body_limit,
      "received_bytes", G_TYPE_UINT64, (guint64) size, NULL);
  body = gw_request_render_error (error, s->request_id,
      g_uri_get_path (soup_server_message_get_uri (msg)),
      gw_request_accepts_problem (msg), &ctype);
  data = g_bytes_get_data (body, &len);
  soup_server_message_set_response (msg, ctype, SOUP_MEMORY_COPY, data, len);
  soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
      NULL);
  gw_request_set_id_header (msg, s->request_id);
  soup_message_headers_replace (soup_server_message_get_response_headers
      (msg), "Connection", "close");
  soup_message_body_set_accumulate (req_body, FALSE);
  soup_message_body_truncate (req_body);
}

static void got_chunk_cb (SoupServerMessage * msg, GBytes * chunk,
    MsgState * s);

/* libsoup's early handler: the headers are in (libsoup's own checks
 * passed), the body not yet. A per-message "got-headers" handler would
 * cost a closure per request. */
static void
early_cb (SoupServer * server, SoupServerMessage * msg, const char *path,
    GHashTable * query, gpointer user_data)
{
  MsgState *s = g_object_get_qdata (G_OBJECT (msg), STATE_KEY);
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  const gchar *id = soup_message_headers_get_one (h, "X-Request-Id");
  goffset length;

  if (s == NULL)
    return;
  s->got_headers = TRUE;
  if (request_id_is_sane (id)) {
    g_free (s->request_id);
    s->request_id = g_strdup (id);
    gw_request_set_id_header (msg, s->request_id);
  }

  switch (soup_message_headers_get_encoding (h)) {
    case SOUP_ENCODING_NONE:
      return;
    case SOUP_ENCODING_CONTENT_LENGTH:
      length = soup_message_headers_get_content_length (h);
      if (length == 0)
        return;
      if ((guint64) length > s->router->body_limit)
        reject_too_large (s, msg, length);
      break;
    default:
      break;
  }
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), s);
}

/**
 * gw_access_record_to_json:
 * @record: a #GwAccessRecord
 *
 * The access-log line of @record: one JSON object `{time, level,
 * request_id, method, path, status, duration_ms, key}` (`time` in ISO
 * 8601 UTC, `key` null without one), no newline.
 *
 * Returns: (transfer full): the line
 */
gchar *
gw_access_record_to_json (const GwAccessRecord * record)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (0);
  g_autoptr (GDateTime) when = g_date_time_add (t, record->time_us);
  g_autofree gchar *time = g_date_time_format_iso8601 (when);
  CgJsonWriter *w = cg_json_writer_new ();

  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "time", time);
  cg_json_writer_member_string (w, "level", record->level);
  cg_json_writer_member_string (w, "request_id", record->request_id);
  cg_json_writer_member_string (w, "method", record->method);
  cg_json_writer_member_string (w, "path", record->path);
  cg_json_writer_member_int (w, "status", record->status);
  cg_json_writer_member_double (w, "duration_ms", record->duration_ms);
  cg_json_writer_member_string (w, "key", record->key_name);
  cg_json_writer_end_object (w);
  return cg_json_writer_free_to_string (w, NULL);
}

/* Once per request: when it finishes, or when its connection is cut. */
static void
finished_cb (SoupServerMessage * msg, MsgState * s)
{
  GwRouter *r = s->router;
  g_autofree gchar *path = NULL;
  GwAccessRecord rec = { 0 };

  /* a request libsoup refused after its headers (a ".." path) is logged
   * too; one whose headers never came is not */
  if (s->logged || soup_server_message_get_uri (msg) == NULL)
    return;
  s->logged = TRUE;
  path = cg_redact (g_uri_get_path (soup_server_message_get_uri (msg)));
  rec.time_us = g_get_real_time ();
  /* a stream the client left: the status it was sent, not libsoup's 500 */
  rec.status = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (msg),
          GW_REQUEST_STREAM_STATUS));
  if (rec.status == 0)
    rec.status = soup_server_message_get_status (msg);
  rec.level = rec.status >= 500 ? "warning" : "info";
  rec.request_id = s->request_id;
  rec.method = soup_server_message_get_method (msg);
  rec.path = path;
  rec.route = s->route;
  rec.duration_ms = (g_get_monotonic_time () - s->start_us) / 1000.0;
  rec.key_name = s->key_name;
  if (r->log_func) {
    r->log_func (&rec, r->log_data);
  } else {
    g_autofree gchar *line = gw_access_record_to_json (&rec);

    g_info ("%s", line);
  }
  if (r->metrics_func)
    r->metrics_func (rec.route, rec.method, rec.status, rec.duration_ms,
        r->metrics_data);
}

/* Gives up on a client that goes on sending a rejected body: libsoup
 * would drain it for ever. The client gets no 413, only a closed
 * connection. */
static void
cut_connection (MsgState * s, SoupServerMessage * msg)
{
  GIOStream *stream;

  g_debug ("request %s: body still coming after %" G_GUINT64_FORMAT
      " bytes, closing the connection", s->request_id, (guint64) s->received);
  finished_cb (msg, s);
  stream = soup_server_message_steal_connection (msg);
  if (stream) {
    g_io_stream_close (stream, NULL, NULL);
    g_object_unref (stream);
  }
}

static void
got_chunk_cb (SoupServerMessage * msg, GBytes * chunk, MsgState * s)
{
  guint64 limit = s->router->body_limit;

  s->received += g_bytes_get_size (chunk);
  if (s->rejected) {
    soup_message_body_truncate (soup_server_message_get_request_body (msg));
    if ((guint64) s->received > limit + MAX (limit, GW_HTTP_MIN_DRAIN))
      cut_connection (s, msg);
    return;
  }
  if ((guint64) s->received > limit)
    reject_too_large (s, msg, s->received);
}

/* "<router prefix>-<counter, 8 hex digits>" (what "%s-%08x" prints,
 * without printf: one per request) */
static gchar *
make_request_id (GwRouter * r)
{
  static const gchar hex[] = "0123456789abcdef";
  guint n = (guint) g_atomic_int_add (&r->id_counter, 1);
  gsize plen = strlen (r->id_prefix);
  gchar *id = g_malloc (plen + 10);
  gint i;

  memcpy (id, r->id_prefix, plen);
  id[plen] = '-';
  for (i = 7; i >= 0; i--, n >>= 4)
    id[plen + 1 + i] = hex[n & 0xf];
  id[plen + 9] = '\0';
  return id;
}

static void
request_started_cb (SoupServer * server, SoupServerMessage * msg, GwRouter * r)
{
  MsgState *s = g_new0 (MsgState, 1);

  s->router = gw_router_ref (r);
  s->start_us = g_get_monotonic_time ();
  /* from the start: requests libsoup itself refuses before their headers
   * are read (a bad request line, no Host...) carry it too */
  s->request_id = make_request_id (r);
  soup_message_headers_append (soup_server_message_get_response_headers (msg),
      "X-Request-Id", s->request_id);
  g_object_set_qdata_full (G_OBJECT (msg), STATE_KEY, s, msg_state_free);
  /* the headers through the early handler, got-chunk only for a request
   * with a body, and the end through the server's request-finished and
   * request-aborted: no closure per request */
}

static void
request_ended_cb (SoupServer * server, SoupServerMessage * msg, GwRouter * r)
{
  MsgState *s = g_object_get_qdata (G_OBJECT (msg), STATE_KEY);

  if (s)
    finished_cb (msg, s);
}

/* ---------------------------------------------------------------------- */
/* Routing and dispatch                                                   */
/* ---------------------------------------------------------------------- */

static gboolean
parse_body (GwRequest * req, GwRouteFlags flags, CgError ** error)
{
  SoupMessageBody *mb = soup_server_message_get_request_body (req->msg);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) err = NULL;

  if (mb->length > 0 && !(flags & GW_ROUTE_BODY_RAW)) {
    parser = json_parser_new ();
    bytes = soup_message_body_flatten (mb);
    if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
            g_bytes_get_size (bytes), &err)) {
      *error = cg_error_new (CG_CODE_INVALID_JSON, NULL);
      gst_structure_set (cg_error_get_details_writable (*error), "reason",
          G_TYPE_STRING, err->message, NULL);
      return FALSE;
    }
    req->body = json_parser_steal_root (parser);
  }
  if ((flags & GW_ROUTE_BODY_OBJECT)
      && (req->body == NULL || !JSON_NODE_HOLDS_OBJECT (req->body))) {
    *error = cg_error_new (CG_CODE_INVALID_REQUEST,
        "The request body must be a JSON object");
    return FALSE;
  }
  return TRUE;
}

/* Steps 3 to 5: the route, or NULL and @error says why. */
static const GwRoute *
request_prepare (GwRouter * r, MsgState * s, GwRequest * req, CgError ** error)
{
  GwRouteLookup found;
  const GwRoute *route;
  const gchar *key;

  gw_route_table_lookup (r->routes, req->method, req->path, &found);
  route = found.route;
  req->params = found.params;
  if (found.allow) {
    g_autofree gchar *allow = found.allow;

    gw_request_add_header (req, "Allow", allow);
    *error = cg_error_new (CG_CODE_METHOD_NOT_ALLOWED, NULL);
    gst_structure_set (cg_error_get_details_writable (*error), "allow",
        G_TYPE_STRING, allow, NULL);
    return NULL;
  }
  if (route == NULL) {
    *error = cg_error_new (CG_CODE_METHOD_NOT_FOUND, NULL);
    return NULL;
  }
  s->route = route->pattern;
  req->route = g_strdup (route->pattern);

  key = gw_auth_credential_from_headers
      (soup_server_message_get_request_headers (req->msg));
  if (!gw_auth_authorize (r->keys, key,
          G_OBJECT (soup_server_message_get_socket (req->msg)),
          route->action, &req->role, &req->key_name, error))
    return NULL;
  s->key_name = g_strdup (req->key_name);
  return parse_body (req, route->flags, error) ? route : NULL;
}

/**
 * gw_router_handle:
 * @router: a #GwRouter
 * @msg: a message of the router's server
 * @path: its path
 * @query: (nullable): its query
 * @refusal: (nullable): an error to answer instead of routing it
 *
 * Takes a message another handler of the server was given (such as the
 * WebSocket endpoint, for a path under it that is no handshake) through
 * the one request path: routed as usual, or answered @refusal with its
 * request id, log line and metrics.
 */
void
gw_router_handle (GwRouter * router, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, const CgError * refusal)
{
  GwRouter *r = router;
  MsgState *s = g_object_get_qdata (G_OBJECT (msg), STATE_KEY);
  g_autoptr (GwRequest) req = NULL;
  g_autoptr (CgError) error = NULL;
  const GwRoute *route;

  if (s == NULL || !s->got_headers) {
    soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
        NULL);
    return;
  }
  req = gw_request_new (msg, s->request_id, path, query, r->context,
      r->reply_timeout_ms);
  if (refusal) {
    gw_request_reply_error (req, refusal);
    return;
  }
  route = request_prepare (r, s, req, &error);
  if (route == NULL) {
    gw_request_reply_error (req, error);
    return;
  }
  route->handler (req, route->user_data);
  if (!req->paused && !g_atomic_int_get (&req->answered)) {
    g_clear_pointer (&error, cg_error_unref);
    error = cg_error_new (CG_CODE_INTERNAL_ERROR,
        "The handler returned without an answer");
    g_warning ("route %s %s: handler returned without an answer",
        route->method, route->pattern);
    gw_request_reply_error (req, error);
  }
}

static void
server_cb (SoupServer * server, SoupServerMessage * msg, const char *path,
    GHashTable * query, gpointer user_data)
{
  gw_router_handle (user_data, msg, path, query, NULL);
}

/* ---------------------------------------------------------------------- */
/* Router                                                                 */
/* ---------------------------------------------------------------------- */

/**
 * gw_router_new:
 * @server: the #SoupServer (its main context is the thread-default one)
 * @keys: (nullable): the key store; %NULL turns auth off (every caller is
 *   admin: the gateway allows that only on loopback)
 *
 * Creates the router and makes it @server's handler for every path no
 * other handler claims.
 *
 * Returns: (transfer full): the router
 */
GwRouter *
gw_router_new (SoupServer * server, GwKeyStore * keys)
{
  GwRouter *r = g_new0 (GwRouter, 1);

  r->refcount = 1;
  r->server = g_object_ref (server);
  r->keys = keys;
  r->context = g_main_context_ref_thread_default ();
  r->routes = gw_route_table_new ();
  r->body_limit = GW_HTTP_DEFAULT_BODY_LIMIT;
  r->reply_timeout_ms = GW_HTTP_DEFAULT_REPLY_TIMEOUT_MS;
  g_snprintf (r->id_prefix, sizeof r->id_prefix, "%08x%08x", g_random_int (),
      g_random_int ());
  r->started_id = g_signal_connect (server, "request-started",
      G_CALLBACK (request_started_cb), r);
  r->finished_id = g_signal_connect (server, "request-finished",
      G_CALLBACK (request_ended_cb), r);
  r->aborted_id = g_signal_connect (server, "request-aborted",
      G_CALLBACK (request_ended_cb), r);
  soup_server_add_handler (server, NULL, server_cb, r, NULL);
  soup_server_add_early_handler (server, NULL, early_cb, r, NULL);
  return r;
}

/**
 * gw_router_cover_path:
 * @router: a #GwRouter
 * @path: the path of another handler of the server (such as the WebSocket
 *   endpoint's)
 *
 * Puts the requests under @path through the router's first steps too
 * (the client's request id, the body limit): libsoup runs only the early
 * handler of the handler that takes a path. The early handler holds a
 * reference to @router until the path's handlers are removed
 * (soup_server_remove_handler()).
 */
void
gw_router_cover_path (GwRouter * router, const gchar * path)
{
  soup_server_add_early_handler (router->server, path, early_cb,
      gw_router_ref (router), (GDestroyNotify) gw_router_unref);
}

/**
 * gw_router_ref:
 * @router: a #GwRouter
 *
 * Returns: (transfer full): @router
 */
GwRouter *
gw_router_ref (GwRouter * router)
{
  g_atomic_int_inc (&router->refcount);
  return router;
}

/**
 * gw_router_unref:
 * @router: (transfer full): a #GwRouter
 *
 * Drops a reference. Requests in flight hold one each; when the last one
 * goes, the router leaves its server.
 */
void
gw_router_unref (GwRouter * router)
{
  if (!g_atomic_int_dec_and_test (&router->refcount))
    return;
  g_signal_handler_disconnect (router->server, router->started_id);
  g_signal_handler_disconnect (router->server, router->finished_id);
  g_signal_handler_disconnect (router->server, router->aborted_id);
  soup_server_remove_handler (router->server, "/");
  gw_route_table_free (router->routes);
  g_main_context_unref (router->context);
  g_object_unref (router->server);
  g_free (router);
}

/**
 * gw_router_add_route:
 * @router: a #GwRouter
 * @method: the HTTP method ("GET", ...)
 * @pattern: the path, with `{name}` for a parameter segment, e.g.
 *   `/api/v1/cameras/{id}/start`
 * @action: the action of the role table (gw_auth_required_role())
 * @flags: #GwRouteFlags
 * @handler: the handler
 * @user_data: data for @handler
 *
 * Adds a route. Where several patterns match a path, the one with the
 * most literal segments wins.
 */
void
gw_router_add_route (GwRouter * router, const gchar * method,
    const gchar * pattern, const gchar * action, GwRouteFlags flags,
    GwHandler handler, gpointer user_data)
{
  if (!gw_route_table_add (router->routes, method, pattern, action, flags,
          handler, user_data))
    g_critical ("route %s: more than 64 segments", pattern);
}

/**
 * gw_router_list_routes:
 * @router: a #GwRouter
 *
 * Returns: (transfer full) (element-type utf8): every route as
 *   "METHOD PATTERN", in the order they were added (for the OpenAPI
 *   document's check)
 */
GPtrArray *
gw_router_list_routes (GwRouter * router)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; i < gw_route_table_get_size (router->routes); i++) {
    const GwRoute *r = gw_route_table_get (router->routes, i);

    g_ptr_array_add (list, g_strconcat (r->method, " ", r->pattern, NULL));
  }
  return list;
}

/**
 * gw_router_foreach_route:
 * @router: a #GwRouter
 * @func: (scope call): called with each route's method, pattern, action
 *   and flags, in the order they were added
 * @user_data: data for @func
 *
 * Walks the route table (for `camguard-gateway --list-routes` and the
 * role matrix test, so that no route escapes them).
 */
void
gw_router_foreach_route (GwRouter * router, GwRouteFunc func,
    gpointer user_data)
{
  guint i;

  for (i = 0; i < gw_route_table_get_size (router->routes); i++) {
    const GwRoute *r = gw_route_table_get (router->routes, i);

    func (r->method, r->pattern, r->action, r->flags, user_data);
  }
}

/**
 * gw_router_set_body_limit:
 * @router: a #GwRouter
 * @limit: the largest request body accepted, in bytes
 *
 * Sets the body limit (default %GW_HTTP_DEFAULT_BODY_LIMIT).
 */
void
gw_router_set_body_limit (GwRouter * router, gsize limit)
{
  router->body_limit = limit;
}

/**
 * gw_router_get_body_limit:
 * @router: a #GwRouter
 *
 * Returns: the body limit in bytes
 */
gsize
gw_router_get_body_limit (GwRouter * router)
{
  return router->body_limit;
}

/**
 * gw_router_set_reply_timeout:
 * @router: a #GwRouter
 * @timeout_ms: how long a paused request may wait for its answer
 *
 * Sets the bound on paused requests (default
 * %GW_HTTP_DEFAULT_REPLY_TIMEOUT_MS).
 */
void
gw_router_set_reply_timeout (GwRouter * router, guint timeout_ms)
{
  router->reply_timeout_ms = timeout_ms;
}

/**
 * gw_router_set_log_func:
 * @router: a #GwRouter
 * @func: (nullable): receives each request's access-log record; %NULL:
 *   g_info() of gw_access_record_to_json()
 * @user_data: data for @func
 *
 * Redirects the access log.
 */
void
gw_router_set_log_func (GwRouter * router, GwLogFunc func, gpointer user_data)
{
  router->log_func = func;
  router->log_data = user_data;
}

/**
 * gw_router_set_metrics_func:
 * @router: a #GwRouter
 * @func: (nullable): called once per finished request
 * @user_data: data for @func
 *
 * Sets the metrics hook.
 */
void
gw_router_set_metrics_func (GwRouter * router, GwMetricsFunc func,
    gpointer user_data)
{
  router->metrics_func = func;
  router->metrics_data = user_data;
}
