#!/usr/bin/env python3
"""Write the known-bad part of the linter's corpus: one small message per rule.

Each case is a well-formed message with exactly one thing broken (a few break
two things that always go together, such as bare LF let in by the server and
the bare LF itself). For NAME the script writes NAME.eml (CRLF line endings,
except where a case is about line endings) and NAME.want: the rule ids the
linter must report, one a line, sorted, and optionally a line
"envelope KEY=VALUE ..." with the session record's facts (8bitmime, smtputf8,
barelf, from, rcpt). smtpcore/msg/lint/corpus_test.go checks them.

Usage: python3 scripts/lint_bad_corpus.py [OUTDIR]   (default smtpcore/msg/lint/testdata/bad)
"""
import os
import sys

FROM = "From: Alice <alice@example.org>\n"
TO = "To: Bob <bob@example.net>\n"
SUBJ = "Subject: Test\n"
DATE = "Date: Mon, 30 Nov 2026 14:00:00 +0000\n"
MID = "Message-ID: <case@example.org>\n"
MIME = "MIME-Version: 1.0\n"
PLAIN = "Content-Type: text/plain; charset=utf-8\n"
HEAD = FROM + TO + SUBJ + DATE + MID + MIME


def head(**repl):
    """The standard header with fields replaced (value None drops the field)."""
    fields = {"From": FROM, "To": TO, "Subject": SUBJ, "Date": DATE, "Message-ID": MID, "MIME-Version": MIME}
    for k, v in repl.items():
        k = k.replace("_", "-")
        fields[k] = None if v is None else "%s: %s\n" % (k, v)
    return "".join(v for v in fields.values() if v)


def alt(first, second, b="alt-1"):
    return (head() + 'Content-Type: multipart/alternative; boundary="%s"\n\n' % b +
            "--%s\n%s\n--%s\n%s\n--%s--\n" % (b, first, b, second, b))


TEXT_PART = "Content-Type: text/plain; charset=utf-8\n\nHello.\n"
HTML_PART = "Content-Type: text/html; charset=utf-8\n\n<p>Hello.</p>\n"


def mixed(attachment, b="mix-1"):
    return (head() + 'Content-Type: multipart/mixed; boundary="%s"\n\n' % b +
            "--%s\n%s\n--%s\n%s\n--%s--\n" % (b, TEXT_PART, b, attachment, b))


PDF = "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"

