#!/usr/bin/env python3
"""Writes the reading corpus: smtpcore/msg/testdata/corpus/NAME.eml, each
with NAME.json holding what a reader must see (From, To, Cc, Subject,
attachment names, a piece of the body text).

The messages are made with Python's own codecs, not with the Go code under
test, so the expectations are an independent oracle. The .eml files are
committed; run this again only to change the corpus:

    python3 scripts/gen_corpus.py
"""
import base64
import json
import os
import quopri

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "smtpcore", "msg", "testdata", "corpus")

# label -> (Python codec, sample set)
CHARSETS = [
    ("utf-8", "utf-8", "utf8"),
    ("iso-2022-jp", "iso2022_jp", "ja"), ("shift_jis", "shift_jis", "ja"), ("euc-jp", "euc_jp", "ja"),
    ("euc-kr", "euc_kr", "ko"), ("ks_c_5601-1987", "euc_kr", "ko"),
    ("gb2312", "gb2312", "zhcn"), ("gbk", "gbk", "zhcn"), ("gb18030", "gb18030", "zhcn18030"),
    ("big5", "big5", "zhtw"),
    ("koi8-r", "koi8_r", "ru"), ("koi8-u", "koi8_u", "uk"),
    ("windows-1250", "cp1250", "cs"), ("windows-1251", "cp1251", "ru"), ("windows-1252", "cp1252", "w1252"),
    ("windows-1253", "cp1253", "el"), ("windows-1254", "cp1254", "tr"), ("windows-1255", "cp1255", "he"),
    ("windows-1256", "cp1256", "ar"), ("windows-1257", "cp1257", "lt"), ("windows-1258", "cp1258", "vi"),
    ("windows-874", "cp874", "th"),
    ("iso-8859-1", "iso8859_1", "latin1"), ("iso-8859-2", "iso8859_2", "cs"), ("iso-8859-3", "iso8859_3", "mt"),
    ("iso-8859-4", "iso8859_4", "lt"), ("iso-8859-5", "iso8859_5", "ru"), ("iso-8859-6", "iso8859_6", "ar"),
    ("iso-8859-7", "iso8859_7", "el"), ("iso-8859-8", "iso8859_8", "he"), ("iso-8859-9", "iso8859_9", "tr"),
    ("iso-8859-10", "iso8859_10", "is"), ("iso-8859-11", "iso8859_11", "th"), ("iso-8859-13", "iso8859_13", "lt"),
    ("iso-8859-14", "iso8859_14", "cy"), ("iso-8859-15", "iso8859_15", "latin9"), ("iso-8859-16", "iso8859_16", "ro"),
]

