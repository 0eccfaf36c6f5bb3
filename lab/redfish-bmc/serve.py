"""One lab node's Redfish BMC: sushy-tools' emulator (unpatched) answering for that node's QEMU
through qemu_power.QemuPower. Started by lab/bmc.sh inside the lab's namespace.

usage: serve.py CONFIG.json
CONFIG: {"listen", "port", "cert", "key", "htpasswd", "node": {name, uuid, pidfile, pattern,
qmp, start}}; htpasswd holds bcrypt entries (the emulator checks every request: no sessions).
"""
import json
import logging
import os
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sushy_tools.emulator import main as emulator  # noqa: E402  (builds the app and its routes)
from qemu_power import QemuPower  # noqa: E402


def main():
    cfg = json.load(open(sys.argv[1]))
    app = emulator.app
    app.configure(extra_config={
        "SUSHY_EMULATOR_AUTH_FILE": cfg["htpasswd"],
        "SUSHY_EMULATOR_FEATURE_SET": "minimum",
        "SUSHY_EMULATOR_ALLOWED_INSTANCES": [cfg["node"]["name"]],
    })
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    QemuPower.initialize(app.config, app.logger)
    driver = QemuPower(cfg["node"])
    # sushy-tools chooses among its own drivers (libvirt, nova, ironic, fake) in this property;
    # the lab's node is none of those.
    type(app).systems = property(lambda self: driver)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cfg["cert"], cfg["key"])
    app.run(host=cfg["listen"], port=cfg["port"], ssl_context=tls, threaded=True)


if __name__ == "__main__":
    main()
