package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"letterbox/server/store"
	"letterbox/smtpcore"
	"letterbox/smtpcore/msg"
)

// Detail is one message as `inbox show --json` prints it: the Item fields,
// then the decoded header, the bodies, the MIME parts and the session record.
type Detail struct {
	*Item
	Headers []Header      `json:"headers"`
	Text    string        `json:"text"`
	HTML    string        `json:"html"`
	Parts   []Part        `json:"parts"`
	Record  *store.Record `json:"record"` // null for mail another tool dropped in
}

// Header is one top-level header field, RFC 2047 decoded and unfolded.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Part is one MIME entity; Path is what --part takes.
type Part struct {
	Path        string `json:"path"`
	Type        string `json:"type"`
	Charset     string `json:"charset,omitempty"`
	Filename    string `json:"filename,omitempty"`
	Disposition string `json:"disposition,omitempty"`
	Size        int64  `json:"size"`
}

// inboxShow runs `letterbox inbox show ID`.
func inboxShow(dir string, args []string, env Env) error {
	fs := newFlagSet("letterbox inbox", "letterbox inbox [--store DIR] show ID [--json | --raw | --text | --html | --part PATH --output FILE]", env.Stderr)
	asJSON := fs.Bool("json", false, "print the message as JSON (see the README)")
	raw := fs.Bool("raw", false, "print the message exactly as stored (escaped on a terminal)")
	text := fs.Bool("text", false, "print the text body (from the HTML when there is no text part)")
	html := fs.Bool("html", false, "print the HTML body as sent (unsanitised; escaped on a terminal)")
	part := fs.String("part", "", "write the decoded bytes of the part at `PATH` (see show --json) to --output")
	output := fs.String("output", "", "`file` for --part; - is standard output")
	ids, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(ids) != 1 {
		return fail(ExitUsage, "give exactly one message id")
	}
	modes := 0
	for _, b := range []bool{*asJSON, *raw, *text, *html, *part != ""} {
		if b {
			modes++
		}
	}
	if modes > 1 || (*part != "") != (*output != "") {
		return fail(ExitUsage, "use one of --json, --raw, --text, --html, --part PATH --output FILE")
	}
	st, err := openStore(dir, false)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := st.Get(ids[0])
	if err != nil {
		return notFound(ids[0], err)
	}
	it, err := loadItem(st, sum)
	if err != nil {
		return notFound(ids[0], err)
	}
	switch {
	case *asJSON:
		return writeJSON(env.Stdout, newDetail(it))
	case *raw:
		return writePeer(env.Stdout, it.raw)
	case *text:
		return writePeer(env.Stdout, withNewline(it.view.Text))
	case *html:
		return writePeer(env.Stdout, withNewline(it.view.HTML))
	case *part != "":
		return extractPart(it, *part, *output, env.Stdout)
	}
	printMessage(env.Stdout, it, -1)
	return nil
}

func newDetail(it *Item) *Detail {
	d := &Detail{Item: it, Text: it.view.Text, HTML: it.view.HTML, Record: it.record, Headers: []Header{}, Parts: []Part{}}
	for _, h := range it.view.Header {
		d.Headers = append(d.Headers, Header{Name: h[0], Value: h[1]})
	}
	for _, p := range it.view.Parts {
		d.Parts = append(d.Parts, Part{Path: p.Path, Type: p.ContentType, Charset: p.Charset, Filename: p.Filename, Disposition: p.Disposition, Size: p.Size})
	}
	return d
}

// withNewline ends a non-empty body with a line break, for the shell.
func withNewline(s string) []byte {
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return []byte(s)
}

// writePeer writes bytes a peer sent: as they are into a pipe or file, with
// control characters escaped on a terminal.
func writePeer(w io.Writer, b []byte) error {
	if isTerminal(w) {
		_, err := io.WriteString(w, CleanBlock(string(b)))
		return err
	}
	_, err := w.Write(b)
	return err
}

// extractPart writes the transfer-decoded part to file ("-" = w). A file is
// created new; an existing file is not overwritten.
func extractPart(it *Item, path, file string, w io.Writer) error {
	if file == "-" {
		if isTerminal(w) {
			return fail(ExitUsage, "not writing a binary part to a terminal; give --output FILE")
		}
		if err := msg.ExtractPart(bytes.NewReader(it.raw), path, w); err != nil {
			return fail(ExitNotFound, "part %s: %v", Clean(path), err)
		}
		return nil
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	if err := msg.ExtractPart(bytes.NewReader(it.raw), path, f); err != nil {
		f.Close()
		os.Remove(file)
		return fail(ExitNotFound, "part %s: %v", Clean(path), err)
	}
	return f.Close()
}

// printMessage prints a message for a person: header, envelope, attachments,
// findings, then the text (at most maxLines lines; -1 = all).
func printMessage(w io.Writer, it *Item, maxLines int) {
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-9s %s\n", k+":", Clean(v))
		}
	}
	line("From", it.From)
	line("To", strings.Join(it.To, ", "))
	line("Cc", strings.Join(it.Cc, ", "))
	line("Subject", it.Subject)
	if it.Date != nil {
		line("Date", it.Date.Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	}
	if it.record != nil {
		from := it.EnvelopeFrom
		if from == "" {
			from = "<>"
		}
		line("Envelope", fmt.Sprintf("MAIL FROM %s, RCPT TO %s", from, strings.Join(it.EnvelopeTo, ", ")))
	}
	line("Id", it.ID)
	for _, a := range it.Attachments {
		name := a.Name
		if name == "" {
			name = "(no name)"
		}
		line("Attached", fmt.Sprintf("%s (%s, %s)", name, a.Type, smtpcore.FormatSize(a.Size)))
	}
	c := it.Findings
	line("Findings", fmt.Sprintf("%d error(s), %d warning(s), %d info (letterbox inbox lint %s)", c.Error, c.Warning, c.Info, it.ID))
	fmt.Fprintln(w)
	text := CleanBlock(it.view.Text)
	lines := bytes.Split([]byte(text), []byte("\n"))
	for i, l := range lines {
		if maxLines >= 0 && i >= maxLines {
			fmt.Fprintf(w, "… (%d more lines)\n", len(lines)-i)
			break
		}
		if i == len(lines)-1 && len(l) == 0 {
			break
		}
		fmt.Fprintf(w, "%s\n", l)
	}
}
