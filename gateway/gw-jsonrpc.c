/* camguard-gateway - JSON-RPC 2.0 framing and dispatch (transport free)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-jsonrpc
 * @short_description: JSON-RPC 2.0 requests and batches in, responses out
 *
 * A #GwRpcRegistry is the method table: a name, the action the role table
 * knows it by (e.g. `cameras.read`, or %NULL for a method anybody may
 * call) and a #GwRpcHandler. A #GwJsonRpc is one session (one connection):
 * it takes text in with gw_jsonrpc_handle_text() and hands every response
 * text to its #GwRpcSendFunc, on the main context it was created on.
 *
 * Framing follows JSON-RPC 2.0: unparsable text is one -32700 (id null);
 * anything that is not a request object (missing or wrong `jsonrpc`,
 * missing or non-string `method`, an id that is not a string, number or
 * null, params that are not an object or array) is -32600, with the id
 * when it could be read; an empty batch is one -32600; in a batch every
 * member is answered on its own, in order, in one array; notifications
 * (no `id` member) are run but never answered, and a batch of only
 * notifications gets no response at all. Unknown methods are -32601.
 * Every error is a catalogue #CgError written by
 * cg_error_write_jsonrpc_error().
 *
 * The built-in method `authenticate` (params `{token}`) asks the
 * registry's #GwRpcAuthenticate for a principal and keeps it in the
 * session; until then every method with an action answers
 * %CG_CODE_AUTHENTICATION_REQUIRED (-32001), and afterwards the
 * #GwRpcAuthorize callback decides (%CG_CODE_INSUFFICIENT_PERMISSIONS,
 * -32003). A registry without those callbacks runs with auth off.
 *
 * A handler answers with gw_rpc_call_return_writer() (a result written
 * with a #CgJsonWriter, embedded in the response as it is),
 * gw_rpc_call_return() (a tree that exists anyway) or
 * gw_rpc_call_return_error(), exactly once, at once or later and from any
 * thread: the answer hops to the session's main context. An answer for a
 * session closed in the meantime is dropped. Responses are written with a
 * #CgJsonWriter; no tree is built for them.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-hop.h"
#include "gw-jsonrpc.h"
#include "gw-params.h"

GST_DEBUG_CATEGORY_STATIC (gw_jsonrpc_debug);
#define GST_CAT_DEFAULT gw_jsonrpc_debug

struct _GwJsonRpc
{
  gint refcount;
  GwRpcRegistry *registry;
  GMainContext *context;
  GwRpcSendFunc send;
  gpointer send_data;
  GDestroyNotify send_destroy;
  gboolean closed;
  GCancellable *cancellable;
  gpointer principal;
  GData *data;
};

/* One text received: a single request or a batch. Main context only. */
typedef struct
{
  GwJsonRpc *rpc;
  gboolean is_batch;
  guint pending;
  GPtrArray *responses;         /* response texts, NULL for notifications */
} Batch;

struct _GwRpcCall
{
  GwJsonRpc *rpc;
  Batch *batch;
  guint slot;
  gchar *method;
  gchar *request_id;
  JsonNode *id;                 /* NULL for a notification */
  gint answered;                /* atomic */
  gchar *result;                /* the result's JSON text, NULL for null */
  CgError *error;
};

/**
 * gw_jsonrpc_new:
 * @registry: the method table
 * @send: (scope notified): receives every response text, on the main
 *   context that is the thread default when this is called
 * @user_data: for @send
 * @destroy: (nullable): frees @user_data when the session closes
 *
 * Returns: (transfer full): a new session
 */
