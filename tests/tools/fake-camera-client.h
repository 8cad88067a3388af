/* camguard - driving camguard-fake-camera from tests and benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *proc;
  GDataInputStream *out;
  gchar *tmpdir;
  gchar *ctl;                   /* the control socket */
  gint port;
  gchar *url;
} CgFakeCamera;

gboolean cg_fake_camera_start (CgFakeCamera * camera, const gchar * path,
    const gchar * const *extra_args, guint timeout_ms, GError ** error);
gchar *cg_fake_camera_command (CgFakeCamera * camera, const gchar * command,
    guint timeout_ms, GError ** error);
gboolean cg_fake_camera_wait_exit (CgFakeCamera * camera, guint timeout_ms);
gboolean cg_fake_camera_stop (CgFakeCamera * camera, guint timeout_ms);
gboolean cg_iterate_until (gboolean * done, guint timeout_ms);

G_END_DECLS
