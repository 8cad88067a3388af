/* camguard-gateway - one event
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-event
 * @title: GwEvent
 * @short_description: one classified error, retry, recovery, give-up,
 *   quality step or camera state change
 *
 * An event is the seed-002 WebSocket event `{type, code, message, details,
 * cameraId, timestamp, severity}` plus an `id` (monotonic, given by the
 * event store or the hub when the event is published), a `kind` and the
 * request (correlation) id that caused it, if any.
 *
 * An event that has a cause (a #CgError) is rendered by libcamguard's
 * cg_error_to_event_node(), the one renderer of that shape; the gateway
 * only adds `id`, `kind`, `requestId` and, for retrysrc's messages, the
 * retry facts inside `details`. Events without a cause (a state change
 * with no error, a recovery with no known cause, qualityladder back at its
 * best step) have the same members, `type` being their kind, `severity`
 * "info" and no `code`.
 *
 * Events are immutable once published, reference counted, and may be
 * passed between threads.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-event.h"

struct _GwEvent
{
  gint ref_count;
  gint64 id;
  GwEventKind kind;
  gchar *camera_id;
  gchar *code;
  gchar *severity;
  gchar *request_id;
  gint64 timestamp_us;
  JsonObject *body;             /* the seed-002 object, without id/kind */
};

static const gchar *const kind_names[] = {
  [GW_EVENT_KIND_ERROR] = "error",
  [GW_EVENT_KIND_WARNING] = "warning",
  [GW_EVENT_KIND_RETRY] = "retry",
  [GW_EVENT_KIND_RECOVERY] = "recovery",
  [GW_EVENT_KIND_GIVE_UP] = "give-up",
  [GW_EVENT_KIND_QUALITY] = "quality",
  [GW_EVENT_KIND_STATE] = "state",
};

static const struct
{
  const gchar *name;
  GwEventTopic topic;
} topic_names[] = {
  {"state", GW_EVENT_TOPIC_STATE},
  {"errors", GW_EVENT_TOPIC_ERRORS},
  {"warnings", GW_EVENT_TOPIC_WARNINGS},
  {"quality", GW_EVENT_TOPIC_QUALITY},
  {"retry", GW_EVENT_TOPIC_RETRY},
};

/**
 * gw_event_kind_to_string:
 * @kind: a #GwEventKind
 *
 * Returns: the kind's name as events and the store carry it ("error",
 *   "warning", "retry", "recovery", "give-up", "quality", "state")
 */
const gchar *
gw_event_kind_to_string (GwEventKind kind)
{
  g_return_val_if_fail (kind <= GW_EVENT_KIND_LAST, NULL);
  return kind_names[kind];
}

/**
 * gw_event_kind_from_string:
 * @name: a kind name
 * @kind: (out): the kind
 *
 * Returns: %TRUE when @name is the name of a kind
 */
gboolean
gw_event_kind_from_string (const gchar * name, GwEventKind * kind)
{
  guint i;

  for (i = 0; name && i < G_N_ELEMENTS (kind_names); i++) {
    if (g_str_equal (name, kind_names[i])) {
      *kind = i;
      return TRUE;
    }
  }
  return FALSE;
}

/**
 * gw_event_kind_get_topic:
 * @kind: a #GwEventKind
 *
 * Returns: the subscription topic events of @kind belong to: retries,
 *   recoveries and give-ups are "retry"
 */
GwEventTopic
gw_event_kind_get_topic (GwEventKind kind)
{
  switch (kind) {
    case GW_EVENT_KIND_ERROR:
      return GW_EVENT_TOPIC_ERRORS;
    case GW_EVENT_KIND_WARNING:
      return GW_EVENT_TOPIC_WARNINGS;
    case GW_EVENT_KIND_QUALITY:
      return GW_EVENT_TOPIC_QUALITY;
    case GW_EVENT_KIND_STATE:
      return GW_EVENT_TOPIC_STATE;
    default:
      return GW_EVENT_TOPIC_RETRY;
  }
}