GwJsonRpc *
gw_jsonrpc_new (GwRpcRegistry * registry, GwRpcSendFunc send,
    gpointer user_data, GDestroyNotify destroy)
{
  GwJsonRpc *rpc;

  g_return_val_if_fail (registry != NULL && send != NULL, NULL);

  GST_DEBUG_CATEGORY_INIT (gw_jsonrpc_debug, "gw-jsonrpc", 0,
      "camguard-gateway JSON-RPC");
  rpc = g_new0 (GwJsonRpc, 1);
  rpc->refcount = 1;
  rpc->registry = gw_rpc_registry_ref (registry);
  rpc->context = g_main_context_ref_thread_default ();
  rpc->send = send;
  rpc->send_data = user_data;
  rpc->send_destroy = destroy;
  rpc->cancellable = g_cancellable_new ();
  g_datalist_init (&rpc->data);
  return rpc;
}

/**
 * gw_jsonrpc_ref:
 * @rpc: a #GwJsonRpc
 *
 * Returns: (transfer full): @rpc
 */
GwJsonRpc *
gw_jsonrpc_ref (GwJsonRpc * rpc)
{
  g_atomic_int_inc (&rpc->refcount);
  return rpc;
}

static void
set_principal (GwJsonRpc * rpc, gpointer principal)
{
  gw_rpc_registry_free_principal (rpc->registry, rpc->principal);
  rpc->principal = principal;
}

/**
 * gw_jsonrpc_unref:
 * @rpc: a #GwJsonRpc
 *
 * Drops a reference. Pending calls hold one each.
 */
void
gw_jsonrpc_unref (GwJsonRpc * rpc)
{
  if (rpc == NULL || !g_atomic_int_dec_and_test (&rpc->refcount))
    return;
  gw_jsonrpc_close (rpc);
  set_principal (rpc, NULL);
  g_datalist_clear (&rpc->data);
  g_object_unref (rpc->cancellable);
  g_main_context_unref (rpc->context);
  gw_rpc_registry_unref (rpc->registry);
  g_free (rpc);
}

/**
 * gw_jsonrpc_close:
 * @rpc: a #GwJsonRpc
 *
 * The connection is gone: cancels the session's #GCancellable, frees the
 * send callback's data, and drops every answer from now on. Call it on the
 * session's main context.
 */
void
gw_jsonrpc_close (GwJsonRpc * rpc)
{
  g_return_if_fail (rpc != NULL);

  if (rpc->closed)
    return;
  rpc->closed = TRUE;
  g_cancellable_cancel (rpc->cancellable);
  if (rpc->send_destroy)
    rpc->send_destroy (rpc->send_data);
  rpc->send = NULL;
  rpc->send_data = NULL;
}

/**
 * gw_jsonrpc_is_closed:
 * @rpc: a #GwJsonRpc
 *
 * Returns: whether gw_jsonrpc_close() was called
 */
gboolean
gw_jsonrpc_is_closed (GwJsonRpc * rpc)
{
  return rpc->closed;
}

/**
 * gw_jsonrpc_get_cancellable:
 * @rpc: a #GwJsonRpc
 *
 * Returns: (transfer none): cancelled when the session closes, for
 *   handlers that defer their answer
 */
GCancellable *
gw_jsonrpc_get_cancellable (GwJsonRpc * rpc)
{
  return rpc->cancellable;
}

/**
 * gw_jsonrpc_get_principal:
 * @rpc: a #GwJsonRpc
 *
 * Returns: (transfer none) (nullable): who authenticated on this session,
 *   or %NULL
 */
gpointer
gw_jsonrpc_get_principal (GwJsonRpc * rpc)
{
  return rpc->principal;
}

/**
 * gw_jsonrpc_set_principal:
 * @rpc: a #GwJsonRpc
 * @principal: (transfer full) (nullable): the principal, freed with the
 *   registry's principal_free
 *
 * Sets who is on this session without `authenticate` (e.g. every caller is
 * admin when auth is off).
 */
void
gw_jsonrpc_set_principal (GwJsonRpc * rpc, gpointer principal)
{
  set_principal (rpc, principal);
}

/**
 * gw_jsonrpc_get_data:
 * @rpc: a #GwJsonRpc
 * @key: a name
 *
 * Returns: (transfer none) (nullable): what gw_jsonrpc_set_data() stored
 */
