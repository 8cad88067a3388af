/* camguard-gateway - the event hub: store and fan out
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-event.h"
#include "gw-event-store.h"

G_BEGIN_DECLS

typedef struct _GwEventHub GwEventHub;
typedef struct _GwEventSubscription GwEventSubscription;

/**
 * GwEventHubFunc:
 * @subscription: the subscription
 * @event: (nullable): the event, or %NULL for an `events-dropped` notice
 * @dropped: with a %NULL @event: how many events were dropped since the
 *   last delivered item (see gw_event_write_dropped_notice()); else 0
 * @user_data: the subscriber's data
 *
 * Delivers one item to a subscriber, on the hub's main context.
 *
 * Returns: %TRUE to go on delivering, %FALSE to hold further items until
 *   gw_event_subscription_resume() (a client whose socket is full)
 */
typedef gboolean (*GwEventHubFunc) (GwEventSubscription * subscription,
    GwEvent * event, guint64 dropped, gpointer user_data);

GwEventHub *gw_event_hub_new (GwEventStore * store);
void gw_event_hub_free (GwEventHub * hub);

gint64 gw_event_hub_publish (GwEventHub * hub, GwEvent * event);
guint64 gw_event_hub_get_dropped (GwEventHub * hub);
guint gw_event_hub_get_n_subscriptions (GwEventHub * hub);

GwEventSubscription *gw_event_hub_subscribe (GwEventHub * hub,
    GwEventTopic topics, const gchar * camera_id, guint queue_size,
    GwEventHubFunc func, gpointer user_data, GDestroyNotify notify);
void gw_event_hub_unsubscribe (GwEventHub * hub,
    GwEventSubscription * subscription);

void gw_event_subscription_set_filter (GwEventSubscription * subscription,
    GwEventTopic topics, const gchar * camera_id);
void gw_event_subscription_resume (GwEventSubscription * subscription);
guint64 gw_event_subscription_get_dropped (GwEventSubscription * subscription);

void gw_event_write_dropped_notice (guint64 dropped, CgJsonWriter * writer);

G_END_DECLS
