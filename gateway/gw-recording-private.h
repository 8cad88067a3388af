/* camguard-gateway - the recorder's internals, for gw-recording*.c only
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-recording.h"
#include "gw-recording-branch.h"

G_BEGIN_DECLS

#define HOUSEKEEPING_MS 5000
#define MANUAL "manual"
#define CONTINUOUS "continuous"

typedef struct _CamRec CamRec;

typedef struct
{
  CamRec *cam;
  const gchar *kind;
  gboolean wanted;
  GwRecBranch *branch;
  CgBackoff *backoff;
  guint retry_id;
  guint limit_id;
  guint max_duration_s;
  CgError *error;               /* the last failure, until a file opens */
  gchar *current;               /* the file being written */
  gchar *last_file;             /* the last file finalized */
  gint64 started_us;
  guint64 bytes;
  guint files;
  GwRecorderStopFunc stop_func; /* a stop waiting for its file */
  gpointer stop_data;
  /* gw_rec_session_describe(): the text of the session while it is off,
   * and the counts it shows */
  gchar *off_json;
  guint64 off_bytes;
  guint off_files;
  guint off_max_duration_s;
} Session;

struct _CamRec
{
  gint refcount;
  GwRecorder *rec;
  GwCamera *camera;
  gchar *id;
  gchar *dir;
  gulong stopping_id;
  Session manual;
  Session continuous;
};

struct _GwRecorder
{
  gchar *root;
  guint64 low_space;
  GwRecorderEventFunc func;
  gpointer user_data;
  GHashTable *cameras;          /* id -> CamRec */
  guint pending;                /* branches being finalized */
  guint housekeeping_id;
  gboolean housekeeping_busy;
  GCancellable *cancellable;    /* cancelled when @rec goes */
  gboolean closing;             /* finalize_all() was called */
  gboolean low_warned;
  GwMetric *m_bytes;
  GwMetric *m_files;
  GwMetric *m_failures;
  Session off;                  /* what a camera without sessions shows */
};

void gw_recorder_emit (GwRecorder * rec, const gchar * kind,
    const CgError * error, const gchar * camera_id);
void gw_rec_session_describe (Session * s, CgJsonWriter * w);

G_END_DECLS
