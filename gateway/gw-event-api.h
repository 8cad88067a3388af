/* camguard-gateway - GET /events and GET /cameras/{id}/events: parameters
 * and page body
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-event-store.h"

G_BEGIN_DECLS

gboolean gw_event_query_parse (GHashTable * params, const gchar * camera_id,
    GwEventQuery * query, CgError ** error);

void gw_event_page_write (GPtrArray * events, gint64 next_cursor,
    CgJsonWriter * writer);
JsonNode *gw_event_page_to_json_node (GPtrArray * events, gint64 next_cursor);

G_END_DECLS