# sample set -> subject, sender name, recipient name, body, two file name stems
SAMPLES = {
    "utf8": ("UTF-8: 日本語, русский, ελληνικά 🎉", "Zoë Ångström", "Łukasz Żółć", "Grüße, привет, 你好 — 🎉 done.", "résumé 📎", "日本語"),
    "ja": ("日本語の件名です", "山田太郎", "鈴木花子", "こんにちは、世界。日本語の本文です。", "報告書", "見積もり"),
    "ko": ("한국어 제목입니다", "홍길동", "김철수", "안녕하세요, 세계. 한국어 본문입니다.", "보고서", "견적서"),
    "zhcn": ("中文主题测试", "张伟", "王芳", "你好，世界。这是中文正文。", "报告", "报价单"),
    "zhcn18030": ("中文主题测试 €", "张伟", "王芳", "你好，世界。这是中文正文 €。", "报告", "报价单"),
    "zhtw": ("中文主題測試", "陳大文", "林小美", "你好，世界。這是中文內文。", "報告", "報價單"),
    "ru": ("Тема письма по-русски", "Иван Петров", "Ольга Смирнова", "Привет, мир! Это русский текст, ёжик.", "Отчёт", "Счёт"),
    "uk": ("Тема листа українською", "Тарас Шевченко", "Леся Українка", "Привіт, світе! Це український текст: ґ є ї.", "Звіт", "Рахунок"),
    "cs": ("Příliš žluťoučký kůň", "Jiří Novák", "Zuzana Dvořáková", "Příliš žluťoučký kůň úpěl ďábelské ódy.", "Zpráva", "Faktura č. 5"),
    "w1252": ("“Café” für 5 €", "François Müller", "Øystein Åberg", "Grüße aus Köln — ça va? 5 € ‰", "Résumé", "Façade"),
    "latin1": ("Café crème à la carte", "François Müller", "Øystein Åberg", "Grüße aus Köln, ça va?", "Résumé", "Façade"),
    "latin9": ("Prix : 5 € le café", "Œdipe Roi", "Šárka Žák", "Ça coûte 5 €, Œuvre.", "Facture €", "Reçu"),
    "el": ("Καλημέρα κόσμε", "Γιώργος Παπαδόπουλος", "Ελένη Νικολάου", "Γεια σου κόσμε! Ελληνικό κείμενο.", "Αναφορά", "Τιμολόγιο"),
    "tr": ("Günaydın dünya", "Ayşe Yılmaz", "Mehmet Öztürk", "Merhaba dünya! Türkçe metin: ğüşıöç.", "Rapor şablonu", "Fatura"),
    "he": ("שלום עולם", "דוד כהן", "שרה לוי", "שלום עולם! טקסט בעברית.", "דוח", "חשבונית"),
    "ar": ("مرحبا بالعالم", "محمد علي", "فاطمة حسن", "مرحبا بالعالم! نص عربي.", "تقرير", "فاتورة"),
    "lt": ("Ąžuolas ir šuo", "Jonas Žukauskas", "Rūta Šimkutė", "Labas, pasauli! Ąčęėįšųūž.", "Ataskaita", "Sąskaita"),
    "vi": ("Xin chào", "Lê Văn Tám", "Trương Văn Ba", "Xin chào, tôi là Tám.", "Báo cáo", "Hóa đơn"),
    "th": ("สวัสดีชาวโลก", "สมชาย ใจดี", "สมหญิง รักไทย", "สวัสดีชาวโลก ข้อความภาษาไทย", "รายงาน", "ใบแจ้งหนี้"),
    "mt": ("Ħal Għargħur", "Ġużeppi Borg", "Marija Camilleri", "Merħba lid-dinja! Ċ ġ ħ ż.", "Rapport", "Fattura"),
    "is": ("Góðan daginn", "Þórður Guðmundsson", "Sigríður Jónsdóttir", "Halló heimur! Íslenskur texti: þ ð æ ö.", "Skýrsla", "Reikningur"),
    "cy": ("Bore da, Ŵyn", "Siôn Ŷwain", "Gwenllïan", "Helô byd! Testun Cymraeg: ŵ ŷ.", "Adroddiad", "Anfoneb"),
    "ro": ("Știință și tehnică", "Ștefan Țurcanu", "Ioana Mureșan", "Salut, lume! Text românesc: ăâîșț.", "Raport", "Factură"),
}

DATE = "Mon, 30 Nov 2026 12:00:00 +0000"


def bword(label, codec, text):
    return "=?%s?B?%s?=" % (label, base64.b64encode(text.encode(codec)).decode())


def qword(label, codec, text):
    out = []
    for b in text.encode(codec):
        c = chr(b)
        if c == " ":
            out.append("_")
        elif c.isalnum() and b < 0x80:
            out.append(c)
        else:
            out.append("=%02X" % b)
    return "=?%s?Q?%s?=" % (label, "".join(out))


def words(label, codec, text, q=False):
    """Encoded words of at most ~20 characters each, split between
    characters, one per folded line (RFC 2047 §2: 75 octets a word)."""
    enc = qword if q else bword
    parts, cur = [], ""
    for ch in text:
        if len(cur) >= 12:
            parts.append(cur)
            cur = ""
        cur += ch
    parts.append(cur)
    return "\r\n ".join(enc(label, codec, p) for p in parts)


def pct(b):
    return "".join(chr(c) if (c < 0x80 and (chr(c).isalnum() or chr(c) in "-._")) else "%%%02X" % c for c in b)


def b64lines(b):
    s = base64.b64encode(b).decode()
    return "\r\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def crlf(s):
    return s.replace("\r\n", "\n").replace("\n", "\r\n")


