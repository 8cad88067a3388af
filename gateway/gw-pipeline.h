/* camguard-gateway - one camera's GstPipeline, built from its spec
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include "gw-camera-spec.h"

G_BEGIN_DECLS

/* The pipeline and the elements callers talk to; the pointers other than
 * @pipeline are owned by it. */
typedef struct
{
  GstElement *pipeline;
  GstElement *source;           /* retrysrc, named "source" */
  GstElement *snapshot;         /* snapshottap, named "snapshot" */
  GstElement *ladder;           /* qualityladder "ladder", raw cameras only */
  GstElement *raw_tee;          /* tee "raw" before the ladder: raw frames,
                                 * raw cameras only */
  GstElement *tee;              /* tee "outputs": request a pad per output */
} GwPipeline;

GwPipeline *gw_pipeline_build (const GwCameraSpec * spec, GError ** error);
gchar *gw_pipeline_source_description (const GwCameraSpec * spec);
gchar *gw_pipeline_source_uri (const GwCameraSpec * spec);
void gw_pipeline_free (GwPipeline * pipeline);
GstElement *gw_pipeline_make_element (GstBin * bin, const gchar * factory,
    const gchar * name, GError ** error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwPipeline, gw_pipeline_free)

G_END_DECLS
