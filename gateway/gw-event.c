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
 * An event that has a cause (a #CgError) has the members libcamguard's
 * cg_error_write_event() gives it, with its `details` written by
 * cg_error_write_details(); the gateway only adds `id`, `kind`,
 * `requestId` and, for retrysrc's messages, the retry facts inside
 * `details`. gw_event_write() writes an event straight out; no tree is
 * built (an event read back from the store keeps the tree it was parsed
 * into). Events without a cause (a state change
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
  gchar *camera_id;             /* as written: redacted when from a cause */
  gchar *code;
  gchar *severity;
  gchar *request_id;
  gint64 timestamp_us;

  /* a new event: the members gw_event_write() writes */
  gchar *type;
  const gchar *video_code;      /* the catalogue's, or NULL */
  gchar *message;               /* as written: redacted when from a cause */
  gint retryable;               /* -1: no such member */
  CgError *details;             /* its details are the event's `details` */

  /* an event read back: the stored object, without id, kind, requestId */
  JsonObject *body;
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

static GwEvent *
event_alloc (GwEventKind kind, gint64 timestamp_us)
{
  GwEvent *ev = g_new0 (GwEvent, 1);

  ev->ref_count = 1;
  ev->kind = kind;
  ev->timestamp_us = timestamp_us;
  ev->retryable = -1;
  return ev;
}

static gchar *
redact (const gchar * text)
{
  return text ? cg_redact (text) : NULL;
}

/* Takes @error: the event has the members cg_error_write_event() gives
 * it, the same values (redacted), written by gw_event_write(). */
static GwEvent *
event_new_from_error (GwEventKind kind, CgError * error)
{
  const CgCatalogueEntry *row = cg_catalogue_lookup (cg_error_get_code (error));
  CgSeverity severity = cg_error_get_severity (error);
  GwEvent *ev = event_alloc (kind, cg_error_get_timestamp (error));

  ev->type = g_strdup (severity == CG_SEVERITY_WARNING ? "warning" : "error");
  ev->code = g_strdup (row->name);
  ev->video_code = row->video_code;
  ev->message = redact (cg_error_get_message (error));
  ev->camera_id = redact (cg_error_get_camera_id (error));
  ev->severity = g_strdup (cg_severity_to_string (severity));
  ev->retryable = row->retryable;
  ev->request_id = g_strdup (cg_error_get_correlation_id (error));
  ev->details = error;
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
      CG_SEVERITY_WARNING ? GW_EVENT_KIND_WARNING : GW_EVENT_KIND_ERROR,
      cg_error_copy (error));
}

/* An event without a cause: the same members as cg_error_write_event()
 * gives, `type` being the kind, severity "info" and no code; its
 * `details` are @facts, rendered by libcamguard's one details renderer
 * (values typed, strings redacted, secret-looking fields masked) through a
 * carrier error whose code is never shown. */
static GwEvent *
event_new_plain (GwEventKind kind, const gchar * message,
    const gchar * camera_id, const GstStructure * facts)
{
  gint64 now = g_get_real_time ();
  GwEvent *ev = event_alloc (kind, now);

  ev->details = cg_error_new (CG_CODE_INTERNAL_ERROR, NULL);
  if (facts)
    cg_error_set_details (ev->details, facts);
  ev->type = g_strdup (kind_names[kind]);
  ev->message = g_strdup (message);
  ev->camera_id = g_strdup (camera_id);
  ev->severity = g_strdup ("info");
  return ev;
}

/* The fields the gateway adds to a new event's `details`, after the
 * cause's. */
static GstStructure *
event_details (GwEvent * ev)
{
  return cg_error_get_details_writable (ev->details);
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
    /* the retry happens now; the cause is older */
    gw_event_set_timestamp (ev, g_get_real_time ());
  } else {
    ev = event_new_plain (kind, "The camera is back", camera_id, NULL);
  }
  gst_structure_set (event_details (ev), "retryEvent", G_TYPE_STRING, what,
      NULL);
  if (gst_structure_get_uint (s, "attempt", &attempt))
    gst_structure_set (event_details (ev), "attempt", G_TYPE_INT64,
        (gint64) attempt, NULL);
  if (gst_structure_get_uint64 (s, "next-delay", &ns))
    gst_structure_set (event_details (ev), "nextDelayMs", G_TYPE_INT64,
        (gint64) (ns / GST_MSECOND), NULL);
  if (gst_structure_get_uint64 (s, "outage", &ns))
    gst_structure_set (event_details (ev), "outageMs", G_TYPE_INT64,
        (gint64) (ns / GST_MSECOND), NULL);
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
    return event_new_from_error (GW_EVENT_KIND_QUALITY, e);
  }
  ev = event_new_plain (GW_EVENT_KIND_QUALITY,
      "Stream quality is back at its best step", camera_id,
      gst_message_get_structure (message));
  gst_structure_remove_fields (event_details (ev), "code", "severity",
      "message", NULL);
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
  GwEvent *ev;
  CgError *e;
  guint i;

  g_return_val_if_fail (kind != NULL, NULL);

  for (i = 0; i < G_N_ELEMENTS (camera_kinds); i++) {
    GwEventKind k = camera_kinds[i].kind;

    if (!g_str_equal (kind, camera_kinds[i].name))
      continue;
    if (error == NULL)
      return event_new_plain (k, camera_kinds[i].plain, camera_id, NULL);
    e = cg_error_copy (error);
    if (camera_id && cg_error_get_camera_id (error) == NULL)
      cg_error_set_camera_id (e, camera_id);
    ev = event_new_from_error (k, e);
    if (k == GW_EVENT_KIND_RETRY || k == GW_EVENT_KIND_RECOVERY
        || k == GW_EVENT_KIND_GIVE_UP) {
      gw_event_set_timestamp (ev, g_get_real_time ());
      gst_structure_set (event_details (ev), "retryEvent", G_TYPE_STRING,
          kind, NULL);
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
    /* the state changes now; the cause may be older */
    gw_event_set_timestamp (ev, g_get_real_time ());
  } else {
    gchar *msg = g_strdup_printf ("The camera is %s", state);

    ev = event_new_plain (GW_EVENT_KIND_STATE, msg, camera_id, NULL);
    g_free (msg);
  }
  gst_structure_set (event_details (ev), "state", G_TYPE_STRING, state, NULL);
  if (previous)
    gst_structure_set (event_details (ev), "previousState", G_TYPE_STRING,
        previous, NULL);
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
  ev = event_alloc (kind, json_object_get_int_member_with_default (body,
          "timestamp", 0) * 1000);
  ev->body = body;
  ev->camera_id = g_strdup (json_object_get_string_member_with_default (body,
          "cameraId", NULL));
  ev->code = g_strdup (json_object_get_string_member_with_default (body,
          "code", NULL));
  ev->severity = g_strdup (json_object_get_string_member_with_default (body,
          "severity", "info"));
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
  g_free (event->type);
  g_free (event->message);
  if (event->details)
    cg_error_unref (event->details);
  if (event->body)
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
}

