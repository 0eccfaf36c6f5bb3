"""A sushy-tools systems driver for one lab node: Redfish power actions on its QEMU process.

The node: {"name", "uuid", "pidfile", "pattern", "qmp", "start"}, where pidfile is QEMU's
-pidfile, pattern a text its command line holds (as lab/lib.sh's node_pid checks, so a reused
pid is not the node), qmp its QMP socket and start the argv that boots it (QEMU daemonizes, so
it returns). Power is "On" while that process lives. ForceOff ends the process and returns only
once it is gone, so the Off a fence agent reads next is real; ForceRestart is QEMU's hard reset.
"""
import json
import os
import signal
import socket
import subprocess
import threading
import time

from sushy_tools import error
from sushy_tools.emulator.resources.systems.base import AbstractSystemsDriver


def qmp(path, command, arguments=None, timeout=5.0):
    """One QMP command on the unix socket PATH; its 'return'."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(path)
        f = s.makefile("rwb")

        def reply():
            while True:
                line = f.readline()
                if not line:
                    raise ConnectionError("QMP closed the connection")
                msg = json.loads(line)
                if "event" not in msg:
                    return msg

        reply()  # the greeting
        msg = {}
        for cmd, args in (("qmp_capabilities", None), (command, arguments)):
            f.write(json.dumps({"execute": cmd, **({"arguments": args} if args else {})}).encode() + b"\n")
            f.flush()
            msg = reply()
            if "error" in msg:
                raise error.FishyError(f"QMP {cmd}: {msg['error'].get('desc')}")
        return msg.get("return")


class QemuPower(AbstractSystemsDriver):
    def __init__(self, node, off_wait=10.0, on_wait=60.0):
        super().__init__()
        self._node = node
        self._lock = threading.Lock()
        self._boot = "Hdd"
        self._off_wait, self._on_wait = off_wait, on_wait

    def _check(self, identity):
        if identity not in (self._node["name"], self._node["uuid"]):
            raise error.NotFound(f"System {identity} not found")

    @property
    def driver(self):
        return "<lab qemu>"

    @property
    def systems(self):
        return [self._node["name"]]

    def uuid(self, identity):
        self._check(identity)
        return self._node["uuid"]

    def name(self, identity):
        self._check(identity)
        return self._node["name"]

    def _pid(self):
        try:
            pid = int(open(self._node["pidfile"]).read().strip())
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ")
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except (OSError, ValueError, IndexError):
            return None
        # A killed emulator that nobody reaped yet is a zombie: powered off.
        return pid if self._node["pattern"].encode() in cmdline and state != "Z" else None

    def get_power_state(self, identity):
        self._check(identity)
        return "On" if self._pid() else "Off"

    def _wait(self, want_on, limit):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if bool(self._pid()) == want_on:
                return True
            time.sleep(0.1)
        return False

    def _off(self):
        pid = self._pid()
        if not pid:
            return
        try:
            qmp(self._node["qmp"], "quit", timeout=2)
        except (OSError, ConnectionError, error.FishyError) as e:
            self._logger.warning("QMP quit failed (%s): killing %s", e, pid)
        if not self._wait(False, 3):
            os.kill(pid, signal.SIGKILL)
            if not self._wait(False, self._off_wait):
                raise error.FishyError(f"the emulator {pid} did not exit")

    def _on(self):
        if self._pid():
            return
        r = subprocess.run(self._node["start"], stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=self._on_wait, start_new_session=True)
        if r.returncode != 0:
            raise error.FishyError(f"the start command failed: {r.stderr.decode(errors='replace')[-300:]}")
        if not self._wait(True, self._on_wait):
            raise error.FishyError("the emulator did not come up")

    def _qmp_while_on(self, command, arguments=None):
        if not self._pid():
            raise error.Conflict(f"{self._node['name']} is powered off")
        qmp(self._node["qmp"], command, arguments)

    def set_power_state(self, identity, state):
        self._check(identity)
        self._logger.info("ResetType %s", state)
        with self._lock:
            if state in ("On", "ForceOn"):
                self._on()
            elif state == "ForceOff":
                self._off()
            elif state == "ForceRestart":
                if self._pid():
                    self._qmp_while_on("system_reset")
                else:
                    self._on()
            elif state == "PowerCycle":
                self._off()
                self._on()
            elif state in ("GracefulShutdown", "PushPowerButton"):
                self._qmp_while_on("system_powerdown")
            elif state == "Nmi":
                self._qmp_while_on("inject-nmi")
            else:
                raise error.BadRequest(f"ResetType {state} is not supported")

    def get_boot_device(self, identity):
        self._check(identity)
        return self._boot

    def set_boot_device(self, identity, boot_source):
        self._check(identity)
        if boot_source != "Hdd":
            raise error.BadRequest(f"boot device {boot_source}: the lab's nodes boot from their disk")
        self._boot = boot_source
