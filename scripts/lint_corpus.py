#!/usr/bin/env python3
"""Write the well-formed part of the linter's corpus with Python's email package.

Every message is built the way a careful application builds mail with the
standard library: email.message.EmailMessage, policy.SMTP (CRLF line endings,
headers folded at 78 characters, RFC 2047 and RFC 2231 where needed), a Date
from email.utils.formatdate and a Message-ID of make_msgid's form (fixed, so
that the files do not change from run to run). The linter must find no error
and no warning in any of them (smtpcore/msg/lint/corpus_test.go).

Usage: python3 scripts/lint_corpus.py [OUTDIR]   (default smtpcore/msg/lint/testdata/good)
"""
import os
import sys
from email import policy
from email.message import EmailMessage
from email.utils import formatdate

# A fixed date so that the files do not change from run to run.
DATE = formatdate(1796047200, localtime=False)


def base(subject, frm="Alice Example <alice@example.org>", to="Bob <bob@example.net>", n=0):
    m = EmailMessage(policy=policy.SMTP)
    m["From"] = frm
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = DATE
    m["Message-ID"] = "<python-corpus-%d@example.org>" % n  # make_msgid() in real code; fixed here
    return m


def messages():
    m = base("Plain ASCII", n=1)
    m.set_content("Hello Bob,\n\nthis is a plain ASCII message.\n\n-- \nAlice\n")
    yield "python-plain", m

    m = base("Grüße aus Köln – naïve café", frm="Zoë Ünal <zoe@example.org>", to="Jürgen <j@example.net>, bob@example.net", n=2)
    m.set_content("Grüße!\n\nDas ist ein Text mit Umlauten: äöü ÄÖÜ ß, und ein Euro: €.\n")
    yield "python-utf8", m

    m = base("Alternative", n=3)
    m.set_content("Plain version.\n\nA link: https://example.org/\n")
    m.add_alternative("<html><body><p>HTML <b>version</b>.</p><p><a href=\"https://example.org/\">A link</a></p></body></html>\n", subtype="html")
    yield "python-alternative", m

    m = base("Attachments: Übersicht", n=4)
    m["Cc"] = "Carol <carol@example.com>"
    m.set_content("See the attached files.\n")
    m.add_attachment(b"%PDF-1.4\n" + bytes(range(256)) * 8, maintype="application", subtype="pdf", filename="Übersicht März 2026.pdf")
    m.add_attachment("a,b\n1,2\n", subtype="csv", filename="data.csv")
    yield "python-attachments", m

    long_line = " ".join(["word%d" % i for i in range(120)])
    m = base("A very long subject line that goes on and on so that the header has to be folded by the policy", n=5)
    m.set_content("A long line follows.\n" + long_line + "\nEnd.\n")
    yield "python-long-lines", m

    m = base("Japanese 日本語のメール", to="undisclosed-recipients:;", n=6)
    m.set_content("こんにちは。\nこれは日本語のテストです。\n", charset="utf-8")
    yield "python-japanese", m

    m = base("Related and mixed", n=7)
    m.set_content("Text with a picture.\n")
    m.add_alternative('<html><body><p>Picture: <img src="cid:pic@example.org" alt="pic"></p></body></html>\n', subtype="html")
    m.get_payload()[1].add_related(b"\x89PNG\r\n\x1a\n" + bytes(64), maintype="image", subtype="png", cid="<pic@example.org>", filename="pic.png")
    m.add_attachment(b"binary \x00\x01\x02", maintype="application", subtype="octet-stream", filename="blob.bin")
    yield "python-related", m


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "smtpcore/msg/lint/testdata/good"
    os.makedirs(out, exist_ok=True)
    for name, m in messages():
        # Fixed boundaries, so that the files do not change from run to run.
        for i, part in enumerate(p for p in m.walk() if p.is_multipart()):
            part.set_boundary("===============%s-%d==" % (name, i))
        with open(os.path.join(out, name + ".eml"), "wb") as f:
            f.write(m.as_bytes(policy=policy.SMTP))


if __name__ == "__main__":
    main()
