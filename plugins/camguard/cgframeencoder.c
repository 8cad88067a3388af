/* camguard - CgFrameEncoder: one raw video frame to a JPEG or PNG picture
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * JPEG goes straight through libjpeg-turbo's TurboJPEG API: planar YUV
 * (I420, YV12, Y42B, Y444, GRAY8) and packed RGB frames are compressed in
 * place from the mapped buffer, without a copy. Other formats, and any frame
 * that must be scaled down first, go through one GstVideoConverter to I420
 * that is kept for as long as the input and output sizes stay the same.
 * PNG, rarely asked for, goes through GStreamer's pngenc.
 *
 * An encoder is not thread-safe: the caller serialises calls (snapshottap
 * holds a mutex around it).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <turbojpeg.h>
#include <gst/video/video.h>

#include "cgframeencoder.h"

GST_DEBUG_CATEGORY_STATIC (cg_frame_encoder_debug);

/* The fast integer DCT, as jpegenc uses by default: measurably faster
 * (bench/snapshottap) for a loss that does not show at snapshot qualities. */
#define TJ_FLAGS TJFLAG_FASTDCT
#define GST_CAT_DEFAULT cg_frame_encoder_debug

struct _CgFrameEncoder
{
  tjhandle tj;
  /* the converter to I420 and the frame it writes, kept while the input
   * format and the output size stay the same */
  GstVideoConverter *converter;
  GstVideoInfo conv_in;
  GstVideoInfo conv_out;
  GstBuffer *conv_buffer;
};

CgFrameEncoder *
cg_frame_encoder_new (void)
{
  CgFrameEncoder *encoder;

  GST_DEBUG_CATEGORY_INIT (cg_frame_encoder_debug, "camguard-frameencoder", 0,
      "camguard snapshot encoder");

  encoder = g_new0 (CgFrameEncoder, 1);
  encoder->tj = tjInitCompress ();
  return encoder;
}

static void
clear_converter (CgFrameEncoder * encoder)
{
  g_clear_pointer (&encoder->converter, gst_video_converter_free);
  gst_clear_buffer (&encoder->conv_buffer);
}

void
cg_frame_encoder_free (CgFrameEncoder * encoder)
{
  if (!encoder)
    return;
  clear_converter (encoder);
  if (encoder->tj)
    tjDestroy (encoder->tj);
  g_free (encoder);
}

/**
 * cg_frame_fit_size:
 *
 * The size a @width x @height frame is encoded at so that it fits in
 * @max_width x @max_height (0 = no limit), keeping the aspect ratio, never
 * scaling up, and with even dimensions when it is scaled.
 */
void
cg_frame_fit_size (gint width, gint height, gint max_width, gint max_height,
    gint * out_width, gint * out_height)
{
  gdouble scale = 1.0;

  if (max_width > 0 && width > max_width)
    scale = MIN (scale, (gdouble) max_width / width);
  if (max_height > 0 && height > max_height)
    scale = MIN (scale, (gdouble) max_height / height);

  if (scale >= 1.0) {
    *out_width = width;
    *out_height = height;
    return;
  }
  *out_width = MAX (2, ((gint) (width * scale)) & ~1);
  *out_height = MAX (2, ((gint) (height * scale)) & ~1);
}

static gboolean
yuv_subsampling (GstVideoFormat format, int *subsamp, gboolean * swap_uv)
{
  *swap_uv = FALSE;
  switch (format) {
    case GST_VIDEO_FORMAT_I420:
      *subsamp = TJSAMP_420;
      return TRUE;
    case GST_VIDEO_FORMAT_YV12:
      *subsamp = TJSAMP_420;
      *swap_uv = TRUE;
      return TRUE;
    case GST_VIDEO_FORMAT_Y42B:
      *subsamp = TJSAMP_422;
      return TRUE;
    case GST_VIDEO_FORMAT_Y444:
      *subsamp = TJSAMP_444;
      return TRUE;
    case GST_VIDEO_FORMAT_GRAY8:
      *subsamp = TJSAMP_GRAY;
      return TRUE;
    default:
      return FALSE;
  }
}