gpointer
gw_jsonrpc_get_data (GwJsonRpc * rpc, const gchar * key)
{
  return g_datalist_get_data (&rpc->data, key);
}

/**
 * gw_jsonrpc_set_data:
 * @rpc: a #GwJsonRpc
 * @key: a name
 * @data: (nullable): anything the transport or a handler keeps per session
 * @destroy: (nullable): frees @data
 */
void
gw_jsonrpc_set_data (GwJsonRpc * rpc, const gchar * key, gpointer data,
    GDestroyNotify destroy)
{
  g_datalist_set_data_full (&rpc->data, key, data, destroy);
}

/* ---------------------------------------------------------------------- */
/* Responses                                                              */
/* ---------------------------------------------------------------------- */

/* The response object, written: @result is the result's JSON text (%NULL
 * for null), or @error the error. */
static gchar *
response_text (JsonNode * id, const gchar * result, const CgError * error,
    const gchar * request_id)
{
  CgJsonWriter *w = cg_json_writer_new ();

  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "jsonrpc", "2.0");
  if (error) {
    cg_json_writer_member (w, "error");
    cg_error_write_jsonrpc_error (error, request_id, w);
  } else if (result) {
    cg_json_writer_member (w, "result");
    cg_json_writer_raw (w, result);
  } else {
    cg_json_writer_member_null (w, "result");
  }
  cg_json_writer_member_node (w, "id", id);
  cg_json_writer_end_object (w);
  return cg_json_writer_free_to_string (w, NULL);
}

static void
send_text (GwJsonRpc * rpc, const gchar * text)
{
  if (rpc->closed || rpc->send == NULL)
    return;
  rpc->send (rpc, text, rpc->send_data);
}

/**
 * gw_jsonrpc_begin_notification:
 * @writer: a writer, empty
 * @method: the notification's method
 *
 * Writes the start of a notification the server sends on its own,
 * `{"jsonrpc":"2.0","method":…,"params":`: write the params value next,
 * then close the object with cg_json_writer_end_object().
 */
void
gw_jsonrpc_begin_notification (CgJsonWriter * writer, const gchar * method)
{
  g_return_if_fail (writer != NULL && method != NULL);
  cg_json_writer_begin_object (writer);
  cg_json_writer_member_string (writer, "jsonrpc", "2.0");
  cg_json_writer_member_string (writer, "method", method);
  cg_json_writer_member (writer, "params");
}

/**
 * gw_jsonrpc_notification_to_string:
 * @method: the notification's method
 * @params: (nullable): its params
 *
 * Returns: (transfer full): `{"jsonrpc":"2.0","method":…,"params":…}`,
 *   without `params` when @params is %NULL
 */
gchar *
gw_jsonrpc_notification_to_string (const gchar * method, JsonNode * params)
{
  CgJsonWriter *w = cg_json_writer_new ();

  g_return_val_if_fail (method != NULL, NULL);
  if (params) {
    gw_jsonrpc_begin_notification (w, method);
    cg_json_writer_node (w, params);
  } else {
    cg_json_writer_begin_object (w);
    cg_json_writer_member_string (w, "jsonrpc", "2.0");
    cg_json_writer_member_string (w, "method", method);
  }
  cg_json_writer_end_object (w);
  return cg_json_writer_free_to_string (w, NULL);
}

static Batch *
batch_new (GwJsonRpc * rpc, gboolean is_batch, guint n)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->rpc = gw_jsonrpc_ref (rpc);
  batch->is_batch = is_batch;
  batch->pending = 1;           /* held while the text is dispatched */
  batch->responses = g_ptr_array_new_full (n, g_free);
  return batch;
}

/* The responses of a batch in one array; %NULL when all its members were
 * notifications. */
static gchar *
batch_text (Batch * batch)
{
  CgJsonWriter *w = cg_json_writer_new ();
  gboolean any = FALSE;
  guint i;

  cg_json_writer_begin_array (w);
  for (i = 0; i < batch->responses->len; i++) {
    if (batch->responses->pdata[i]) {
      cg_json_writer_raw (w, batch->responses->pdata[i]);
      any = TRUE;
    }
  }
  cg_json_writer_end_array (w);
  if (!any) {
    cg_json_writer_free (w);
    return NULL;
  }
  return cg_json_writer_free_to_string (w, NULL);
}

