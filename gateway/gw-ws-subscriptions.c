/* camguard-gateway - the /ws endpoint's topics, subscriptions and event
 * fan-out
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * `subscribe` and `unsubscribe` keep a topic mask per camera in each
 * connection; gw_ws_server_offer_gw_event() writes an event's notification
 * once and queues it for every connection whose masks want it (gw-ws.c
 * has the queues).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-params.h"
#include "gw-ws-private.h"

G_STATIC_ASSERT ((guint) GW_WS_TOPIC_STATE == (guint) GW_EVENT_TOPIC_STATE);
G_STATIC_ASSERT ((guint) GW_WS_TOPIC_ERRORS == (guint) GW_EVENT_TOPIC_ERRORS);
G_STATIC_ASSERT ((guint) GW_WS_TOPIC_WARNINGS ==
    (guint) GW_EVENT_TOPIC_WARNINGS);
G_STATIC_ASSERT ((guint) GW_WS_TOPIC_QUALITY == (guint) GW_EVENT_TOPIC_QUALITY);
G_STATIC_ASSERT ((guint) GW_WS_TOPIC_RETRY == (guint) GW_EVENT_TOPIC_RETRY);

static const gchar *const topic_names[] = {
  "state", "errors", "warnings", "quality", "retry", NULL
};

/**
 * gw_ws_topic_from_string:
 * @name: `state`, `errors`, `warnings`, `quality` or `retry`
 * @topic: (out): the topic
 *
 * Returns: whether @name is a topic
 */
gboolean
gw_ws_topic_from_string (const gchar * name, GwWsTopic * topic)
{
  guint i;

  for (i = 0; topic_names[i]; i++) {
    if (g_strcmp0 (name, topic_names[i]) == 0) {
      *topic = 1 << i;
      return TRUE;
    }
  }
  return FALSE;
}

/**
 * gw_ws_topic_to_string:
 * @topic: one topic
 *
 * Returns: (nullable): its name, or %NULL for anything but one topic
 */
const gchar *
gw_ws_topic_to_string (GwWsTopic topic)
{
  guint i;

  for (i = 0; topic_names[i]; i++) {
    if (topic == (GwWsTopic) (1 << i))
      return topic_names[i];
  }
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* Subscriptions                                                          */
/* ---------------------------------------------------------------------- */

/* The topics and camera of subscribe/unsubscribe params. */
static gboolean
parse_filter (JsonNode * params, guint * mask, gchar ** camera,
    CgError ** error)
{
  g_autoptr (GwParams) p = gw_params_new (params);
  g_auto (GStrv) topics = gw_params_get_strv (p, "topics", FALSE, topic_names);
  const gchar *cam = gw_params_get_string (p, "camera", FALSE);
  guint i;

  gw_params_reject_unknown (p);
  if (!gw_params_finish (p, error))
    return FALSE;
  *mask = topics ? 0 : GW_WS_TOPIC_ALL;
  for (i = 0; topics && topics[i]; i++) {
    GwWsTopic t;

    if (gw_ws_topic_from_string (topics[i], &t))
      *mask |= t;
  }
  *camera = g_strdup (cam ? cam : "");
  return TRUE;
}

/* `{subscriptions: [{camera, topics}]}`, a null camera for "every
 * camera" */
static CgJsonWriter *
write_filters (GwWsClient * c)
{
  CgJsonWriter *w = cg_json_writer_new ();
  GHashTableIter iter;
  gpointer key, value;
  guint i;

  cg_json_writer_begin_object (w);
  cg_json_writer_member (w, "subscriptions");
  cg_json_writer_begin_array (w);
  g_hash_table_iter_init (&iter, c->filters);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    cg_json_writer_begin_object (w);
    cg_json_writer_member_string (w, "camera",
        *(const gchar *) key ? key : NULL);
    cg_json_writer_member (w, "topics");
    cg_json_writer_begin_array (w);
    for (i = 0; topic_names[i]; i++) {
      if (GPOINTER_TO_UINT (value) & (1 << i))
        cg_json_writer_string (w, topic_names[i]);
    }
    cg_json_writer_end_array (w);
    cg_json_writer_end_object (w);
  }
  cg_json_writer_end_array (w);
  cg_json_writer_end_object (w);
  return w;
}

/* Adds @mask to the filter of @camera, or takes it away. */
static void
update_filter (GwWsClient * c, const gchar * camera, guint mask, gboolean add)
{
  guint old = GPOINTER_TO_UINT (g_hash_table_lookup (c->filters, camera));
  guint now = add ? old | mask : old & ~mask;

  if (now)
    g_hash_table_replace (c->filters, g_strdup (camera),
        GUINT_TO_POINTER (now));
  else
    g_hash_table_remove (c->filters, camera);
}

/**
 * gw_ws_handle_filter:
 * @call: a `subscribe` or `unsubscribe` call
 * @params: its params
 * @user_data: %TRUE for subscribe
 *
 * subscribe adds the topics to the camera's filter; unsubscribe takes
 * them from it, or from every filter when no camera is given. Both answer
 * the subscriptions now in force.
 */
