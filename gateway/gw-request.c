/* camguard-gateway - one REST request: what it asks, and its answer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-request
 * @short_description: one REST request, answered at once or later
 *
 * A #GwRequest is what a #GwHandler gets from the router (gw-http.c): the
 * path parameters, the query, the parsed JSON body, the request id and the
 * caller's role and key name, and the ways to answer: JSON, a catalogue
 * error (flat body or RFC 7807), or bytes. A handler that needs slow work
 * pauses the request, and answers from any thread: the answer hops to the
 * main context, and a timeout answers %CG_CODE_OPERATION_TIMEOUT if it
 * never comes. The first answer wins; later ones are dropped.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gw-hop.h"
#include "gw-request-private.h"
#include "gw-route-table.h"

#define PROBLEM_TYPE "application/problem+json"

G_DEFINE_QUARK (gw - request - stream - status, gw_request_stream_status);

/* ---------------------------------------------------------------------- */
/* Rendering                                                              */
/* ---------------------------------------------------------------------- */

static GBytes *
node_to_bytes (JsonNode * node)
{
  CgJsonWriter *w = cg_json_writer_new ();

  cg_json_writer_node (w, node);
  return cg_json_writer_free_to_bytes (w);
}

/* Set when the headers arrive, and again on the final answer: libsoup
 * clears the response headers after an informational "100 Continue". */
void
gw_request_set_id_header (SoupServerMessage * msg, const gchar * request_id)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);

  if (g_strcmp0 (soup_message_headers_get_one (h, "X-Request-Id"),
          request_id) != 0)
    soup_message_headers_replace (h, "X-Request-Id", request_id);
}

/* The one rendering of an error answer, also used for the early 413. */
GBytes *
gw_request_render_error (const CgError * error, const gchar * request_id,
    const gchar * instance, gboolean problem, const gchar ** content_type)
{
  CgJsonWriter *w = cg_json_writer_new ();

  if (problem) {
    cg_error_write_problem (error, request_id, instance, w);
    *content_type = PROBLEM_TYPE;
  } else {
    cg_error_write_json (error, request_id, w);
    *content_type = "application/json";
  }
  return cg_json_writer_free_to_bytes (w);
}

gboolean
gw_request_accepts_problem (SoupServerMessage * msg)
{
  const gchar *accept =
      soup_message_headers_get_list (soup_server_message_get_request_headers
      (msg), "Accept");

  return accept != NULL && strstr (accept, PROBLEM_TYPE) != NULL;
}

/* ---------------------------------------------------------------------- */
/* Requests and replies                                                   */
/* ---------------------------------------------------------------------- */

/**
 * gw_request_ref:
 * @req: a #GwRequest
 *
 * Keeps @req (and its message) alive, e.g. to answer it from a thread.
 *
 * Returns: (transfer full): @req
 */
GwRequest *
gw_request_ref (GwRequest * req)
{
  g_atomic_int_inc (&req->refcount);
  return req;
}

/**
 * gw_request_unref:
 * @req: (transfer full): a #GwRequest
 *
 * Drops a reference.
 */
void
gw_request_unref (GwRequest * req)
{
  if (!g_atomic_int_dec_and_test (&req->refcount))
    return;
  g_object_unref (req->msg);
  g_main_context_unref (req->context);
  g_free (req->request_id);
  g_free (req->route);
  g_free (req->key_name);
  g_free (req->method);
  g_free (req->path);
  g_free (req->params);
  if (req->query)
    g_hash_table_unref (req->query);
  if (req->body)
    json_node_unref (req->body);
  if (req->headers)
    g_ptr_array_unref (req->headers);
  g_mutex_clear (&req->lock);
  g_free (req->content_type);
  if (req->reply)
    g_bytes_unref (req->reply);
  g_free (req);
}

/* On the main context: no more timeout; X-Request-Id and the staged
 * headers onto the response. */