static gboolean
packed_pixel_format (GstVideoFormat format, int *pf)
{
  switch (format) {
    case GST_VIDEO_FORMAT_RGB:
      *pf = TJPF_RGB;
      return TRUE;
    case GST_VIDEO_FORMAT_BGR:
      *pf = TJPF_BGR;
      return TRUE;
    case GST_VIDEO_FORMAT_RGBx:
    case GST_VIDEO_FORMAT_RGBA:
      *pf = TJPF_RGBX;
      return TRUE;
    case GST_VIDEO_FORMAT_BGRx:
    case GST_VIDEO_FORMAT_BGRA:
      *pf = TJPF_BGRX;
      return TRUE;
    case GST_VIDEO_FORMAT_xRGB:
    case GST_VIDEO_FORMAT_ARGB:
      *pf = TJPF_XRGB;
      return TRUE;
    case GST_VIDEO_FORMAT_xBGR:
    case GST_VIDEO_FORMAT_ABGR:
      *pf = TJPF_XBGR;
      return TRUE;
    default:
      return FALSE;
  }
}

static void
tj_free (gpointer data)
{
  tjFree (data);
}

static GstBuffer *
compress_frame (CgFrameEncoder * encoder, GstVideoFrame * frame, gint quality,
    GError ** error)
{
  GstVideoFormat format = GST_VIDEO_FRAME_FORMAT (frame);
  gint width = GST_VIDEO_FRAME_WIDTH (frame);
  gint height = GST_VIDEO_FRAME_HEIGHT (frame);
  unsigned char *jpeg = NULL;
  unsigned long size = 0;
  gboolean swap_uv;
  int subsamp, pf, ret;

  if (yuv_subsampling (format, &subsamp, &swap_uv)) {
    const unsigned char *planes[3];
    int strides[3];
    guint u = swap_uv ? 2 : 1, v = swap_uv ? 1 : 2;

    planes[0] = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
    strides[0] = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
    if (subsamp != TJSAMP_GRAY) {
      planes[1] = GST_VIDEO_FRAME_PLANE_DATA (frame, u);
      planes[2] = GST_VIDEO_FRAME_PLANE_DATA (frame, v);
      strides[1] = GST_VIDEO_FRAME_PLANE_STRIDE (frame, u);
      strides[2] = GST_VIDEO_FRAME_PLANE_STRIDE (frame, v);
    } else {
      planes[1] = planes[2] = NULL;
      strides[1] = strides[2] = 0;
    }
    ret = tjCompressFromYUVPlanes (encoder->tj, planes, width, strides,
        height, subsamp, &jpeg, &size, quality, TJ_FLAGS);
  } else if (packed_pixel_format (format, &pf)) {
    ret = tjCompress2 (encoder->tj, GST_VIDEO_FRAME_PLANE_DATA (frame, 0),
        width, GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0), height, pf, &jpeg,
        &size, TJSAMP_420, quality, TJ_FLAGS);
  } else {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "cannot JPEG-encode %s directly", gst_video_format_to_string (format));
    return NULL;
  }

  if (ret != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_ENCODE,
        "JPEG encoding failed: %s", tjGetErrorStr2 (encoder->tj));
    tjFree (jpeg);
    return NULL;
  }
  return gst_buffer_new_wrapped_full (GST_MEMORY_FLAG_READONLY, jpeg, size, 0,
      size, jpeg, tj_free);
}

static gboolean
directly_encodable (GstVideoFormat format)
{
  gboolean swap;
  int v;

  return yuv_subsampling (format, &v, &swap) || packed_pixel_format (format,
      &v);
}

/* Converts @in to I420 at @width x @height into the encoder's own frame. */
static gboolean
convert_frame (CgFrameEncoder * encoder, GstVideoFrame * in, gint width,
    gint height, GstVideoFrame * out, GError ** error)
{
  if (!encoder->converter
      || !gst_video_info_is_equal (&encoder->conv_in, &in->info)
      || GST_VIDEO_INFO_WIDTH (&encoder->conv_out) != width
      || GST_VIDEO_INFO_HEIGHT (&encoder->conv_out) != height) {
    clear_converter (encoder);
    encoder->conv_in = in->info;
    gst_video_info_set_format (&encoder->conv_out, GST_VIDEO_FORMAT_I420,
        width, height);
    /* the converter converts format and size, nothing else */
    GST_VIDEO_INFO_FPS_N (&encoder->conv_out) =
        GST_VIDEO_INFO_FPS_N (&in->info);
    GST_VIDEO_INFO_FPS_D (&encoder->conv_out) =
        GST_VIDEO_INFO_FPS_D (&in->info);
    GST_VIDEO_INFO_PAR_N (&encoder->conv_out) =
        GST_VIDEO_INFO_PAR_N (&in->info);
    GST_VIDEO_INFO_PAR_D (&encoder->conv_out) =
        GST_VIDEO_INFO_PAR_D (&in->info);
    encoder->converter =
        gst_video_converter_new (&encoder->conv_in, &encoder->conv_out, NULL);
    if (!encoder->converter) {
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
          "no conversion from %s %dx%d to I420 %dx%d",
          gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&in->info)),
          GST_VIDEO_INFO_WIDTH (&in->info), GST_VIDEO_INFO_HEIGHT (&in->info),
          width, height);
      return FALSE;
    }
    encoder->conv_buffer =
        gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&encoder->conv_out),
        NULL);
    GST_DEBUG ("new converter %s %dx%d -> I420 %dx%d",
        gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&in->info)),
        GST_VIDEO_INFO_WIDTH (&in->info), GST_VIDEO_INFO_HEIGHT (&in->info),
        width, height);
  }
  if (!gst_video_frame_map (out, &encoder->conv_out, encoder->conv_buffer,
          GST_MAP_WRITE)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "cannot map the conversion buffer");
    return FALSE;
  }
  gst_video_converter_frame (encoder->converter, in, out);
  return TRUE;
}