/* Drops one pending answer; the last one sends the whole response. */
static void
batch_release (Batch * batch)
{
  GwJsonRpc *rpc = batch->rpc;

  if (--batch->pending > 0)
    return;

  if (!batch->is_batch) {
    if (batch->responses->len && batch->responses->pdata[0])
      send_text (rpc, batch->responses->pdata[0]);
  } else {
    g_autofree gchar *text = batch_text (batch);

    if (text)
      send_text (rpc, text);
  }
  g_ptr_array_unref (batch->responses);
  gw_jsonrpc_unref (rpc);
  g_free (batch);
}

/* An answer that needs no call: framing errors. */
static void
batch_add_error (Batch * batch, JsonNode * id, CgError * error)
{
  g_autofree gchar *request_id = g_uuid_string_random ();

  g_ptr_array_add (batch->responses, response_text (id, NULL, error,
          request_id));
  cg_error_unref (error);
}

/* ---------------------------------------------------------------------- */
/* Calls                                                                  */
/* ---------------------------------------------------------------------- */

static gboolean
finish_call (gpointer data)
{
  GwRpcCall *call = data;
  gw_rpc_registry_observe (call->rpc->registry, call, call->error);
  if (call->id)
    call->batch->responses->pdata[call->slot] = response_text (call->id,
        call->result, call->error, call->request_id);
  batch_release (call->batch);

  g_clear_pointer (&call->result, g_free);
  g_clear_pointer (&call->error, cg_error_unref);
  g_clear_pointer (&call->id, json_node_unref);
  g_free (call->method);
  g_free (call->request_id);
  gw_jsonrpc_unref (call->rpc);
  g_free (call);
  return G_SOURCE_REMOVE;
}

/* Takes @result (JSON text, %NULL for null) and @error. */
static void
answer (GwRpcCall * call, gchar * result, CgError * error)
{
  if (!g_atomic_int_compare_and_exchange (&call->answered, 0, 1)) {
    g_critical ("JSON-RPC call %s answered twice", call->method);
    g_free (result);
    if (error)
      cg_error_unref (error);
    return;
  }
  call->result = result;
  call->error = error;
  gw_hop (call->rpc->context, finish_call, call, NULL);
}

/**
 * gw_rpc_call_return:
 * @call: (transfer full): a call not answered yet
 * @result: (transfer full) (nullable): the result, %NULL for JSON null
 *
 * Answers @call with a tree (one that exists already, e.g. parsed); from
 * any thread. A result written for the answer is better given to
 * gw_rpc_call_return_writer(). @call is freed: do not use it again.
 */
void
gw_rpc_call_return (GwRpcCall * call, JsonNode * result)
{
  gchar *text = NULL;

  g_return_if_fail (call != NULL);
  if (result) {
    text = cg_json_to_string (result, FALSE);
    json_node_unref (result);
  }
  answer (call, text, NULL);
}

/**
 * gw_rpc_call_return_writer:
 * @call: (transfer full): a call not answered yet
 * @writer: (transfer full): a writer holding the result, one complete
 *   value
 *
 * Answers @call with the result @writer wrote (embedded in the response
 * as it is, no tree built); from any thread. @call is freed: do not use
 * it again.
 */
void
gw_rpc_call_return_writer (GwRpcCall * call, CgJsonWriter * writer)
{
  g_return_if_fail (call != NULL && writer != NULL);
  answer (call, cg_json_writer_free_to_string (writer, NULL), NULL);
}

/**
 * gw_rpc_call_return_error:
 * @call: (transfer full): a call not answered yet
 * @error: (transfer full): the catalogue error
 *
 * Answers @call with @error (written by cg_error_write_jsonrpc_error());
 * from any thread. @call is freed: do not use it again.
 */