static void
apply_headers (GwRequest * req)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (req->msg);
  guint i;

  if (req->timeout) {
    g_source_destroy (req->timeout);
    g_clear_pointer (&req->timeout, g_source_unref);
  }
  /* set when the request started; libsoup clears the response headers
   * only after the informational "100 Continue" */
  if (req->expect_continue)
    gw_request_set_id_header (req->msg, req->request_id);
  g_mutex_lock (&req->lock);
  for (i = 0; req->headers && i + 1 < req->headers->len; i += 2)
    soup_message_headers_replace (h, g_ptr_array_index (req->headers, i),
        g_ptr_array_index (req->headers, i + 1));
  g_mutex_unlock (&req->lock);
}

/* On the main context: hand the answer to libsoup. The body is handed
 * over, not copied (a download maps its file). */
static gboolean
apply_reply (gpointer data)
{
  GwRequest *req = data;
  SoupMessageBody *body = soup_server_message_get_response_body (req->msg);

  apply_headers (req);
  soup_message_headers_replace (soup_server_message_get_response_headers
      (req->msg), "Content-Type", req->content_type);
  soup_message_body_truncate (body);
  soup_message_body_append_bytes (body, req->reply);
  soup_server_message_set_status (req->msg, req->status, NULL);
  if (req->paused)
    soup_server_message_unpause (req->msg);
  return G_SOURCE_REMOVE;
}

/* One more header of the answer (lock held); the list is made on the
 * first one (most answers have none). */
static void
stage_header (GwRequest * req, const gchar * name, const gchar * value)
{
  if (req->headers == NULL)
    req->headers = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (req->headers, g_strdup (name));
  g_ptr_array_add (req->headers, g_strdup (value));
}

/* Any thread: the first answer wins, later ones are dropped. The headers
 * staged with gw_request_add_header() belong to the handler's answer: an
 * answer the handler did not give (@staged FALSE: the timeout) drops them.
 * @name and @value: one more header of this answer, or NULL. */
static void
request_finish (GwRequest * req, guint status, const gchar * content_type,
    GBytes * body, gboolean staged, const gchar * name, const gchar * value)
{
  if (!g_atomic_int_compare_and_exchange (&req->answered, 0, 1)) {
    g_debug ("request %s: late answer %u dropped", req->request_id, status);
    g_bytes_unref (body);
    return;
  }
  g_mutex_lock (&req->lock);
  if (!staged && req->headers)
    g_ptr_array_set_size (req->headers, 0);
  if (name)
    stage_header (req, name, value);
  g_mutex_unlock (&req->lock);
  req->status = status;
  req->content_type = g_strdup (content_type);
  req->reply = body;
  gw_hop (req->context, apply_reply, gw_request_ref (req),
      (GDestroyNotify) gw_request_unref);
}

/**
 * gw_request_add_header:
 * @req: a #GwRequest
 * @name: a response header name
 * @value: its value
 *
 * Stages a header for the handler's answer (e.g. `X-Frame-Age-Ms`): call
 * it before the gw_request_reply_*() call, from any thread. An answer the
 * handler does not give (the reply timeout's) leaves it out.
 */
void
gw_request_add_header (GwRequest * req, const gchar * name, const gchar * value)
{
  g_mutex_lock (&req->lock);
  stage_header (req, name, value);
  g_mutex_unlock (&req->lock);
}

/**
 * gw_request_reply_json:
 * @req: a #GwRequest
 * @status: the HTTP status
 * @node: the body
 *
 * Answers with @node as `application/json`. Callable from any thread; only
 * the first answer to a request counts.
 */
void
gw_request_reply_json (GwRequest * req, guint status, JsonNode * node)
{
  request_finish (req, status, "application/json", node_to_bytes (node),
      TRUE, NULL, NULL);
}

/**
 * gw_request_reply_writer:
 * @req: a #GwRequest
 * @status: the HTTP status
 * @writer: (transfer full): the body, one complete JSON value
 *
 * Answers with the text of @writer as `application/json`, and frees
 * @writer. Callable from any thread; only the first answer to a request
 * counts.
 */
void
gw_request_reply_writer (GwRequest * req, guint status, CgJsonWriter * writer)
{
  request_finish (req, status, "application/json",
      cg_json_writer_free_to_bytes (writer), TRUE, NULL, NULL);
}

/**
 * gw_request_reply_bytes:
 * @req: a #GwRequest
 * @status: the HTTP status
 * @content_type: e.g. "image/jpeg"
 * @body: the body
 *
 * Answers with @body. Callable from any thread.
 */
