/* camguard - CgFrameDecoder: decode a run of encoded frames on request
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * snapshottap keeps the encoded frames since the last keyframe and decodes
 * them only when a snapshot is asked for. This file is that decoder: a
 * private `appsrc ! <decoder> ! appsink` pipeline, the decoder being the
 * highest-ranked decoder factory for the caps (what decodebin would pick,
 * without its type-finding). decode() pushes the frames, ends the stream,
 * and returns the frame with the highest timestamp.
 *
 * Without keep-warm the pipeline is built for one request and freed after
 * it. With keep-warm the pipeline and its elements are kept between
 * requests while the caps stay the same (back in NULL: appsrc and appsink
 * only forget an end of stream there), which saves looking the decoder up
 * and building the pipeline.
 *
 * Not thread-safe: the caller serialises calls.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/app/app.h>

#include "cgframedecoder.h"

GST_DEBUG_CATEGORY_STATIC (cg_frame_decoder_debug);
#define GST_CAT_DEFAULT cg_frame_decoder_debug

/* one frame must come out of the decoder within this time */
#define DECODE_TIMEOUT (5 * GST_SECOND)

struct _CgFrameDecoder
{
  gboolean keep_warm;
  GstElement *pipeline;
  GstElement *appsrc;
  GstElement *appsink;
  GstCaps *caps;
};

CgFrameDecoder *
cg_frame_decoder_new (gboolean keep_warm)
{
  CgFrameDecoder *decoder;

  GST_DEBUG_CATEGORY_INIT (cg_frame_decoder_debug, "camguard-framedecoder", 0,
      "camguard snapshot decoder");

  decoder = g_new0 (CgFrameDecoder, 1);
  decoder->keep_warm = keep_warm;
  return decoder;
}

static void
clear_pipeline (CgFrameDecoder * decoder)
{
  if (decoder->pipeline) {
    gst_element_set_state (decoder->pipeline, GST_STATE_NULL);
    gst_clear_object (&decoder->pipeline);
  }
  decoder->appsrc = decoder->appsink = NULL;
  gst_clear_caps (&decoder->caps);
}

void
cg_frame_decoder_free (CgFrameDecoder * decoder)
{
  if (!decoder)
    return;
  clear_pipeline (decoder);
  g_free (decoder);
}

static GstElementFactory *
find_decoder (GstCaps * caps)
{
  GList *all, *usable;
  GstElementFactory *factory = NULL;

  all = gst_element_factory_list_get_elements (GST_ELEMENT_FACTORY_TYPE_DECODER
      | GST_ELEMENT_FACTORY_TYPE_MEDIA_IMAGE |
      GST_ELEMENT_FACTORY_TYPE_MEDIA_VIDEO, GST_RANK_MARGINAL);
  usable = gst_element_factory_list_filter (all, caps, GST_PAD_SINK, FALSE);
  usable = g_list_sort (usable, gst_plugin_feature_rank_compare_func);
  if (usable)
    factory = gst_object_ref (usable->data);
  gst_plugin_feature_list_free (usable);
  gst_plugin_feature_list_free (all);
  return factory;
}