def write(name, eml, expect):
    with open(os.path.join(OUT, name + ".eml"), "wb") as f:
        f.write(eml if isinstance(eml, bytes) else eml.encode("ascii"))
    with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(expect, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


def charset_message(i, label, codec, sample):
    subject, sender, rcpt, body, f1, f2 = SAMPLES[sample]
    slug = label.replace("_", "-")
    q = i % 2 == 1  # every other message uses Q words
    if codec == "iso2022_jp":
        cte, encoded = "7bit", crlf(body.encode(codec).decode("ascii") + "\n")
    elif i % 3 == 0:
        cte, encoded = "base64", b64lines(body.encode(codec))
    elif i % 3 == 1:
        cte, encoded = "quoted-printable", crlf(quopri.encodestring(body.encode(codec) + b"\n").decode("ascii"))
    else:
        cte, encoded = "8bit", None
    name1, name2 = f1 + ".pdf", f2 + ".txt"
    n2 = name2.encode(codec)
    cut = len(n2) // 2  # an RFC 2231 continuation may split a character: octets are joined first
    head = crlf(
        "From: %s <sender@example.test>\n"
        "To: %s <rcpt@example.test>, plain@example.test\n"
        "Cc: %s <cc@example.test>\n"
        "Subject: %s\n"
        "Date: %s\n"
        "Message-ID: <%s@corpus.example.test>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"=-%s-=\"\n\n"
        "This is a multi-part message in MIME format.\n"
        "--=-%s-=\n"
        "Content-Type: text/plain; charset=%s\n"
        "Content-Transfer-Encoding: %s\n\n"
        % (words(label, codec, sender, q), words(label, codec, rcpt, not q), bword(label, codec, sender),
           words(label, codec, subject, q), DATE, slug, slug, slug, label, cte))
    tail = crlf(
        "\n--=-%s-=\n"
        "Content-Type: application/pdf; name=\"%s\"\n"
        "Content-Disposition: attachment; filename=\"%s\"\n"
        "Content-Transfer-Encoding: base64\n\n"
        "JVBERi0xLjQKJSVFT0YK\n"
        "--=-%s-=\n"
        "Content-Type: text/plain; charset=%s\n"
        "Content-Disposition: attachment;\n filename*0*=%s''%s;\n filename*1*=%s\n"
        "Content-Transfer-Encoding: base64\n\n"
        "%s\n"
        "--=-%s-=--\n"
        % (slug, bword(label, codec, name1), bword(label, codec, name1), slug, label, label, pct(n2[:cut]),
           pct(n2[cut:]), b64lines(body.encode(codec)), slug))
    raw = head.encode("ascii") + (body.encode(codec) + b"\r\n" if encoded is None else encoded.encode("ascii"))
    raw += tail.encode("ascii")
    write("charset-" + slug, raw, {
        "from": [sender + " <sender@example.test>"],
        "to": [rcpt + " <rcpt@example.test>", "plain@example.test"],
        "cc": [sender + " <cc@example.test>"],
        "subject": subject,
        "attachments": [name1, name2],
        "body": body,
    })


def special_messages():
    png = b64lines(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="))
    write("nested", crlf(
        "From: Nest <nest@example.test>\nTo: a@example.test\nSubject: Nested multiparts\nDate: %s\n"
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=outer\n\n"
        "--outer\nContent-Type: multipart/alternative; boundary=alt\n\n"
        "--alt\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
        "The plain part, caf=C3=A9 included.\n"
        "--alt\nContent-Type: multipart/related; boundary=rel\n\n"
        "--rel\nContent-Type: text/html; charset=utf-8\n\n<p>The <b>HTML</b> part <img src=\"cid:logo@x\"></p>\n"
        "--rel\nContent-Type: image/png; name=logo.png\nContent-ID: <logo@x>\nContent-Disposition: inline\n"
        "Content-Transfer-Encoding: base64\n\n%s\n--rel--\n\n--alt--\n"
        "--outer\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=report.pdf\n"
        "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKJSVFT0YK\n"
        "--outer\nContent-Type: message/rfc822; name=forwarded.eml\nContent-Disposition: attachment; filename=forwarded.eml\n\n"
        "From: inner@example.test\nSubject: =?utf-8?q?inner_m=C3=A9ssage?=\n\nInner body.\n"
        "--outer--\n" % (DATE, png)), {
        "from": ["Nest <nest@example.test>"], "to": ["a@example.test"], "cc": [],
        "subject": "Nested multiparts", "attachments": ["logo.png", "report.pdf", "forwarded.eml"],
        "body": "The plain part, café included."})

    write("missing-charset-utf8", crlf(
        "From: Zoë Ångström <zoe@example.test>\nTo: Łukasz <l@example.test>\nSubject: RFC 6532: naïve café ☕\n"
        "Date: %s\nMIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\n"
        "No charset, but UTF-8: Grüße ☕.\n" % DATE).encode("utf-8"), {
        "from": ["Zoë Ångström <zoe@example.test>"], "to": ["Łukasz <l@example.test>"], "cc": [],
        "subject": "RFC 6532: naïve café ☕", "attachments": [], "body": "No charset, but UTF-8: Grüße ☕."})

    write("missing-charset-latin1", crlf(
        "From: Fran\xe7ois <f@example.test>\nTo: a@example.test\nSubject: Caf\xe9 \x80 5\n"
        "Date: %s\nContent-Transfer-Encoding: 8bit\n\nNo charset, 8-bit Windows-1252: \x93caf\xe9\x94 \x80 5.\n" % DATE
    ).encode("latin-1"), {
        "from": ["François <f@example.test>"], "to": ["a@example.test"], "cc": [],
        "subject": "Café € 5", "attachments": [], "body": "No charset, 8-bit Windows-1252: “café” € 5."})

    write("wrong-charset", crlf(
        "From: a@example.test\nTo: b@example.test\nSubject: =?us-ascii?Q?caf=C3=A9?= =?utf-8?Q?_na=EFve?=\n"
        "Date: %s\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=w\n\n"
        "--w\nContent-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 8bit\n\n"
        "Labelled US-ASCII, written in UTF-8: Grüße.\n"
        "--w\nContent-Type: text/plain; charset=utf-8; name=latin1.txt\nContent-Disposition: attachment\n"
        "Content-Transfer-Encoding: quoted-printable\n\nLabelled UTF-8, written in Latin-1: Gr=FC=DFe.\n--w--\n" % DATE
    ).encode("utf-8"), {
        "from": ["a@example.test"], "to": ["b@example.test"], "cc": [],
        "subject": "café naïve", "attachments": ["latin1.txt"], "body": "Labelled US-ASCII, written in UTF-8: Grüße."})

    write("8bit-headers-koi8r", crlf(
        "From: \u0418\u0432\u0430\u043d <ivan@example.test>\nTo: \u041e\u043b\u044c\u0433\u0430 <olga@example.test>\n"
        "Subject: \u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440\nDate: %s\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: 8bit\n\n"
        "\u0422\u0435\u043a\u0441\u0442 \u0432 KOI8-R, \u0437\u0430\u0433\u043e\u043b\u043e\u0432\u043a\u0438 \u0442\u043e\u0436\u0435.\n"
        % DATE).encode("koi8_r"), {
        "from": ["Иван <ivan@example.test>"], "to": ["Ольга <olga@example.test>"], "cc": [],
        "subject": "Привет, мир", "attachments": [], "body": "Текст в KOI8-R, заголовки тоже."})

    write("broken-boundary-unclosed", crlf(
        "From: a@example.test\nTo: b@example.test\nSubject: Unclosed multipart\nDate: %s\n"
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=cut\n\n"
        "--cut\nContent-Type: text/plain; charset=utf-8\n\nThe text before the cut.\n"
        "--cut\nContent-Type: application/zip\nContent-Disposition: attachment; filename=\"half.zip\"\n"
        "Content-Transfer-Encoding: base64\n\nUEsDBAoAAAAAA\n" % DATE), {
        "from": ["a@example.test"], "to": ["b@example.test"], "cc": [],
        "subject": "Unclosed multipart", "attachments": ["half.zip"], "body": "The text before the cut."})

    write("broken-boundary-missing", crlf(
        "From: a@example.test\nTo: b@example.test\nSubject: Boundary never used\nDate: %s\n"
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=declared\n\n"
        "--other\nContent-Type: text/plain\n\nThe text under a boundary that was never declared.\n--other--\n" % DATE), {
        "from": ["a@example.test"], "to": ["b@example.test"], "cc": [],
        "subject": "Boundary never used", "attachments": [],
        "body": "The text under a boundary that was never declared."})

    long_name = "Ein sehr langer Dateiname für die Übergabe des Quartalsberichts 2026.pdf"
    b = long_name.encode("utf-8")
    secs = [b[i:i + 20] for i in range(0, len(b), 20)]
    cont = ";\n".join(" filename*%d*=%s%s" % (n, "utf-8'de'" if n == 0 else "", pct(s)) for n, s in enumerate(secs))
    write("rfc2231-continuations", crlf(
        "From: a@example.test\nTo: b@example.test\nSubject: RFC 2231 continuations\nDate: %s\n"
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=c\n\n"
        "--c\nContent-Type: text/plain; charset=utf-8\n\nTwo attachments with long names.\n"
        "--c\nContent-Type: application/pdf\nContent-Disposition: attachment;\n%s\n"
        "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKJSVFT0YK\n"
        "--c\nContent-Type: text/plain;\n name*0=\"plain continuation \";\n name*1=\"without a charset.txt\"\n"
        "Content-Disposition: attachment\n\nx\n"
        "--c\nContent-Type: text/plain\nContent-Disposition: attachment;\n filename*0*=iso-8859-1''Gr%%FC;\n"
        " filename*1=\"sse an \";\n filename*2*=%%C9mile.txt\n\ny\n--c--\n" % (DATE, cont)), {
        "from": ["a@example.test"], "to": ["b@example.test"], "cc": [], "subject": "RFC 2231 continuations",
        "attachments": [long_name, "plain continuation without a charset.txt", "Grüsse an Émile.txt"],
        "body": "Two attachments with long names."})

    write("html-only", crlf(
        "From: News <news@example.test>\nTo: reader@example.test\nSubject: =?utf-8?q?HTML_only_=E2=80=94_newsletter?=\n"
        "Date: %s\nMIME-Version: 1.0\nContent-Type: text/html; charset=windows-1252\nContent-Transfer-Encoding: quoted-printable\n\n"
        "<html><head><title>hidden title</title><style>p{color:red}</style><script>alert(1)</script></head>\n"
        "<body><h1>Caf=E9 &amp; cr&egrave;me</h1><p>Price: 5 =80 =96 see <a href=3D\"https://example.test/\">the site</a>.</p>\n"
        "</body></html>\n" % DATE), {
        "from": ["News <news@example.test>"], "to": ["reader@example.test"], "cc": [],
        "subject": "HTML only — newsletter", "attachments": [], "body": "Café & crème"})

    write("inline-images", crlf(
        "From: a@example.test\nTo: b@example.test\nSubject: Inline images\nDate: %s\n"
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m\n\n"
        "--m\nContent-Type: multipart/related; boundary=r; type=\"text/html\"\n\n"
        "--r\nContent-Type: text/html; charset=utf-8\n\n<p>Logo: <img src=\"cid:one@example.test\"> and "
        "<img src=\"cid:two@example.test\"> and <img src=\"https://example.test/remote.png\"></p>\n"
        "--r\nContent-Type: image/png\nContent-ID: <one@example.test>\nContent-Transfer-Encoding: base64\n\n%s\n"
        "--r\nContent-Type: image/png; name=\"two.png\"\nContent-ID: <two@example.test>\nContent-Disposition: inline; filename=\"two.png\"\n"
        "Content-Transfer-Encoding: base64\n\n%s\n--r--\n"
        "--m\nContent-Type: image/png; name=photo.png\nContent-Disposition: attachment; filename=photo.png\n"
        "Content-Transfer-Encoding: base64\n\n%s\n--m--\n" % (DATE, png, png, png)), {
        "from": ["a@example.test"], "to": ["b@example.test"], "cc": [], "subject": "Inline images",
        "attachments": ["", "two.png", "photo.png"], "body": "Logo:"})

    ja = "日本語の長い件名を分割します".encode("iso2022_jp")
    u8 = "Ünïcödé split".encode("utf-8")
    write("split-words", crlf(
        "From: \"=?utf-8?q?J=C3=BCrgen_M=C3=BCller?=\" <j@example.test>\nTo: =?utf-8?b?%s?= =?utf-8?b?%s?= <k@example.test>\n"
        "Subject: Re:=?utf-8?b?%s?=\n =?utf-8?b?%s?= =?iso-2022-jp?b?%s?=\n =?ISO-2022-JP?B?%s?=\nDate: %s\n\nbody\n"
        % (base64.b64encode("Kő".encode()[:2]).decode(), base64.b64encode("Kő".encode()[2:]).decode(),
           base64.b64encode(u8[:2]).decode().rstrip("="), base64.b64encode(u8[2:]).decode(),
           base64.b64encode(ja[:12]).decode(), base64.b64encode(ja[12:]).decode(), DATE)), {
        "from": ["Jürgen Müller <j@example.test>"], "to": ["Kő <k@example.test>"], "cc": [],
        "subject": "Re:Ünïcödé split日本語の長い件名を分割します", "attachments": [], "body": "body"})


def main():
    os.makedirs(OUT, exist_ok=True)
    for i, (label, codec, sample) in enumerate(CHARSETS):
        charset_message(i, label, codec, sample)
    special_messages()


if __name__ == "__main__":
    main()