void
gw_request_reply_bytes (GwRequest * req, guint status,
    const gchar * content_type, GBytes * body)
{
  request_finish (req, status, content_type, g_bytes_ref (body), TRUE, NULL,
      NULL);
}

static void
reply_error (GwRequest * req, const CgError * error, gboolean staged)
{
  CgCode code = cg_error_get_code (error);
  const gchar *ctype, *challenge = NULL;
  GBytes *body;

  body = gw_request_render_error (error, req->request_id, req->path,
      req->problem, &ctype);
  if (code == CG_CODE_AUTHENTICATION_REQUIRED)
    challenge = "Bearer realm=\"camguard\"";
  else if (code == CG_CODE_INVALID_API_KEY)
    challenge = "Bearer realm=\"camguard\", error=\"invalid_token\"";
  request_finish (req, cg_code_get_http_status (code), ctype, body, staged,
      challenge ? "WWW-Authenticate" : NULL, challenge);
}

/**
 * gw_request_reply_error:
 * @req: a #GwRequest
 * @error: the error
 *
 * Answers with @error: the HTTP status from the catalogue, the flat body
 * `{error_code, message, details, request_id}`, or RFC 7807 when the client
 * asked for `application/problem+json`. 401 answers carry
 * `WWW-Authenticate: Bearer realm="camguard"`. Callable from any thread.
 */
void
gw_request_reply_error (GwRequest * req, const CgError * error)
{
  reply_error (req, error, TRUE);
}

static gboolean
reply_timeout_cb (gpointer data)
{
  GwRequest *req = data;
  g_autoptr (CgError) error = cg_error_new (CG_CODE_OPERATION_TIMEOUT, NULL);

  g_clear_pointer (&req->timeout, g_source_unref);
  gst_structure_set (cg_error_get_details_writable (error), "timeout_ms",
      G_TYPE_UINT, req->timeout_ms, NULL);
  reply_error (req, error, FALSE);
  return G_SOURCE_REMOVE;
}

/**
 * gw_request_reply_stream:
 * @req: a #GwRequest, not answered yet
 * @status: the HTTP status
 * @content_type: the Content-Type of the stream
 *
 * Answers with headers only and a chunked body that the caller writes
 * afterwards on gw_request_get_message()'s response body
 * (soup_message_body_append_bytes(), then soup_server_message_unpause()),
 * until it completes the body or the client goes. The headers staged with
 * gw_request_add_header() and X-Request-Id are sent; no reply timeout
 * applies. Main context only (the message is written at once).
 *
 * Returns: %FALSE when @req was already answered (nothing was sent)
 */
gboolean
gw_request_reply_stream (GwRequest * req, guint status,
    const gchar * content_type)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (req->msg);

  g_return_val_if_fail (g_main_context_is_owner (req->context), FALSE);
  if (!g_atomic_int_compare_and_exchange (&req->answered, 0, 1))
    return FALSE;
  apply_headers (req);
  soup_message_headers_set_content_type (h, content_type, NULL);
  soup_message_headers_set_encoding (h, SOUP_ENCODING_CHUNKED);
  soup_message_body_set_accumulate (soup_server_message_get_response_body
      (req->msg), FALSE);
  soup_server_message_set_status (req->msg, status, NULL);
  g_object_set_qdata (G_OBJECT (req->msg), GW_REQUEST_STREAM_STATUS,
      GUINT_TO_POINTER (status));
  if (req->paused)
    soup_server_message_unpause (req->msg);
  return TRUE;
}

/**
 * gw_request_pause:
 * @req: a #GwRequest
 *
 * Call from the handler to answer later: pauses the message (libsoup
 * answers nothing until a gw_request_reply_*() call, from any thread, hops
 * back to the main context). Take a reference with gw_request_ref() for
 * the worker. If no answer comes within the router's reply timeout the
 * request is answered %CG_CODE_OPERATION_TIMEOUT.
 */
void
gw_request_pause (GwRequest * req)
{
  g_return_if_fail (!req->paused);

  req->paused = TRUE;
  soup_server_message_pause (req->msg);
  req->timeout = g_timeout_source_new (req->timeout_ms);
  g_source_set_callback (req->timeout, reply_timeout_cb, gw_request_ref (req),
      (GDestroyNotify) gw_request_unref);
  g_source_attach (req->timeout, req->context);
}

