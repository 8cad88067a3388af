#!/usr/bin/python3
# camguard example: "the picture from this camera, now", from an application.
#
#   /usr/bin/python3 pipelines/snapshottap-on-request.py [--source DESC]
#       [--every MS] [--count N] [--max-width W] [--outdir DIR]
#
# Runs a camera pipeline (by default a live 1280x720 H.264 test camera:
# videotestsrc ! x264enc ! h264parse, standing in for rtspsrc ! rtph264depay
# ! h264parse) with a snapshottap, and asks it for a JPEG every MS
# milliseconds with libcamguard's asynchronous request
# (Camguard.snapshot_request_async through GObject introspection): the
# decode and encode run on a worker thread, the main loop never blocks.
# Each picture is written to DIR/snapshot-N.jpg and one line is printed with
# the frame's age, how many frames were decoded for it and the time taken;
# a failed request prints its catalogue code (e.g. SNAPSHOT_FAILED when the
# camera went quiet for longer than max-age). Without --count it runs until
# interrupted.
#
# From a build tree:
#   GST_PLUGIN_PATH=build/plugins/camguard \
#   GI_TYPELIB_PATH=build/plugins/libcamguard \
#   LD_LIBRARY_PATH=build/plugins/libcamguard \
#   /usr/bin/python3 pipelines/snapshottap-on-request.py --count 5
import argparse
import os
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("Camguard", "1.0")
from gi.repository import Camguard, GLib, Gst  # noqa: E402

CAMERA = ("videotestsrc is-live=true pattern=ball "
          "! video/x-raw,width=1280,height=720,framerate=30/1 "
          "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=60 "
          "! h264parse")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--source", default=CAMERA,
                    help="gst-launch fragment ending in raw video, parsed "
                         "H.264/H.265 or MJPEG")
    ap.add_argument("--every", type=int, default=1000, help="ms between requests")
    ap.add_argument("--count", type=int, default=0, help="requests (0 = forever)")
    ap.add_argument("--max-width", type=int, default=0)
    ap.add_argument("--outdir", default=".")
    args = ap.parse_args()

    Gst.init(None)
    pipeline = Gst.parse_launch(
        f"{args.source} ! snapshottap name=tap ! fakesink sync=true")
    tap = pipeline.get_by_name("tap")
    loop = GLib.MainLoop()
    state = {"sent": 0, "done": 0, "failed": 0}

    def done(source, result, n):
        state["done"] += 1
        try:
            sample = Camguard.snapshot_request_finish(tap, result)
        except GLib.Error as e:
            state["failed"] += 1
            code = Camguard.code_to_name(e.code)
            print(f"snapshot {n}: failed: {code}: {e.message}", flush=True)
        else:
            info = sample.get_info()
            buf = sample.get_buffer()
            ok, data = buf.map(Gst.MapFlags.READ)
            path = os.path.join(args.outdir, f"snapshot-{n}.jpg")
            with open(path, "wb") as f:
                f.write(bytes(data.data))
            buf.unmap(data)
            caps = sample.get_caps().get_structure(0)
            print(f"snapshot {n}: {path} {caps.get_value('width')}x"
                  f"{caps.get_value('height')} {buf.get_size()} bytes, "
                  f"frame age {info.get_value('age') / 1e6:.1f} ms, "
                  f"{info.get_value('origin')}, "
                  f"{info.get_value('decoded-frames')} frames decoded, "
                  f"{info.get_value('encode-time') / 1e6:.1f} ms", flush=True)
        if args.count and state["done"] >= args.count:
            loop.quit()

    def request():
        if args.count and state["sent"] >= args.count:
            return GLib.SOURCE_REMOVE
        state["sent"] += 1
        Camguard.snapshot_request_async(tap, "image/jpeg", args.max_width, 0,
                                        0, None, done, state["sent"])
        return GLib.SOURCE_CONTINUE

    def on_message(bus, msg):
        if msg.type == Gst.MessageType.ERROR:
            err, _ = msg.parse_error()
            print(f"pipeline error: {err.message}", file=sys.stderr)
            state["failed"] += 1
            loop.quit()

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    pipeline.set_state(Gst.State.PLAYING)
    GLib.timeout_add(args.every, request)
    loop.run()
    pipeline.set_state(Gst.State.NULL)
    return 1 if state["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