/* A new event's members, in cg_error_write_event()'s order. */
static void
write_members (const GwEvent * ev, CgJsonWriter * w)
{
  cg_json_writer_member_string (w, "type", ev->type);
  if (ev->code)
    cg_json_writer_member_string (w, "code", ev->code);
  if (ev->video_code)
    cg_json_writer_member_string (w, "videoCode", ev->video_code);
  if (ev->message)
    cg_json_writer_member_string (w, "message", ev->message);
  cg_json_writer_member (w, "details");
  cg_error_write_details (ev->details, w);
  if (ev->camera_id)
    cg_json_writer_member_string (w, "cameraId", ev->camera_id);
  cg_json_writer_member_int (w, "timestamp", ev->timestamp_us / 1000);
  cg_json_writer_member_string (w, "severity", ev->severity);
  if (ev->retryable >= 0)
    cg_json_writer_member_boolean (w, "retryable", ev->retryable);
}

/* An event read back: its stored members, in their order, the timestamp
 * being the event's. */
static void
write_stored_members (const GwEvent * ev, CgJsonWriter * w)
{
  JsonObjectIter iter;
  const gchar *name;
  JsonNode *member;

  json_object_iter_init_ordered (&iter, ev->body);
  while (json_object_iter_next_ordered (&iter, &name, &member)) {
    if (g_str_equal (name, "timestamp"))
      cg_json_writer_member_int (w, name, ev->timestamp_us / 1000);
    else
      cg_json_writer_member_node (w, name, member);
  }
}

/**
 * gw_event_write:
 * @event: an event
 * @writer: where the event object is written, as a value
 *
 * The event as `GET /events`, the event store and WebSocket notifications
 * carry it: the seed-002 members (`type`, `code`, `message`, `details`,
 * `cameraId`, `timestamp`, `severity`, as cg_error_write_event() writes
 * them for an event with a cause), then `id`, `kind` and `requestId`
 * (when known).
 */
void
gw_event_write (const GwEvent * event, CgJsonWriter * writer)
{
  g_return_if_fail (event != NULL && writer != NULL);

  cg_json_writer_begin_object (writer);
  if (event->body)
    write_stored_members (event, writer);
  else
    write_members (event, writer);
  cg_json_writer_member_int (writer, "id", event->id);
  cg_json_writer_member_string (writer, "kind", kind_names[event->kind]);
  if (event->request_id)
    cg_json_writer_member_string (writer, "requestId", event->request_id);
  cg_json_writer_end_object (writer);
}

/**
 * gw_event_to_json_node:
 * @event: an event
 *
 * gw_event_write() as a tree, the caller's own: changing it does not
 * change the event.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
gw_event_to_json_node (const GwEvent * event)
{
  CgJsonWriter *w = cg_json_writer_new ();

  gw_event_write (event, w);
  return cg_json_writer_free_to_node (w);
}

/**
 * gw_event_to_json:
 * @event: an event
 *
 * gw_event_write() as compact text, as the event store keeps it.
 *
 * Returns: (transfer full): the JSON text
 */
gchar *
gw_event_to_json (const GwEvent * event)
{
  CgJsonWriter *w = cg_json_writer_new ();

  gw_event_write (event, w);
  return cg_json_writer_free_to_string (w, NULL);
}
