package msg

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// ReadLimits bounds the work and memory of reading one message. A zero
// field means its default.
type ReadLimits struct {
	MaxDepth       int // multipart nesting followed; deeper entities are opaque (default 32)
	MaxParts       int // entities read; the rest is skipped (default 1000)
	MaxTextBytes   int // octets kept of the text and of the HTML body each (default 4 MiB)
	MaxHeaderBytes int // octets of one header section kept (default 1 MiB)
}

func (l ReadLimits) withDefaults() ReadLimits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = 32
	}
	if l.MaxParts <= 0 {
		l.MaxParts = 1000
	}
	if l.MaxTextBytes <= 0 {
		l.MaxTextBytes = 4 << 20
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = 1 << 20
	}
	return l
}

// Part describes one MIME entity (RFC 2045, RFC 2046).
type Part struct {
	Path        string      // IMAP-style section: "1", "1.2"; the root multipart is ""
	ContentType string      // lower-case media type, "text/plain" when absent or unparsable
	Charset     string      // charset parameter as given, "" if none
	Filename    string      // cleaned with CleanFilename; "" when the part has no name
	Disposition string      // "inline", "attachment" or "" (RFC 2183)
	Size        int64       // octets after transfer decoding; 0 for multipart entities
	ContentID   string      // Content-ID as written, with angle brackets (RFC 2392); "" if none
	Header      [][2]string // the part's fields in order, decoded for display
}

// errStop ends a walk early (ExtractPart found its part).
var errStop = errors.New("stop")

// walker reads a message entity by entity, depth first, in tree order.
type walker struct {
	lim   ReadLimits
	errs  []error
	parts int
	// visit gets every entity; body is the transfer-decoded body of a leaf
	// (nil for a multipart entity) and must be read or left, never kept.
	visit func(p *Part, body io.Reader) error
	// capture, if set, receives the root multipart body's raw bytes until
	// its first part is found, for a view of a message whose boundary is
	// broken.
	capture *capped
	// hint is the charset of the message's text (the top-level
	// Content-Type's, else the first text part's): raw 8-bit header text
	// that is not UTF-8 is read in it.
	hint string
	// noHeaders leaves Part.Header empty (Summarize does not need it).
	noHeaders bool
}

func (w *walker) note(path string, err error) {
	if err == nil || errors.Is(err, errStop) {
		return
	}
	if path != "" {
		err = fmt.Errorf("part %s: %w", path, err)
	}
	w.errs = append(w.errs, err)
}

// walkMessage reads the top-level header and walks the body.
func (w *walker) walkMessage(r io.Reader) (textproto.Header, error) {
	br := bufio.NewReader(r)
	h, err := readHeaderLimited(br, w.lim.MaxHeaderBytes)
	w.note("", err)
	err = w.entity(h, br, "", 0)
	if errors.Is(err, errStop) {
		return h, nil
	}
	return h, err
}

func childPath(parent string, i int) string {
	if parent == "" {
		return strconv.Itoa(i)
	}
	return parent + "." + strconv.Itoa(i)
}

// entity walks one entity. It returns only errStop or an error of visit;
// damage in the message is noted and walking goes on.
func (w *walker) entity(h textproto.Header, body io.Reader, path string, depth int) error {
	w.parts++
	if w.parts > w.lim.MaxParts {
		if w.parts == w.lim.MaxParts+1 {
			w.note("", fmt.Errorf("more than %d MIME parts: the rest are not shown", w.lim.MaxParts))
		}
		return nil
	}
	p, params := describe(h, path, w)
	if strings.HasPrefix(p.ContentType, "multipart/") {
		if depth >= w.lim.MaxDepth {
			w.note(path, fmt.Errorf("nested deeper than %d levels: shown as an opaque part", w.lim.MaxDepth))
		} else if params["boundary"] == "" {
			w.note(path, errors.New("multipart without a boundary: shown as text"))
			p.ContentType = "text/plain"
		} else {
			if p.Path == "1" && depth == 0 {
				p.Path = ""
			}
			return w.multipart(p, body, params["boundary"], depth)
		}
	}
	dec, b64, err := transferDecoder(h.Get("Content-Transfer-Encoding"), body)
	w.note(path, err)
	cr := &errReader{r: dec}
	err = w.visit(p, cr)
	w.note(p.Path, cr.err)
	if b64 != nil && b64.garbage > 0 {
		w.note(p.Path, fmt.Errorf("%d characters that are not base64 were skipped", b64.garbage))
	}
	if errors.Is(err, errStop) {
		return err
	}
	w.note(p.Path, err)
	return nil
}