/* ---------------------------------------------------------------------- */
/* Accessors                                                              */
/* ---------------------------------------------------------------------- */

/**
 * gw_request_get_method:
 * @req: a #GwRequest
 *
 * Returns: the HTTP method
 */
const gchar *
gw_request_get_method (GwRequest * req)
{
  return req->method;
}

/**
 * gw_request_get_path:
 * @req: a #GwRequest
 *
 * Returns: the request path (decoded)
 */
const gchar *
gw_request_get_path (GwRequest * req)
{
  return req->path;
}

/**
 * gw_request_get_route:
 * @req: a #GwRequest
 *
 * Returns: (nullable): the pattern of the matched route
 */
const gchar *
gw_request_get_route (GwRequest * req)
{
  return req->route;
}

/**
 * gw_request_get_request_id:
 * @req: a #GwRequest
 *
 * Returns: the request id (also in the `X-Request-Id` response header)
 */
const gchar *
gw_request_get_request_id (GwRequest * req)
{
  return req->request_id;
}

/**
 * gw_request_get_param:
 * @req: a #GwRequest
 * @name: a path parameter, e.g. "id" for `/cameras/{id}`
 *
 * Returns: (nullable): its value
 */
const gchar *
gw_request_get_param (GwRequest * req, const gchar * name)
{
  return gw_route_params_get (req->params, name);
}

/**
 * gw_request_get_query:
 * @req: a #GwRequest
 * @name: a query parameter
 *
 * Returns: (nullable): its (decoded) value
 */
const gchar *
gw_request_get_query (GwRequest * req, const gchar * name)
{
  return req->query ? g_hash_table_lookup (req->query, name) : NULL;
}

/**
 * gw_request_get_query_table:
 * @req: a #GwRequest
 *
 * Returns: (nullable) (transfer none) (element-type utf8 utf8): every
 *   (decoded) query parameter, %NULL when the request had no query
 */
GHashTable *
gw_request_get_query_table (GwRequest * req)
{
  return req->query;
}

/**
 * gw_request_get_body:
 * @req: a #GwRequest
 *
 * Returns: (nullable) (transfer none): the parsed JSON body, %NULL if the
 *   request had none
 */
JsonNode *
gw_request_get_body (GwRequest * req)
{
  return req->body;
}

/**
 * gw_request_get_role:
 * @req: a #GwRequest
 *
 * Returns: the caller's role (%GW_ROLE_ADMIN when auth is off)
 */
GwRole
gw_request_get_role (GwRequest * req)
{
  return req->role;
}

/**
 * gw_request_get_key_name:
 * @req: a #GwRequest
 *
 * Returns: (nullable): the name of the caller's key (never the key)
 */
const gchar *
gw_request_get_key_name (GwRequest * req)
{
  return req->key_name;
}

/**
 * gw_request_get_message:
 * @req: a #GwRequest
 *
 * The underlying message, for what the accessors do not cover. Main
 * context only (libsoup is not thread-safe).
 *
 * Returns: (transfer none): the #SoupServerMessage
 */
SoupServerMessage *
gw_request_get_message (GwRequest * req)
{
  return req->msg;
}

/* For the router: a request of @msg, not yet routed. */
GwRequest *
gw_request_new (SoupServerMessage * msg, const gchar * request_id,
    const gchar * path, GHashTable * query, GMainContext * context,
    guint timeout_ms)
{
  GwRequest *req = g_new0 (GwRequest, 1);

  req->refcount = 1;
  req->context = g_main_context_ref (context);
  req->timeout_ms = timeout_ms;
  req->msg = g_object_ref (msg);
  req->request_id = g_strdup (request_id);
  req->method = g_strdup (soup_server_message_get_method (msg));
  req->path = g_strdup (path);
  req->query = query ? g_hash_table_ref (query) : NULL;
  g_mutex_init (&req->lock);
  req->problem = gw_request_accepts_problem (msg);
  req->expect_continue = (soup_message_headers_get_expectations
      (soup_server_message_get_request_headers (msg)) &
      SOUP_EXPECTATION_CONTINUE) != 0;
  return req;
}