/**
 * gw_event_topic_from_string:
 * @name: a topic name: "state", "errors", "warnings", "quality" or "retry"
 * @topic: (out): the topic flag
 *
 * Returns: %TRUE when @name is a topic
 */
gboolean
gw_event_topic_from_string (const gchar * name, GwEventTopic * topic)
{
  guint i;

  for (i = 0; name && i < G_N_ELEMENTS (topic_names); i++) {
    if (g_str_equal (name, topic_names[i].name)) {
      *topic = topic_names[i].topic;
      return TRUE;
    }
  }
  return FALSE;
}

/* Takes @body; reads the indexed facts back from it. */
static GwEvent *
event_new (GwEventKind kind, JsonObject * body, gint64 timestamp_us)
{
  GwEvent *ev = g_new0 (GwEvent, 1);

  ev->ref_count = 1;
  ev->kind = kind;
  ev->body = body;
  ev->timestamp_us = timestamp_us;
  ev->camera_id = g_strdup (json_object_get_string_member_with_default (body,
          "cameraId", NULL));
  ev->code = g_strdup (json_object_get_string_member_with_default (body,
          "code", NULL));
  ev->severity = g_strdup (json_object_get_string_member_with_default (body,
          "severity", "info"));
  return ev;
}

static GwEvent *
event_new_from_error (GwEventKind kind, const CgError * error)
{
  JsonNode *node = cg_error_to_event_node (error);
  GwEvent *ev = event_new (kind, json_node_dup_object (node),
      cg_error_get_timestamp (error));

  json_node_unref (node);
  gw_event_set_request_id (ev, cg_error_get_correlation_id (error));
  return ev;
}

/**
 * gw_event_new_from_error:
 * @error: a classified error
 *
 * The event of a classified error: kind "warning" for a warning-severity
 * code, else "error"; the request id is the error's correlation id.
 *
 * Returns: (transfer full): a new event
 */
GwEvent *
gw_event_new_from_error (const CgError * error)
{
  g_return_val_if_fail (error != NULL, NULL);

  return event_new_from_error (cg_error_get_severity (error) ==
      CG_SEVERITY_WARNING ? GW_EVENT_KIND_WARNING : GW_EVENT_KIND_ERROR, error);
}

/* @facts as a `details` object, rendered by libcamguard's one details
 * renderer (values typed, strings redacted, secret-looking fields masked):
 * the carrier error's code is never shown, only its details. */
static JsonObject *
details_from_structure (const GstStructure * facts)
{
  CgError *carrier = cg_error_new (CG_CODE_INTERNAL_ERROR, NULL);
  JsonNode *node;
  JsonObject *o;

  if (facts)
    cg_error_set_details (carrier, facts);
  node = cg_error_details_to_json_node (carrier);
  o = json_node_dup_object (node);
  json_node_unref (node);
  cg_error_unref (carrier);
  return o;
}

/* An event without a cause: the same members as cg_error_to_event_node()
 * gives, `type` being the kind, severity "info" and no code. */
static GwEvent *
event_new_plain (GwEventKind kind, const gchar * message,
    const gchar * camera_id, const GstStructure * facts)
{
  JsonObject *body = json_object_new ();
  JsonObject *details = details_from_structure (facts);
  gint64 now = g_get_real_time ();

  json_object_set_string_member (body, "type", kind_names[kind]);
  json_object_set_string_member (body, "message", message);
  json_object_set_object_member (body, "details", details);
  if (camera_id)
    json_object_set_string_member (body, "cameraId", camera_id);
  json_object_set_int_member (body, "timestamp", now / 1000);
  json_object_set_string_member (body, "severity", "info");
  return event_new (kind, body, now);
}

static JsonObject *
event_details (GwEvent * ev)
{
  return json_object_get_object_member (ev->body, "details");
}

