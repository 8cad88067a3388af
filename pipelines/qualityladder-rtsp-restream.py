#!/usr/bin/python3
# camguard example: RTSP re-stream with automatic quality stepping.
#
#   /usr/bin/python3 pipelines/qualityladder-rtsp-restream.py [SOURCE-URL] [--port N]
#
# Serves rtsp://127.0.0.1:PORT/cam (gst-rtsp-server; Debian ships no
# test-launch). The stream is SOURCE-URL (any RTSP camera, decoded and
# re-encoded) or, without one, a live 1280x720 test pattern standing in for
# the camera. The encoder is a qualityladder in mode=auto:
#   - the packet loss seen by the client (RTCP receiver reports, fraction
#     lost) is written to its packet-loss property,
#   - the client's RTCP-reported receive rate is not a capacity estimate, so
#     available-bitrate is left to the operator (or the gateway); the queue
#     level and encoder lateness triggers work without it.
# Every step taken is printed with the element's statistics. Watch with e.g.
#   gst-launch-1.0 rtspsrc location=rtsp://127.0.0.1:8554/cam ! decodebin ! fakesink
# Binds 127.0.0.1 only; run from a build tree with
#   GST_PLUGIN_PATH=build/plugins/camguard
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

LADDER = "720p:2500,360p:800,180p:300"


def launch_description(source):
    if source:
        head = (f"rtspsrc location={source} latency=200 ! decodebin ! "
                "videoconvert ! video/x-raw,format=I420")
    else:
        head = ("videotestsrc is-live=true pattern=ball ! "
                "video/x-raw,format=I420,width=1280,height=720,framerate=30/1")
    return (f"( {head} ! qualityladder name=ladder ladder={LADDER} "
            "down-reaction=2000000000 up-hold=10000000000 ! "
            "rtph264pay name=pay0 pt=96 config-interval=-1 )")


def on_ssrc_active(session, source, ladder):
    # The client's RTCP receiver report about our stream.
    stats = source.get_property("stats")
    ok, have_rb = stats.get_boolean("have-rb")
    if not (ok and have_rb):
        return
    ok, fraction_lost = stats.get_uint("rb-fractionlost")
    if ok:
        ladder.set_property("packet-loss", fraction_lost / 256.0)


def on_new_stream(media, stream, ladder):
    session = stream.get_rtpsession()
    if session is not None:
        session.connect("on-ssrc-active", on_ssrc_active, ladder)


def on_step(ladder, _pspec):
    stats = ladder.get_property("statistics")
    print("current-step", ladder.get_property("current-step"),
          stats.to_string(), flush=True)


def on_media_configure(factory, media):
    ladder = media.get_element().get_by_name("ladder")
    media.connect("new-stream", on_new_stream, ladder)
    ladder.connect("notify::current-step", on_step)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("source", nargs="?", help="RTSP URL of the camera to re-stream")
    ap.add_argument("--port", type=int, default=8554)
    args = ap.parse_args()

    Gst.init(None)
    if Gst.ElementFactory.find("qualityladder") is None:
        sys.exit("qualityladder not found: set GST_PLUGIN_PATH=build/plugins/camguard")
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch_description(args.source))
    factory.set_shared(True)
    factory.connect("media-configure", on_media_configure)
    server.get_mount_points().add_factory("/cam", factory)
    if server.attach(None) == 0:
        sys.exit(f"cannot listen on 127.0.0.1:{args.port}")
    print(f"serving rtsp://127.0.0.1:{server.get_bound_port()}/cam", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
