package msg

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// sniffLen is how much of a file http.DetectContentType looks at.
const sniffLen = 512

// attachmentNode stats the file and prepares its part header: the content
// type, the file name in Content-Type name= and Content-Disposition
// filename= (RFC 2183, RFC 2231 for non-ASCII names) and base64 encoding.
func attachmentNode(a Attachment) (*node, error) {
	f, err := os.Open(a.Path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", a.Path)
	}
	name := a.Name
	if name == "" {
		name = filepath.Base(a.Path)
	}
	name = CleanFilename(name)
	mediaType, params, err := attachmentType(a, name, f)
	if err != nil {
		return nil, err
	}
	ctParams := append(params, [2]string{"name", name})
	n := &node{file: a.Path, fileSize: st.Size()}
	n.header = rawHeader(
		mustFold("Content-Type", mediaTokens(mediaType, ctParams)),
		mustFold("Content-Disposition", mediaTokens("attachment", [][2]string{{"filename", name}})),
		mustFold("Content-Transfer-Encoding", []string{cteBase64}),
	)
	return n, nil
}

// attachmentType decides the media type: as given; else from the extension
// (mime.TypeByExtension); else by sniffing the first 512 bytes
// (http.DetectContentType, the WHATWG MIME Sniffing algorithm).
func attachmentType(a Attachment, name string, f io.Reader) (string, [][2]string, error) {
	ct := a.ContentType
	if ct == "" {
		ct = mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
	}
	if ct == "" {
		buf := make([]byte, sniffLen)
		n, err := io.ReadFull(f, buf)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return "", nil, err
		}
		ct = http.DetectContentType(buf[:n])
	}
	mt, params, err := parseContentType(ct)
	if err != nil {
		return "", nil, err
	}
	return mt, params, nil
}

// parseContentType parses a media type with parameters (RFC 2045 §5.1) into
// a lower-case type and its parameters sorted by name, without any "name"
// parameter (the file name is set separately).
func parseContentType(ct string) (string, [][2]string, error) {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", nil, fmt.Errorf("content type %q: %w", ct, err)
	}
	if !strings.Contains(mt, "/") || strings.HasPrefix(mt, "multipart/") {
		return "", nil, fmt.Errorf("content type %q: not a single-part media type", ct)
	}
	var out [][2]string
	for k, v := range params {
		if k != "name" {
			out = append(out, [2]string{k, v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return mt, out, nil
}