# name: (message text with \n line ends, expected rules, envelope or None)
CASES = {
    "date-missing": (head(Date=None) + PLAIN + "\nHello.\n", ["rfc5322.date-missing"], None),
    "from-missing": (head(From=None) + PLAIN + "\nHello.\n", ["rfc5322.from-missing"], None),
    "field-repeated": (head() + "Subject: Again\n" + PLAIN + "\nHello.\n", ["rfc5322.field-repeated"], None),
    "message-id-missing": (head(Message_ID=None) + PLAIN + "\nHello.\n", ["rfc5322.message-id-missing"], None),
    "message-id-syntax": (head(Message_ID="case@example.org") + PLAIN + "\nHello.\n", ["rfc5322.message-id-syntax"], None),
    "date-syntax": (head(Date="yesterday at noon") + PLAIN + "\nHello.\n", ["rfc5322.date-syntax"], None),
    "address-syntax": (head(To="Bob <bob@>") + PLAIN + "\nHello.\n", ["rfc5322.address-syntax"], None),
    "header-syntax": (head() + "This line is not a header field\n" + PLAIN + "\nHello.\n", ["rfc5322.header-syntax"], None),
    "line-too-long": (head() + PLAIN + "\n" + "x" * 1200 + "\n", ["rfc5322.line-too-long"], None),
    "line-over-78": (head() + PLAIN + "\n" + "word " * 20 + "\n", ["rfc5322.line-over-78"], None),
    "bare-lf": (head() + PLAIN + "\nHello.\n", ["rfc5322.bare-cr-lf"], "bare"),
    "8bit-header": (head(Subject="Grüße") + PLAIN + "\nHello.\n", ["rfc6532.8bit-header"], None),
    "header-not-utf8": (head(Subject="Gr\udcfc\udcdfe") + PLAIN + "\nHello.\n", ["rfc6532.header-not-utf8"], None),
    "mime-version-missing": (head(MIME_Version=None) + PLAIN + "\nHello.\n", ["mime.version-missing"], None),
    "mime-version-value": (head(MIME_Version="2.0") + PLAIN + "\nHello.\n", ["mime.version-value"], None),
    "content-type-syntax": (head() + "Content-Type: text; charset=utf-8\n\nHello.\n", ["mime.content-type-syntax"], None),
    "boundary-missing": (head() + "Content-Type: multipart/mixed\n\n--x\n" + TEXT_PART + "--x--\n", ["mime.boundary-missing"], None),
    "boundary-syntax": (head() + 'Content-Type: multipart/mixed; boundary="' + "b" * 71 + '"\n\n--' + "b" * 71 + "\n" + TEXT_PART + "--" + "b" * 71 + "--\n",
                        ["mime.boundary-syntax", "rfc5322.line-over-78"], None),
    "boundary-not-unique": (head() + 'Content-Type: multipart/mixed; boundary="outer"\n\n--outer\n'
                            'Content-Type: multipart/alternative; boundary="outer-inner"\n\n--outer-inner\n' + TEXT_PART +
                            "--outer-inner\n" + HTML_PART + "--outer-inner--\n--outer--\n", ["mime.boundary-not-unique"], None),
    "boundary-not-found": (head() + 'Content-Type: multipart/mixed; boundary="b1"\n\n--b2\n' + TEXT_PART + "--b2--\n",
                           ["mime.boundary-not-found"], None),
    "boundary-not-closed": (head() + 'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\n' + TEXT_PART,
                            ["mime.boundary-not-closed"], None),
    "cte-unknown": (head() + PLAIN + "Content-Transfer-Encoding: x-uuencode\n\nHello.\n", ["mime.cte-unknown"], None),
    "cte-multipart": (head() + 'Content-Type: multipart/mixed; boundary="b1"\nContent-Transfer-Encoding: base64\n\n--b1\n' + TEXT_PART + "--b1--\n",
                      ["mime.cte-multipart"], None),
    "8bit-in-7bit": (head() + PLAIN + "\nGrüße.\n", ["mime.8bit-in-7bit"], None),
    "base64-alphabet": (head() + PLAIN + "Content-Transfer-Encoding: base64\n\nSGVs!bG8u\n", ["mime.base64-alphabet"], None),
    "base64-length": (head() + PLAIN + "Content-Transfer-Encoding: base64\n\nSGVsbG8\n", ["mime.base64-length"], None),
    "base64-line-length": (head() + PLAIN + "Content-Transfer-Encoding: base64\n\n" + "SGVs" * 20 + "\n", ["mime.base64-line-length", "rfc5322.line-over-78"], None),
    "qp-escape": (head() + PLAIN + "Content-Transfer-Encoding: quoted-printable\n\nHello =ZZ world.\n", ["mime.qp-escape"], None),
    "qp-line-length": (head() + PLAIN + "Content-Transfer-Encoding: quoted-printable\n\n" + "x" * 79 + "\n", ["mime.qp-line-length", "rfc5322.line-over-78"], None),
    "qp-line-over-76": (head() + PLAIN + "Content-Transfer-Encoding: quoted-printable\n\n" + "x" * 77 + "\n", ["mime.qp-line-over-76"], None),
    "charset-missing": (head() + "Content-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\nGrüße.\n", ["mime.charset-missing"], None),
    "charset-unknown": (head() + "Content-Type: text/plain; charset=x-klingon\n\nHello.\n", ["mime.charset-unknown"], None),
    "charset-undecodable": (head() + PLAIN + "Content-Transfer-Encoding: 8bit\n\nGr\udcfc\udcdfe.\n", ["mime.charset-undecodable"], None),
    "alternative-order": (alt(HTML_PART, TEXT_PART), ["mime.alternative-order"], None),
    "rfc2231-continuation": (mixed('Content-Type: application/pdf\nContent-Disposition: attachment; filename*0="a"; filename*2=".pdf"\n' + PDF),
                             ["mime.rfc2231-continuation"], None),
    "rfc2047-word-too-long": (head(Subject="=?utf-8?q?" + "a" * 70 + "?=") + PLAIN + "\nHello.\n", ["rfc2047.word-too-long", "rfc5322.line-over-78"], None),
    "rfc2047-in-quoted-string": (head(From='"=?utf-8?q?Alice?=" <alice@example.org>') + PLAIN + "\nHello.\n", ["rfc2047.in-quoted-string"], None),
    "rfc2047-in-addr-spec": (head(To="Bob <=?utf-8?q?bob?=@example.net>") + PLAIN + "\nHello.\n", ["rfc2047.in-addr-spec"], None),
    "rfc2047-in-parameter": (mixed('Content-Type: application/pdf\nContent-Disposition: attachment; filename="=?utf-8?q?=C3=9Cbersicht.pdf?="\n' + PDF),
                             ["rfc2047.in-parameter"], None),
    "rfc2047-charset-unknown": (head(Subject="=?x-klingon?q?Hello?=") + PLAIN + "\nHello.\n", ["rfc2047.charset-unknown"], None),
    "rfc2047-encoding-unknown": (head(Subject="=?utf-8?x?Hello?=") + PLAIN + "\nHello.\n", ["rfc2047.encoding-unknown"], None),
    "rfc2047-undecodable": (head(Subject="=?utf-8?b?w5?=") + PLAIN + "\nHello.\n", ["rfc2047.undecodable"], None),
    "8bit-without-8bitmime": (head() + PLAIN + "Content-Transfer-Encoding: 8bit\n\nGrüße.\n", ["env.8bit-without-8bitmime"], {"8bitmime": "false"}),
    "utf8-without-smtputf8": (head(Subject="Grüße") + PLAIN + "\nHello.\n", ["env.utf8-without-smtputf8"], {"8bitmime": "true"}),
    "bcc-leak": (head() + "Bcc: Carol <carol@example.com>\n" + PLAIN + "\nHello.\n", ["env.bcc-leak"], None),
    "bare-lf-accepted": (head() + PLAIN + "\nHello.\n", ["env.bare-lf-accepted", "rfc5322.bare-cr-lf"], "bare-env"),
    "html-without-text": (head() + "Content-Type: text/html; charset=utf-8\n\n<p>Hello.</p>\n", ["practical.html-without-text"], None),
    "html-remote-content": (alt(TEXT_PART, 'Content-Type: text/html; charset=utf-8\n\n<p>Hello.<img src="https://tracker.example.com/p.gif"></p>\n'),
                            ["practical.html-remote-content"], None),
    "html-script": (alt(TEXT_PART, "Content-Type: text/html; charset=utf-8\n\n<p>Hello.</p><script>alert(1)</script>\n"),
                    ["practical.html-script"], None),
    "attachment-no-filename": (mixed("Content-Type: application/pdf\nContent-Disposition: attachment\n" + PDF),
                               ["practical.attachment-no-filename"], None),
    # A hand-made message with many faults at once: the demo's broken message.
    "many-faults": (
        "From: =?utf-8?q?Alice?= <alice@>\nTo: Bob <bob@example.net>\nSubject: Gr\udcfc\udcdfe\nBcc: carol@example.com\n"
        "MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=b1\n\n--b1\n"
        "Content-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n<p onclick=3D\"x()\">Caf=E9 =G1</p>\n"
        "--b1\nContent-Type: text/plain\n\nCafé\n",
        ["env.bcc-leak", "mime.8bit-in-7bit", "mime.alternative-order", "mime.boundary-not-closed", "mime.charset-missing",
         "mime.charset-missing", "mime.qp-escape", "practical.html-script", "rfc5322.address-syntax", "rfc5322.date-missing",
         "rfc5322.message-id-missing", "rfc6532.header-not-utf8"], None),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "smtpcore/msg/lint/testdata/bad"
    os.makedirs(out, exist_ok=True)
    for name, (text, rules, env) in CASES.items():
        raw = text.replace("\n", "\r\n")
        if env in ("bare", "bare-env"):  # the body's line ends with a bare LF
            raw = raw.replace("\r\nHello.\r\n", "\r\nHello.\n")
        envline = ""
        if env == "bare-env":
            envline = "envelope barelf=true\n"
        elif isinstance(env, dict):
            envline = "envelope " + " ".join("%s=%s" % kv for kv in sorted(env.items())) + "\n"
        with open(os.path.join(out, name + ".eml"), "wb") as f:
            f.write(raw.encode("utf-8", "surrogateescape"))
        with open(os.path.join(out, name + ".want"), "w") as f:
            f.write(envline + "".join(r + "\n" for r in sorted(rules)))


if __name__ == "__main__":
    main()