/* retrysrc's camguard-retry: the classified cause rendered by libcamguard,
 * the retry facts added to its details. */
static GwEvent *
event_from_retry (const GstStructure * s, const gchar * camera_id)
{
  const gchar *what = gst_structure_get_string (s, "event");
  const GstStructure *es = NULL;
  const GValue *v = gst_structure_get_value (s, "error");
  CgError *cause = NULL;
  GwEventKind kind;
  GwEvent *ev;
  guint64 ns;
  guint attempt;
  CgCode code;

  if (g_strcmp0 (what, "recovered") == 0)
    kind = GW_EVENT_KIND_RECOVERY;
  else if (g_strcmp0 (what, "gave-up") == 0)
    kind = GW_EVENT_KIND_GIVE_UP;
  else if (g_strcmp0 (what, "retrying") == 0
      || g_strcmp0 (what, "circuit-open") == 0)
    kind = GW_EVENT_KIND_RETRY;
  else
    return NULL;

  if (v && G_VALUE_HOLDS (v, GST_TYPE_STRUCTURE))
    es = gst_value_get_structure (v);
  if (es)
    cause = cg_error_from_structure (es);
  if (cause == NULL && cg_code_from_name (gst_structure_get_string (s,
              "code"), &code))
    cause = cg_error_new (code, NULL);
  if (cause && camera_id)
    cg_error_set_camera_id (cause, camera_id);

  if (cause) {
    ev = event_new_from_error (kind, cause);
    cg_error_unref (cause);
    /* the retry happens now; the cause is older */
    gw_event_set_timestamp (ev, g_get_real_time ());
  } else {
    ev = event_new_plain (kind, "The camera is back", camera_id, NULL);
  }
  json_object_set_string_member (event_details (ev), "retryEvent", what);
  if (gst_structure_get_uint (s, "attempt", &attempt))
    json_object_set_int_member (event_details (ev), "attempt", attempt);
  if (gst_structure_get_uint64 (s, "next-delay", &ns))
    json_object_set_int_member (event_details (ev), "nextDelayMs",
        ns / GST_MSECOND);
  if (gst_structure_get_uint64 (s, "outage", &ns))
    json_object_set_int_member (event_details (ev), "outageMs",
        ns / GST_MSECOND);
  return ev;
}

/* qualityladder's camguard-quality: a step below the best is the
 * classifier's QUALITY_DEGRADED error; back at the best it is no error. */
static GwEvent *
event_from_quality (GstMessage * message, const gchar * camera_id)
{
  CgError *e = cg_classify_message (message);
  GwEvent *ev;

  if (e) {
    if (camera_id)
      cg_error_set_camera_id (e, camera_id);
    ev = event_new_from_error (GW_EVENT_KIND_QUALITY, e);
    cg_error_unref (e);
    return ev;
  }
  ev = event_new_plain (GW_EVENT_KIND_QUALITY,
      "Stream quality is back at its best step", camera_id,
      gst_message_get_structure (message));
  json_object_remove_member (event_details (ev), "code");
  json_object_remove_member (event_details (ev), "severity");
  json_object_remove_member (event_details (ev), "message");
  return ev;
}

/**
 * gw_event_new_from_element_message:
 * @message: an element message from a camera pipeline's bus
 * @camera_id: (nullable): the camera whose pipeline posted it
 *
 * The event, at the current time, of retrysrc's `camguard-retry` message
 * (kind "retry" for `retrying` and `circuit-open`, "recovery", "give-up"; the
 * cause is the
 * message's `error` structure, the retry facts `retryEvent`, `attempt`,
 * `nextDelayMs` and `outageMs` are added to `details`) or of
 * qualityladder's `camguard-quality` message (kind "quality"; the
 * QUALITY_DEGRADED error with the ladder facts as the classifier reads it,
 * or, back at the best step, a causeless event with the ladder facts).
 *
 * Returns: (transfer full) (nullable): a new event, or %NULL when @message
 *   is not one of these
 */