// multipart walks the children of a multipart entity (RFC 2046 §5.1) with
// go-message's tolerant multipart reader.
func (w *walker) multipart(p *Part, body io.Reader, boundary string, depth int) error {
	if err := w.visit(p, nil); err != nil {
		return err
	}
	if depth == 0 && w.capture != nil {
		body = io.TeeReader(body, w.capture)
	}
	mr := textproto.NewMultipartReader(body, boundary)
	for i := 1; ; i++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			w.note(p.Path, fmt.Errorf("broken multipart structure: %w", err))
			break
		}
		if depth == 0 && w.capture != nil {
			w.capture.stop = true
		}
		if err := w.entity(part.Header, part, childPath(p.Path, i), depth+1); err != nil {
			return err
		}
	}
	// Whatever follows (epilogue, or everything after a broken boundary)
	// is read so the parent can continue.
	_, err := io.Copy(io.Discard, body)
	w.note(p.Path, err)
	return nil
}

// describe builds the Part for an entity header, noting unparsable fields.
// Parameters are read with parseMediaParams (RFC 2045 §5.1, RFC 2231); the
// file name is Content-Disposition filename= (RFC 2183 §2.3), else the
// older Content-Type name=, RFC 2047 words in it decoded as most mailers
// expect although RFC 2047 §5 does not allow them there.
func describe(h textproto.Header, path string, w *walker) (*Part, map[string]string) {
	top := path == ""
	if top {
		path = "1"
	}
	// RFC 2045 §5.2: no (usable) Content-Type means text/plain.
	mt, params := "text/plain", map[string]string{}
	if ct := h.Get("Content-Type"); ct != "" {
		t, ps, err := parseMediaParams(ct)
		if err != nil {
			w.note(path, fmt.Errorf("Content-Type %q: %w", ct, err))
		}
		params = ps
		if strings.Count(t, "/") == 1 {
			mt = t
		}
	}
	// The hint is the top-level charset (whatever the type), else the
	// first text part's.
	if cs := params["charset"]; cs != "" && w.hint == "" && (top || strings.HasPrefix(mt, "text/")) {
		w.hint = cs
	}
	p := &Part{Path: path, ContentType: mt, Charset: params["charset"]}
	hint := params["charset"]
	if hint == "" {
		hint = w.hint
	}
	if !w.noHeaders {
		p.Header = displayHeader(h, hint)
	}
	p.ContentID = strings.TrimSpace(h.Get("Content-Id"))
	var dparams map[string]string
	if cd := h.Get("Content-Disposition"); cd != "" {
		disp, ps, err := parseMediaParams(cd)
		if err != nil {
			w.note(path, fmt.Errorf("Content-Disposition %q: %w", cd, err))
		}
		p.Disposition = disp
		dparams = ps
	}
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	if name != "" {
		p.Filename = CleanFilename(decodeHeaderHint(name, hint))
	}
	return p, params
}

// displayHeader lists the fields in order, decoded with decodeHeaderHint.
func displayHeader(h textproto.Header, hint string) [][2]string {
	var out [][2]string
	for f := h.Fields(); f.Next(); {
		out = append(out, [2]string{f.Key(), decodeHeaderHint(f.Value(), hint)})
	}
	return out
}

// errReader remembers the first read error other than EOF and turns it into
// EOF, so a damaged body gives what could be decoded.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, io.EOF
	}
	n, err := e.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		e.err = err
		return n, io.EOF
	}
	return n, err
}

// capped keeps up to limit octets written to it, until stopped.
type capped struct {
	buf   []byte
	limit int
	stop  bool
}

func (c *capped) Write(p []byte) (int, error) {
	if !c.stop && len(c.buf) < c.limit {
		c.buf = append(c.buf, p[:min(len(p), c.limit-len(c.buf))]...)
	}
	return len(p), nil
}
