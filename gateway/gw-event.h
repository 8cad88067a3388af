/* camguard-gateway - one event: a classified error, retry, recovery,
 * give-up, quality step or camera state change
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <camguard.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * GwEventKind:
 * @GW_EVENT_KIND_ERROR: a classified error (fatal or recoverable code)
 * @GW_EVENT_KIND_WARNING: a classified warning (warning-severity code)
 * @GW_EVENT_KIND_RETRY: retrysrc is about to retry (`retrying`, `circuit-open`)
 * @GW_EVENT_KIND_RECOVERY: the source is back after an outage
 * @GW_EVENT_KIND_GIVE_UP: retrysrc gave up
 * @GW_EVENT_KIND_QUALITY: qualityladder changed step
 * @GW_EVENT_KIND_STATE: a camera changed state
 */
typedef enum
{
  GW_EVENT_KIND_ERROR,
  GW_EVENT_KIND_WARNING,
  GW_EVENT_KIND_RETRY,
  GW_EVENT_KIND_RECOVERY,
  GW_EVENT_KIND_GIVE_UP,
  GW_EVENT_KIND_QUALITY,
  GW_EVENT_KIND_STATE,
} GwEventKind;

#define GW_EVENT_KIND_LAST GW_EVENT_KIND_STATE

/**
 * GwEventTopic:
 * @GW_EVENT_TOPIC_STATE: camera state changes
 * @GW_EVENT_TOPIC_ERRORS: errors
 * @GW_EVENT_TOPIC_WARNINGS: warnings
 * @GW_EVENT_TOPIC_QUALITY: quality steps
 * @GW_EVENT_TOPIC_RETRY: retries, recoveries and give-ups
 * @GW_EVENT_TOPIC_ALL: every topic
 *
 * The subscription topics of the WebSocket `subscribe` method, as flags.
 */
typedef enum
{
  GW_EVENT_TOPIC_STATE = 1 << 0,
  GW_EVENT_TOPIC_ERRORS = 1 << 1,
  GW_EVENT_TOPIC_WARNINGS = 1 << 2,
  GW_EVENT_TOPIC_QUALITY = 1 << 3,
  GW_EVENT_TOPIC_RETRY = 1 << 4,
  GW_EVENT_TOPIC_ALL = 0x1f,
} GwEventTopic;

typedef struct _GwEvent GwEvent;

const gchar *gw_event_kind_to_string (GwEventKind kind);
gboolean gw_event_kind_from_string (const gchar * name, GwEventKind * kind);
GwEventTopic gw_event_kind_get_topic (GwEventKind kind);
gboolean gw_event_topic_from_string (const gchar * name, GwEventTopic * topic);

GwEvent *gw_event_new_from_error (const CgError * error);
GwEvent *gw_event_new_from_element_message (GstMessage * message,
    const gchar * camera_id);
GwEvent *gw_event_new_from_camera (const gchar * kind,
    const CgError * error, const gchar * camera_id);
GwEvent *gw_event_new_state (const gchar * camera_id, const gchar * state,
    const gchar * previous, const CgError * cause);
GwEvent *gw_event_new_from_json (gint64 id, const gchar * json,
    GError ** error);

GwEvent *gw_event_ref (GwEvent * event);
void gw_event_unref (GwEvent * event);

gint64 gw_event_get_id (const GwEvent * event);
void gw_event_set_id (GwEvent * event, gint64 id);
GwEventKind gw_event_get_kind (const GwEvent * event);
const gchar *gw_event_get_camera_id (const GwEvent * event);
const gchar *gw_event_get_code (const GwEvent * event);
const gchar *gw_event_get_severity (const GwEvent * event);
const gchar *gw_event_get_request_id (const GwEvent * event);
void gw_event_set_request_id (GwEvent * event, const gchar * request_id);
gint64 gw_event_get_timestamp (const GwEvent * event);
void gw_event_set_timestamp (GwEvent * event, gint64 timestamp_us);

void gw_event_write (const GwEvent * event, CgJsonWriter * writer);
JsonNode *gw_event_to_json_node (const GwEvent * event);
gchar *gw_event_to_json (const GwEvent * event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwEvent, gw_event_unref)

G_END_DECLS