GwEvent *
gw_event_new_from_element_message (GstMessage * message,
    const gchar * camera_id)
{
  const GstStructure *s;

  g_return_val_if_fail (GST_IS_MESSAGE (message), NULL);

  s = gst_message_get_structure (message);
  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ELEMENT || s == NULL)
    return NULL;
  if (gst_structure_has_name (s, "camguard-retry"))
    return event_from_retry (s, camera_id);
  if (gst_structure_has_name (s, "camguard-quality"))
    return event_from_quality (message, camera_id);
  return NULL;
}

/* The GwCamera::event kinds (gw-camera.h's GW_EVENT_ names). */
static const struct
{
  const gchar *name;
  GwEventKind kind;
  const gchar *plain;           /* the message of an event without cause */
} camera_kinds[] = {
  {"error", GW_EVENT_KIND_ERROR, "The camera failed"},
  {"warning", GW_EVENT_KIND_WARNING, "The camera warned"},
  {"retry", GW_EVENT_KIND_RETRY, "The camera is being retried"},
  {"circuit-open", GW_EVENT_KIND_RETRY, "The camera is being retried"},
  {"recovery", GW_EVENT_KIND_RECOVERY, "The camera is back"},
  {"gave-up", GW_EVENT_KIND_GIVE_UP, "The camera was given up"},
  {"quality", GW_EVENT_KIND_QUALITY, "The quality is back at its best step"},
};

/**
 * gw_event_new_from_camera:
 * @kind: the kind of a GwCamera::event (`error`, `warning`, `retry`,
 *   `circuit-open`, `recovery`, `gave-up`, `quality`)
 * @error: (nullable): the event's classified error, as the camera gives it
 * @camera_id: (nullable): the camera
 *
 * The event of a camera supervisor's `event` signal: the cause rendered by
 * libcamguard, or, without one, a causeless event of the kind. Retry,
 * recovery and give-up events are stamped now (the cause is older) and
 * carry `retryEvent` in their details.
 *
 * Returns: (transfer full) (nullable): a new event, %NULL for an unknown
 *   @kind
 */
GwEvent *
gw_event_new_from_camera (const gchar * kind, const CgError * error,
    const gchar * camera_id)
{
  GwEvent *ev = NULL;
  guint i;

  g_return_val_if_fail (kind != NULL, NULL);

  for (i = 0; i < G_N_ELEMENTS (camera_kinds); i++) {
    GwEventKind k = camera_kinds[i].kind;

    if (!g_str_equal (kind, camera_kinds[i].name))
      continue;
    if (error == NULL)
      return event_new_plain (k, camera_kinds[i].plain, camera_id, NULL);
    if (camera_id && cg_error_get_camera_id (error) == NULL) {
      CgError *e = cg_error_copy (error);

      cg_error_set_camera_id (e, camera_id);
      ev = event_new_from_error (k, e);
      cg_error_unref (e);
    } else {
      ev = event_new_from_error (k, error);
    }
    if (k == GW_EVENT_KIND_RETRY || k == GW_EVENT_KIND_RECOVERY
        || k == GW_EVENT_KIND_GIVE_UP) {
      gw_event_set_timestamp (ev, g_get_real_time ());
      json_object_set_string_member (event_details (ev), "retryEvent", kind);
    }
    return ev;
  }
  return NULL;
}

/**
 * gw_event_new_state:
 * @camera_id: the camera
 * @state: its new state (e.g. "running", "retrying", "failed")
 * @previous: (nullable): its previous state
 * @cause: (nullable): the error that caused the change, if any
 *
 * A camera state change, at the current time. With a cause, the event is
 * the cause's rendering with `state` and `previousState` added to
 * `details`.
 *
 * Returns: (transfer full): a new event of kind "state"
 */