void
gw_rpc_call_return_error (GwRpcCall * call, CgError * error)
{
  g_return_if_fail (call != NULL && error != NULL);
  answer (call, NULL, error);
}

/**
 * gw_rpc_call_get_method:
 * @call: a #GwRpcCall
 *
 * Returns: the method name
 */
const gchar *
gw_rpc_call_get_method (GwRpcCall * call)
{
  return call->method;
}

/**
 * gw_rpc_call_get_request_id:
 * @call: a #GwRpcCall
 *
 * Returns: the request id of this call (a random UUID, also in
 *   `data.request_id` of its errors)
 */
const gchar *
gw_rpc_call_get_request_id (GwRpcCall * call)
{
  return call->request_id;
}

/**
 * gw_rpc_call_is_notification:
 * @call: a #GwRpcCall
 *
 * Returns: %TRUE when the request had no id: its answer is not sent
 */
gboolean
gw_rpc_call_is_notification (GwRpcCall * call)
{
  return call->id == NULL;
}

/**
 * gw_rpc_call_get_session:
 * @call: a #GwRpcCall
 *
 * Returns: (transfer none): the session the call came on
 */
GwJsonRpc *
gw_rpc_call_get_session (GwRpcCall * call)
{
  return call->rpc;
}

/* ---------------------------------------------------------------------- */
/* Dispatch                                                               */
/* ---------------------------------------------------------------------- */

static void
run_authenticate (GwRpcCall * call, JsonNode * params)
{
  GwJsonRpc *rpc = call->rpc;
  g_autoptr (GwParams) p = gw_params_new (params);
  const gchar *token = gw_params_get_string (p, "token", TRUE);
  CgError *error = NULL;
  gpointer principal;
  CgJsonWriter *w;

  gw_params_reject_unknown (p);
  if (!gw_params_finish (p, &error)) {
    gw_rpc_call_return_error (call, error);
    return;
  }
  if (gw_rpc_registry_has_auth (rpc->registry)) {
    principal = gw_rpc_registry_authenticate (rpc->registry, token, &error);
    if (principal == NULL) {
      gw_rpc_call_return_error (call, error);
      return;
    }
    set_principal (rpc, principal);
  }
  w = cg_json_writer_new ();
  cg_json_writer_begin_object (w);
  cg_json_writer_member_boolean (w, "authenticated", TRUE);
  cg_json_writer_end_object (w);
  gw_rpc_call_return_writer (call, w);
}

static void
dispatch (GwJsonRpc * rpc, Batch * batch, JsonNode * id, const gchar * name,
    JsonNode * params)
{
  GwRpcCall *call = g_new0 (GwRpcCall, 1);
  const gchar *action = NULL;
  GwRpcHandler handler = NULL;
  gpointer user_data = NULL;
  CgError *error;

  call->rpc = gw_jsonrpc_ref (rpc);
  call->batch = batch;
  call->slot = batch->responses->len;
  call->method = g_strdup (name);
  call->request_id = g_uuid_string_random ();
  call->id = id ? json_node_copy (id) : NULL;
  g_ptr_array_add (batch->responses, NULL);
  batch->pending++;

  GST_LOG ("call %s (%s)", name, call->request_id);
  if (g_strcmp0 (name, GW_RPC_AUTHENTICATE_METHOD) == 0) {
    run_authenticate (call, params);
    return;
  }
  if (!gw_rpc_registry_lookup (rpc->registry, name, &action, &handler,
          &user_data)) {
    error = cg_error_new (CG_CODE_METHOD_NOT_FOUND, NULL);
    gst_structure_set (cg_error_get_details_writable (error), "method",
        G_TYPE_STRING, name, NULL);
    gw_rpc_call_return_error (call, error);
    return;
  }
  error = gw_rpc_registry_check_role (rpc->registry, action, rpc->principal);
  if (error) {
    gst_structure_set (cg_error_get_details_writable (error), "method",
        G_TYPE_STRING, name, "action", G_TYPE_STRING, action, NULL);
    gw_rpc_call_return_error (call, error);
    return;
  }
  handler (call, params, user_data);
}

