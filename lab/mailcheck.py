#!/usr/bin/env python3
"""Delivers numbered test mails over SMTP and reads them back over IMAP (stdlib only).

Usage (inside the lab namespace):
  mailcheck.py send HOST TAG [COUNT]   prints one line per acknowledged mail: "acked TAG-N"
  mailcheck.py read HOST TAG [COUNT]   exit 0 if every TAG-1..TAG-COUNT is in the mailbox
  mailcheck.py roundtrip HOST TAG [TIMEOUT]
      sends one mail (subject TAG, Message-ID <TAG@lab.invalid>: TAG must be new) and polls IMAP until that Message-ID
      is in the mailbox; prints one JSON line {"ok", "message_id", "smtp_s", "imap_s",
      "error"}; exit 1 when a step failed or TIMEOUT seconds (default 60) passed
"""
import imaplib
import json
import smtplib
import sys
import time
from email.message import EmailMessage

USER, PASSWORD, ADDRESS = "test", "labpass", "test@public.zimbraha.lan"


def send(host, tag, count):
    with smtplib.SMTP(host, 25, timeout=30) as smtp:
        for n in range(1, count + 1):
            msg = EmailMessage()
            msg["From"] = "probe@lab.invalid"
            msg["To"] = ADDRESS
            msg["Subject"] = f"{tag}-{n}"
            msg.set_content(f"zimbra-ha lab mail {tag}-{n}\n")
            smtp.send_message(msg)
            print(f"acked {tag}-{n}", flush=True)


def read(host, tag, count):
    imap = imaplib.IMAP4(host, 143, timeout=30)
    imap.login(USER, PASSWORD)
    imap.select("INBOX", readonly=True)
    missing = []
    for n in range(1, count + 1):
        typ, data = imap.search(None, "SUBJECT", f'"{tag}-{n}"')
        if typ != "OK" or not data[0].split():
            missing.append(f"{tag}-{n}")
    imap.logout()
    if missing:
        print("missing: " + " ".join(missing))
        return 1
    print(f"read back {count} mail(s) tagged {tag}")
    return 0


def has_message_id(host, message_id):
    imap = imaplib.IMAP4(host, 143, timeout=10)
    try:
        imap.login(USER, PASSWORD)
        imap.select("INBOX", readonly=True)
        typ, data = imap.search(None, "HEADER", "Message-ID", f'"{message_id}"')
        return typ == "OK" and bool(data[0].split())
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def roundtrip(host, tag, timeout):
    msg = EmailMessage()
    msg["From"] = "probe@lab.invalid"
    msg["To"] = ADDRESS
    msg["Subject"] = tag
    msg["Message-ID"] = f"<{tag}@lab.invalid>"
    msg.set_content(f"zimbra-ha lab round trip {tag}\n")
    result = {"ok": False, "message_id": msg["Message-ID"], "smtp_s": None, "imap_s": None, "error": None}
    start = time.time()
    try:
        with smtplib.SMTP(host, 25, timeout=10) as smtp:
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as e:
        result["error"] = f"SMTP to {host}:25: {e or type(e).__name__}"
        print(json.dumps(result))
        return 1
    result["smtp_s"] = round(time.time() - start, 2)
    error = "not in the mailbox yet"
    while time.time() - start < timeout:
        try:
            if has_message_id(host, msg["Message-ID"]):
                result["ok"], result["imap_s"] = True, round(time.time() - start, 2)
                print(json.dumps(result))
                return 0
            error = "not in the mailbox"
        except (OSError, imaplib.IMAP4.error) as e:
            error = f"IMAP to {host}:143: {e or type(e).__name__}"
        time.sleep(0.5)
    result["error"] = f"{error} after {timeout:.0f} s"
    print(json.dumps(result))
    return 1


if __name__ == "__main__":
    action, host, tag = sys.argv[1:4]
    if action == "roundtrip":
        sys.exit(roundtrip(host, tag, float(sys.argv[4]) if len(sys.argv) > 4 else 60))
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    if action == "send":
        send(host, tag, count)
    else:
        sys.exit(read(host, tag, count))