GwEvent *
gw_event_new_state (const gchar * camera_id, const gchar * state,
    const gchar * previous, const CgError * cause)
{
  GwEvent *ev;

  g_return_val_if_fail (state != NULL, NULL);

  if (cause) {
    CgError *e = cg_error_copy (cause);

    if (camera_id)
      cg_error_set_camera_id (e, camera_id);
    ev = event_new_from_error (GW_EVENT_KIND_STATE, e);
    cg_error_unref (e);
    /* the state changes now; the cause may be older */
    gw_event_set_timestamp (ev, g_get_real_time ());
  } else {
    gchar *msg = g_strdup_printf ("The camera is %s", state);

    ev = event_new_plain (GW_EVENT_KIND_STATE, msg, camera_id, NULL);
    g_free (msg);
  }
  json_object_set_string_member (event_details (ev), "state", state);
  if (previous)
    json_object_set_string_member (event_details (ev), "previousState",
        previous);
  return ev;
}

/**
 * gw_event_new_from_json:
 * @id: the event's id
 * @json: the text gw_event_to_json() gave
 * @error: return location for a JSON parse error
 *
 * Reads back a stored event.
 *
 * Returns: (transfer full) (nullable): the event, or %NULL on error
 */
GwEvent *
gw_event_new_from_json (gint64 id, const gchar * json, GError ** error)
{
  JsonNode *node = json_from_string (json, error);
  JsonObject *body;
  GwEventKind kind = GW_EVENT_KIND_ERROR;
  GwEvent *ev;

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error_literal (error, JSON_PARSER_ERROR,
        JSON_PARSER_ERROR_INVALID_DATA, "an event is a JSON object");
    json_node_unref (node);
    return NULL;
  }
  body = json_node_dup_object (node);
  json_node_unref (node);
  gw_event_kind_from_string (json_object_get_string_member_with_default (body,
          "kind", NULL), &kind);
  ev = event_new (kind, body, json_object_get_int_member_with_default (body,
          "timestamp", 0) * 1000);
  ev->request_id = g_strdup (json_object_get_string_member_with_default (body,
          "requestId", NULL));
  json_object_remove_member (body, "id");
  json_object_remove_member (body, "kind");
  json_object_remove_member (body, "requestId");
  ev->id = id;
  return ev;
}

/**
 * gw_event_ref:
 * @event: an event
 *
 * Returns: (transfer full): @event
 */
GwEvent *
gw_event_ref (GwEvent * event)
{
  g_return_val_if_fail (event != NULL, NULL);
  g_atomic_int_inc (&event->ref_count);
  return event;
}

/**
 * gw_event_unref:
 * @event: (transfer full): an event
 */
void
gw_event_unref (GwEvent * event)
{
  g_return_if_fail (event != NULL);
  if (!g_atomic_int_dec_and_test (&event->ref_count))
    return;
  g_free (event->camera_id);
  g_free (event->code);
  g_free (event->severity);
  g_free (event->request_id);
  json_object_unref (event->body);
  g_free (event);
}

/**
 * gw_event_get_id:
 * @event: an event
 *
 * Returns: its id, 0 until it is published
 */
gint64
gw_event_get_id (const GwEvent * event)
{
  return event->id;
}

/**
 * gw_event_set_id:
 * @event: an event not yet published
 * @id: the id the store or the hub gives it
 */
void
gw_event_set_id (GwEvent * event, gint64 id)
{
  event->id = id;
}

/**
 * gw_event_get_kind:
 * @event: an event
 *
 * Returns: its kind
 */
GwEventKind
gw_event_get_kind (const GwEvent * event)
{
  return event->kind;
}

/**
 * gw_event_get_camera_id:
 * @event: an event
 *
 * Returns: (nullable): its camera
 */
const gchar *
gw_event_get_camera_id (const GwEvent * event)
{
  return event->camera_id;
}

