#!/usr/bin/env python3
"""Delivers numbered test mails over SMTP and reads them back over IMAP (stdlib only).

Usage (inside the lab namespace):
  mailcheck.py send HOST TAG [COUNT]   prints one line per acknowledged mail: "acked TAG-N"
  mailcheck.py read HOST TAG [COUNT]   exit 0 if every TAG-1..TAG-COUNT is in the mailbox
"""
import imaplib
import smtplib
import sys
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


if __name__ == "__main__":
    action, host, tag = sys.argv[1:4]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    if action == "send":
        send(host, tag, count)
    else:
        sys.exit(read(host, tag, count))
