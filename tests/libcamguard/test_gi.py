#!/usr/bin/python3
# camguard - libcamguard through GObject introspection (Python).
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Prints TAP. Exits 77 (skipped) only when PyGObject itself is missing.
import json
import sys

try:
    import gi
except ImportError:
    print("1..0 # SKIP python3-gi (PyGObject) is not installed")
    sys.exit(77)

gi.require_version("Gst", "1.0")
gi.require_version("Camguard", "1.0")
from gi.repository import GLib, Gst, Camguard  # noqa: E402

Gst.init(None)

checks = []


def check(name, cond):
    checks.append((name, bool(cond)))


# Catalogue lookup
row = Camguard.catalogue_lookup(Camguard.Code.CAMERA_NOT_FOUND)
check("catalogue row name", row.name == "CAMERA_NOT_FOUND")
check("catalogue http status", row.http_status == 404)
ok, code = Camguard.code_from_name("CAMERA_UNREACHABLE")
check("code from name", ok and code == Camguard.Code.CAMERA_UNREACHABLE)

# A CgError rendered to flat JSON, with redaction
err = Camguard.Error.new(Camguard.Code.CAMERA_UNREACHABLE,
                         "cannot reach rtsp://admin:secret@127.0.0.1/cam")
err.set_camera_id("front_door")
body = json.loads(err.to_json("req-1"))
check("flat error_code", body["error_code"] == "CAMERA_UNREACHABLE")
check("flat request_id", body["request_id"] == "req-1")
check("flat message redacted",
      body["message"] == "cannot reach rtsp://admin:***@127.0.0.1/cam")
check("flat details object", isinstance(body["details"], dict))

problem = json.loads(err.to_problem_json("req-1", None))
check("problem type", problem["type"] ==
      "https://camguard.dev/errors/camera-unreachable")

event = json.loads(err.to_event_json())
check("event cameraId", event["cameraId"] == "front_door")

check("redact", Camguard.redact("?token=abc&x=1") == "?token=***&x=1")

# Backoff and breaker are usable too
b = Camguard.Backoff.new()
b.props.jitter = Camguard.Jitter.NONE
ok, delay = b.next_delay(Camguard.Code.CAMERA_UNREACHABLE)
check("backoff first delay", ok and delay == b.props.initial_delay)
cb = Camguard.CircuitBreaker.new()
check("breaker closed", cb.get_state() == Camguard.BreakerState.CLOSED)

# The quality ladder grammar
ladder = Camguard.Ladder.parse("1080p:6000, hd:1280x720@2500")
check("ladder rungs", ladder.get_n_rungs() == 2)
check("ladder printed back", ladder.to_string() == "1080p:6000,hd:1280x720@2500")
usable, w, h = ladder.resolve_rung(1, 1440, 1080)
check("ladder fitted to 4:3", usable and (w, h) == (960, 720))
try:
    Camguard.Ladder.parse("720p:2500,1080p:6000")
    check("ladder rejects upward rungs", False)
except GLib.Error as e:
    check("ladder rejects upward rungs",
          e.code == int(Camguard.Code.VALIDATION_ERROR))

print("1..%d" % len(checks))
failed = 0
for i, (name, ok) in enumerate(checks, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
    failed += 0 if ok else 1
sys.exit(1 if failed else 0)