/**
 * gw_event_get_code:
 * @event: an event
 *
 * Returns: (nullable): its catalogue code name, %NULL for causeless events
 */
const gchar *
gw_event_get_code (const GwEvent * event)
{
  return event->code;
}

/**
 * gw_event_get_severity:
 * @event: an event
 *
 * Returns: "fatal", "recoverable", "warning" or, without a cause, "info"
 */
const gchar *
gw_event_get_severity (const GwEvent * event)
{
  return event->severity;
}

/**
 * gw_event_get_request_id:
 * @event: an event
 *
 * Returns: (nullable): the id of the request that caused it
 */
const gchar *
gw_event_get_request_id (const GwEvent * event)
{
  return event->request_id;
}

/**
 * gw_event_set_request_id:
 * @event: an event not yet published
 * @request_id: (nullable): the id of the request that caused it
 */
void
gw_event_set_request_id (GwEvent * event, const gchar * request_id)
{
  g_free (event->request_id);
  event->request_id = g_strdup (request_id);
}

/**
 * gw_event_get_timestamp:
 * @event: an event
 *
 * Returns: when it happened, microseconds since the epoch
 */
gint64
gw_event_get_timestamp (const GwEvent * event)
{
  return event->timestamp_us;
}

/**
 * gw_event_set_timestamp:
 * @event: an event not yet published
 * @timestamp_us: when it happened, microseconds since the epoch
 */
void
gw_event_set_timestamp (GwEvent * event, gint64 timestamp_us)
{
  event->timestamp_us = timestamp_us;
  json_object_set_int_member (event->body, "timestamp", timestamp_us / 1000);
}

static JsonNode *node_deep_copy (JsonNode * node);

/* A copy that shares nothing with @src (json_node_copy() shares nested
 * objects and arrays): what the gateway sends out can be changed, and an
 * event can be read from any thread, without touching the event. */
static JsonNode *
object_deep_copy (JsonObject * src)
{
  JsonObject *dst = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  GList *members = json_object_get_members (src), *l;

  for (l = members; l; l = l->next)
    json_object_set_member (dst, l->data,
        node_deep_copy (json_object_get_member (src, l->data)));
  g_list_free (members);
  json_node_take_object (node, dst);
  return node;
}

static JsonNode *
node_deep_copy (JsonNode * node)
{
  JsonArray *src, *dst;
  JsonNode *copy;
  guint i, n;

  if (JSON_NODE_HOLDS_OBJECT (node))
    return object_deep_copy (json_node_get_object (node));
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return json_node_copy (node);
  src = json_node_get_array (node);
  n = json_array_get_length (src);
  dst = json_array_sized_new (n);
  for (i = 0; i < n; i++)
    json_array_add_element (dst,
        node_deep_copy (json_array_get_element (src, i)));
  copy = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (copy, dst);
  return copy;
}

/**
 * gw_event_to_json_node:
 * @event: an event
 *
 * The event as `GET /events` and WebSocket notifications carry it: the
 * seed-002 members, then `id`, `kind` and `requestId` (when known). The
 * node is the caller's own copy: changing it does not change the event.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
gw_event_to_json_node (const GwEvent * event)
{
  JsonNode *node = object_deep_copy (event->body);
  JsonObject *o = json_node_get_object (node);

  json_object_set_int_member (o, "id", event->id);
  json_object_set_string_member (o, "kind", kind_names[event->kind]);
  if (event->request_id)
    json_object_set_string_member (o, "requestId", event->request_id);
  return node;
}

/**
 * gw_event_to_json:
 * @event: an event
 *
 * gw_event_to_json_node() as compact text.
 *
 * Returns: (transfer full): the JSON text
 */
gchar *
gw_event_to_json (const GwEvent * event)
{
  JsonNode *node = gw_event_to_json_node (event);
  gchar *s = json_to_string (node, FALSE);

  json_node_unref (node);
  return s;
}