static gboolean
build_pipeline (CgFrameDecoder * decoder, GstCaps * caps, GError ** error)
{
  g_autoptr (GstElementFactory) factory = find_decoder (caps);
  g_autoptr (GstCaps) raw = gst_caps_new_empty_simple ("video/x-raw");
  GstElement *dec;

  if (!factory) {
    g_autofree gchar *str = gst_caps_to_string (caps);

    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "no decoder for %s", str);
    return FALSE;
  }

  decoder->pipeline = gst_pipeline_new ("camguard-snapshot-decoder");
  decoder->appsrc = gst_element_factory_make ("appsrc", NULL);
  dec = gst_element_factory_create (factory, NULL);
  decoder->appsink = gst_element_factory_make ("appsink", NULL);
  if (!decoder->appsrc || !dec || !decoder->appsink) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "cannot create appsrc, %s or appsink", GST_OBJECT_NAME (factory));
    if (dec)
      gst_object_unref (gst_object_ref_sink (dec));
    clear_pipeline (decoder);
    return FALSE;
  }
  g_object_set (decoder->appsrc, "caps", caps, "format", GST_FORMAT_TIME,
      "max-bytes", (guint64) 0, NULL);
  g_object_set (decoder->appsink, "sync", FALSE, "caps", raw, NULL);
  gst_bin_add_many (GST_BIN (decoder->pipeline), decoder->appsrc, dec,
      decoder->appsink, NULL);
  if (!gst_element_link_many (decoder->appsrc, dec, decoder->appsink, NULL)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "cannot link %s to raw video", GST_OBJECT_NAME (factory));
    clear_pipeline (decoder);
    return FALSE;
  }
  decoder->caps = gst_caps_ref (caps);
  GST_DEBUG ("decoding with %s", GST_OBJECT_NAME (factory));
  return TRUE;
}

static void
take_bus_error (CgFrameDecoder * decoder, GError ** error)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (decoder->pipeline);
  g_autoptr (GstMessage) msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

  if (msg) {
    GError *err = NULL;

    gst_message_parse_error (msg, &err, NULL);
    g_propagate_error (error, err);
  } else {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "the decoder produced no frame");
  }
}

/**
 * cg_frame_decoder_decode:
 * @caps: the caps of @buffers
 * @buffers: (array length=n_buffers): encoded frames, a keyframe first
 * @n_decoded: (out) (optional): how many frames came out of the decoder
 *
 * Returns: (transfer full): the decoded frame with the highest timestamp,
 * or %NULL with @error set.
 */
GstSample *
cg_frame_decoder_decode (CgFrameDecoder * decoder, GstCaps * caps,
    GstBuffer ** buffers, guint n_buffers, guint * n_decoded, GError ** error)
{
  GstSample *best = NULL;
  GstSample *sample;
  guint i, count = 0;

  if (decoder->pipeline && !gst_caps_is_equal (decoder->caps, caps))
    clear_pipeline (decoder);
  if (!decoder->pipeline && !build_pipeline (decoder, caps, error))
    return NULL;

  if (gst_element_set_state (decoder->pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    take_bus_error (decoder, error);
    clear_pipeline (decoder);
    return NULL;
  }

  for (i = 0; i < n_buffers; i++)
    gst_app_src_push_buffer (GST_APP_SRC (decoder->appsrc),
        gst_buffer_ref (buffers[i]));
  gst_app_src_end_of_stream (GST_APP_SRC (decoder->appsrc));

  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK
              (decoder->appsink), DECODE_TIMEOUT))) {
    GstBuffer *b = gst_sample_get_buffer (sample);
    GstBuffer *bb = best ? gst_sample_get_buffer (best) : NULL;

    count++;
    if (!best || !GST_BUFFER_PTS_IS_VALID (bb)
        || (GST_BUFFER_PTS_IS_VALID (b)
            && GST_BUFFER_PTS (b) >= GST_BUFFER_PTS (bb))) {
      if (best)
        gst_sample_unref (best);
      best = sample;
    } else {
      gst_sample_unref (sample);
    }
  }
  if (!best)
    take_bus_error (decoder, error);
  GST_LOG ("%u frames in, %u out", n_buffers, count);
  if (n_decoded)
    *n_decoded = count;

  if (decoder->keep_warm && best) {
    g_autoptr (GstBus) bus = gst_element_get_bus (decoder->pipeline);

    gst_element_set_state (decoder->pipeline, GST_STATE_NULL);
    /* nobody watches this bus: drop what the request left on it */
    gst_bus_set_flushing (bus, TRUE);
    gst_bus_set_flushing (bus, FALSE);
  } else
    clear_pipeline (decoder);
  return best;
}