void
gw_ws_handle_filter (GwRpcCall * call, JsonNode * params, gpointer user_data)
{
  GwWsClient *c = gw_jsonrpc_get_data (gw_rpc_call_get_session (call),
      GW_WS_CLIENT_KEY);
  gboolean subscribe = GPOINTER_TO_INT (user_data);
  g_autofree gchar *camera = NULL;
  CgError *error = NULL;
  guint mask, i, n;
  gchar **keys;

  if (c == NULL) {
    gw_rpc_call_return_error (call,
        cg_error_new (CG_CODE_OPERATION_CANCELLED, NULL));
    return;
  }
  if (!parse_filter (params, &mask, &camera, &error)) {
    gw_rpc_call_return_error (call, error);
    return;
  }
  if (subscribe && *camera && c->ws && c->ws->camera_check
      && !c->ws->camera_check (camera, &error, c->ws->camera_check_data)) {
    gw_rpc_call_return_error (call, error);
    return;
  }
  if (subscribe || *camera) {
    update_filter (c, camera, mask, subscribe);
  } else {
    keys = (gchar **) g_hash_table_get_keys_as_array (c->filters, &n);
    for (i = 0; i < n; i++) {
      gchar *key = g_strdup (keys[i]);

      update_filter (c, key, mask, FALSE);
      g_free (key);
    }
    g_free (keys);
  }
  gw_rpc_call_return_writer (call, write_filters (c));
}

static gboolean
client_wants (GwWsClient * c, GwWsTopic topic, const gchar * camera)
{
  guint mask = GPOINTER_TO_UINT (g_hash_table_lookup (c->filters, ""));

  if (camera)
    mask |= GPOINTER_TO_UINT (g_hash_table_lookup (c->filters, camera));
  return (mask & topic) != 0;
}

/* Writes the params of an `event` notification. */
typedef void (*WriteEvent) (CgJsonWriter * w, gconstpointer event);

/* Queues the `event` notification for every connection that wants
 * @topic of @camera; the notification is written once, when the first of
 * them is found. */
static guint
offer (GwWsServer * ws, GwWsTopic topic, const gchar * camera,
    WriteEvent write, gconstpointer event)
{
  GBytes *bytes = NULL;
  GList *l, *next;
  guint n = 0;

  for (l = ws->clients; l; l = next) {
    GwWsClient *c = l->data;
    guint64 dropped = c->dropped_total;

    next = l->next;
    if (!client_wants (c, topic, camera))
      continue;
    if (bytes == NULL) {
      CgJsonWriter *w = cg_json_writer_new ();

      gw_jsonrpc_begin_notification (w, "event");
      write (w, event);
      cg_json_writer_end_object (w);
      bytes = gw_ws_message_bytes (w);
    }
    gw_ws_client_offer (c, bytes);
    if (c->dropped_total == dropped)
      n++;
  }
  if (bytes)
    g_bytes_unref (bytes);
  return n;
}

static void
write_node (CgJsonWriter * w, gconstpointer event)
{
  cg_json_writer_node (w, (JsonNode *) event);
}

/**
 * gw_ws_server_offer_event:
 * @ws: a #GwWsServer
 * @topic: the event's topic
 * @event: the event object (seed-002 shape; its `cameraId` member, when
 *   present, is matched against the subscriptions)
 *
 * gw_ws_server_offer_gw_event() for an event that is a tree already.
 *
 * Returns: how many connections it was queued for
 */
guint
gw_ws_server_offer_event (GwWsServer * ws, GwWsTopic topic, JsonNode * event)
{
  const gchar *camera = NULL;

  g_return_val_if_fail (ws != NULL && event != NULL, 0);

  if (JSON_NODE_HOLDS_OBJECT (event))
    camera = json_object_get_string_member_with_default
        (json_node_get_object (event), "cameraId", NULL);
  return offer (ws, topic, camera, write_node, event);
}

static void
write_gw_event (CgJsonWriter * w, gconstpointer event)
{
  gw_event_write (event, w);
}

/**
 * gw_ws_server_offer_gw_event:
 * @ws: a #GwWsServer
 * @event: the event
 *
 * Sends @event as an `event` notification (params: the event as
 * gw_event_write() writes it) to every connection subscribed to the topic
 * of its kind for its camera or for all cameras; a connection whose queue
 * is full loses it (counted). The notification is written once, only when
 * some connection wants it, and the same text is queued for all. Call it
 * on the server's main context.
 *
 * Returns: how many connections it was queued for
 */
guint
gw_ws_server_offer_gw_event (GwWsServer * ws, const GwEvent * event)
{
  g_return_val_if_fail (ws != NULL && event != NULL, 0);

  /* GwWsTopic and GwEventTopic are the same flags */
  return offer (ws, (GwWsTopic) gw_event_kind_get_topic (gw_event_get_kind
          (event)), gw_event_get_camera_id (event), write_gw_event, event);
}
