/* camguard-gateway tests - MJPEG clients for test-mjpeg
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define WAIT_MS 30000

typedef gboolean (*Cond) (gpointer data);

/* A libsoup client reading GET .../mjpeg part by part. */
typedef struct
{
  SoupMessage *msg;
  GCancellable *cancel;
  SoupMultipartInputStream *multi;
  GInputStream *part;
  GByteArray *buf;
  guint status;
  gchar *content_type;
  guint frames;
  guint width, height;          /* of the last frame */
  gsize max_part;
  guint64 bytes;                /* of every frame */
  gchar *bad;                   /* the first problem */
  gboolean ended;               /* the server ended the stream */
  gboolean failed;              /* I/O error (or cancelled) */
  guint pending;                /* async operations under way */
} Viewer;

/* A plain request's answer. */
typedef struct
{
  gboolean done;
  guint status;
  gchar *body;
  gchar *frame_age;
  gchar *content_type;
  gsize size;
} Reply;

void mjpeg_client_init (SoupSession * session, const gchar * base);
gboolean wait_for (Cond cond, gpointer data);

Viewer *viewer_new (const gchar * camera, const gchar * query,
    const gchar * key);
gboolean viewer_idle (gpointer data);
void viewer_free (Viewer * v);
void assert_frames (Viewer ** v, guint n, guint frames, guint width,
    guint height);

Reply *request (const gchar * path, const gchar * key);
void reply_free (Reply * r);
void assert_error (const gchar * path, const gchar * key, guint status,
    const gchar * code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

G_END_DECLS