static CgError *
invalid_request (const gchar * reason)
{
  CgError *error = cg_error_new (CG_CODE_INVALID_REQUEST, NULL);

  gst_structure_set (cg_error_get_details_writable (error), "reason",
      G_TYPE_STRING, reason, NULL);
  return error;
}

static gboolean
valid_id (JsonNode * id)
{
  GType t;

  if (JSON_NODE_HOLDS_NULL (id))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (id))
    return FALSE;
  t = json_node_get_value_type (id);
  return t == G_TYPE_STRING || t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

/* One member of a batch, or the whole text when it is no batch. */
static void
handle_request (GwJsonRpc * rpc, Batch * batch, JsonNode * node)
{
  JsonObject *o;
  JsonNode *id, *version, *method, *params;

  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    batch_add_error (batch, NULL, invalid_request ("not an object"));
    return;
  }
  o = json_node_get_object (node);
  id = json_object_get_member (o, "id");
  if (id && !valid_id (id)) {
    batch_add_error (batch, NULL,
        invalid_request ("id must be a string, a number or null"));
    return;
  }
  version = json_object_get_member (o, "jsonrpc");
  if (version == NULL || json_node_get_value_type (version) != G_TYPE_STRING
      || g_strcmp0 (json_node_get_string (version), "2.0") != 0) {
    batch_add_error (batch, id, invalid_request ("jsonrpc must be \"2.0\""));
    return;
  }
  method = json_object_get_member (o, "method");
  if (method == NULL || json_node_get_value_type (method) != G_TYPE_STRING) {
    batch_add_error (batch, id, invalid_request ("method must be a string"));
    return;
  }
  params = json_object_get_member (o, "params");
  if (params && !JSON_NODE_HOLDS_OBJECT (params) &&
      !JSON_NODE_HOLDS_ARRAY (params)) {
    batch_add_error (batch, id,
        invalid_request ("params must be an object or an array"));
    return;
  }
  dispatch (rpc, batch, id, json_node_get_string (method), params);
}

/**
 * gw_jsonrpc_handle_text:
 * @rpc: a #GwJsonRpc
 * @text: one message: a request or a batch
 * @length: its length, or -1 when NUL-terminated
 *
 * Parses and runs @text; its response (if any) goes to the session's
 * #GwRpcSendFunc once every call in it has been answered. Call it on the
 * session's main context.
 */
void
gw_jsonrpc_handle_text (GwJsonRpc * rpc, const gchar * text, gssize length)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) gerror = NULL;
  JsonNode *root;
  Batch *batch;

  g_return_if_fail (rpc != NULL && text != NULL);

  if (rpc->closed)
    return;
  if (!json_parser_load_from_data (parser, text, length, &gerror) ||
      (root = json_parser_get_root (parser)) == NULL) {
    CgError *error = cg_error_new (CG_CODE_INVALID_JSON, NULL);

    gst_structure_set (cg_error_get_details_writable (error), "reason",
        G_TYPE_STRING, gerror ? gerror->message : "empty message", NULL);
    batch = batch_new (rpc, FALSE, 1);
    batch_add_error (batch, NULL, error);
    batch_release (batch);
    return;
  }

  if (JSON_NODE_HOLDS_ARRAY (root)) {
    JsonArray *array = json_node_get_array (root);
    guint i, n = json_array_get_length (array);

    if (n == 0 || n > GW_JSONRPC_MAX_BATCH) {
      batch = batch_new (rpc, FALSE, 1);
      batch_add_error (batch, NULL, invalid_request (n ? "batch too large" :
              "empty batch"));
    } else {
      batch = batch_new (rpc, TRUE, n);
      for (i = 0; i < n; i++)
        handle_request (rpc, batch, json_array_get_element (array, i));
    }
  } else {
    batch = batch_new (rpc, FALSE, 1);
    handle_request (rpc, batch, root);
  }
  batch_release (batch);
}
