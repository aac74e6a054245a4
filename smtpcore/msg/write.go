package msg

import (
	"fmt"
	"io"
	"os"

	"github.com/emersion/go-message/textproto"
)

// write writes the whole message to w. With dry set, attachment bodies are
// not read: their encoded length is added to dry instead (dry is the same
// counter as w).
func (m *Message) write(w io.Writer, dry *counter) error {
	if err := textproto.WriteHeader(w, m.header); err != nil {
		return err
	}
	return m.root.writeBody(w, dry)
}

// writeBody writes the entity's body; multipart entities through
// go-message's MultipartWriter, which frames each part (RFC 2046 §5.1.1).
func (n *node) writeBody(w io.Writer, dry *counter) error {
	switch {
	case n.children != nil:
		mw := textproto.NewMultipartWriter(w)
		if err := mw.SetBoundary(n.boundary); err != nil {
			return err
		}
		for _, c := range n.children {
			pw, err := mw.CreatePart(c.header)
			if err != nil {
				return err
			}
			if err := c.writeBody(pw, dry); err != nil {
				return err
			}
		}
		return mw.Close()
	case n.file != "":
		if dry != nil {
			dry.n += base64Len(n.fileSize)
			return nil
		}
		return n.streamFile(w)
	default:
		_, err := w.Write(n.body)
		return err
	}
}

func (n *node) streamFile(w io.Writer) error {
	f, err := os.Open(n.file)
	if err != nil {
		return fmt.Errorf("attachment: %w", err)
	}
	defer f.Close()
	if _, err := writeBase64(w, f, n.fileSize); err != nil {
		return fmt.Errorf("attachment %s: %w", n.file, err)
	}
	return nil
}