static GstBuffer *
encode_jpeg (CgFrameEncoder * encoder, GstSample * sample,
    const GstVideoInfo * info, gint width, gint height, gint quality,
    GError ** error)
{
  GstVideoFrame in, out;
  GstBuffer *jpeg;

  if (!gst_video_frame_map (&in, info, gst_sample_get_buffer (sample),
          GST_MAP_READ)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "cannot map the frame");
    return NULL;
  }

  if (width == GST_VIDEO_INFO_WIDTH (info)
      && height == GST_VIDEO_INFO_HEIGHT (info)
      && directly_encodable (GST_VIDEO_INFO_FORMAT (info))) {
    jpeg = compress_frame (encoder, &in, quality, error);
    gst_video_frame_unmap (&in);
    return jpeg;
  }

  if (!convert_frame (encoder, &in, width, height, &out, error)) {
    gst_video_frame_unmap (&in);
    return NULL;
  }
  gst_video_frame_unmap (&in);
  jpeg = compress_frame (encoder, &out, quality, error);
  gst_video_frame_unmap (&out);
  return jpeg;
}

static GstBuffer *
encode_png (GstSample * sample, gint width, gint height, GError ** error)
{
  g_autoptr (GstCaps) caps = gst_caps_new_simple ("image/png",
      "width", G_TYPE_INT, width, "height", G_TYPE_INT, height, NULL);
  g_autoptr (GstSample) png = NULL;

  png = gst_video_convert_sample (sample, caps, 10 * GST_SECOND, error);
  if (!png)
    return NULL;
  return gst_buffer_ref (gst_sample_get_buffer (png));
}

/**
 * cg_frame_encoder_encode:
 * @frame: a sample holding one raw video frame and its caps
 * @format: "image/jpeg" or "image/png"
 * @max_width: largest width of the picture (0 = the frame's)
 * @max_height: largest height of the picture (0 = the frame's)
 * @quality: JPEG quality, 1..100
 * @out_caps: (out): the caps of the picture
 *
 * Returns: the encoded picture, or %NULL with @error set.
 */
GstBuffer *
cg_frame_encoder_encode (CgFrameEncoder * encoder, GstSample * frame,
    const gchar * format, gint max_width, gint max_height, gint quality,
    GstCaps ** out_caps, GError ** error)
{
  GstVideoInfo info;
  GstBuffer *picture;
  gint width, height;

  if (!encoder->tj) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT,
        "TurboJPEG could not be initialised");
    return NULL;
  }
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (frame))) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "the frame has no raw video caps");
    return NULL;
  }
  cg_frame_fit_size (GST_VIDEO_INFO_WIDTH (&info),
      GST_VIDEO_INFO_HEIGHT (&info), max_width, max_height, &width, &height);

  if (g_strcmp0 (format, "image/png") == 0)
    picture = encode_png (frame, width, height, error);
  else if (g_strcmp0 (format, "image/jpeg") == 0)
    picture = encode_jpeg (encoder, frame, &info, width, height,
        CLAMP (quality, 1, 100), error);
  else {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "unsupported snapshot format \"%s\" (image/jpeg or image/png)",
        format ? format : "(null)");
    return NULL;
  }

  if (picture && out_caps)
    *out_caps = gst_caps_new_simple (format, "width", G_TYPE_INT, width,
        "height", G_TYPE_INT, height, NULL);
  return picture;
}
