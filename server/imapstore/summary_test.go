package imapstore

import (
	"slices"
	"testing"

	"github.com/emersion/go-imap/v2"

	"letterbox/server/store"
)

func TestAttachments(t *testing.T) {
	leaf := func(typ, sub, disp, name string) *imap.BodyStructureSinglePart {
		p := &imap.BodyStructureSinglePart{Type: typ, Subtype: sub, Params: map[string]string{}}
		if name != "" {
			p.Params["name"] = name
		}
		if disp != "" {
			p.Extended = &imap.BodyStructureSinglePartExt{Disposition: &imap.BodyStructureDisposition{Value: disp, Params: map[string]string{}}}
		}
		return p
	}
	multi := func(parts ...imap.BodyStructure) imap.BodyStructure {
		return &imap.BodyStructureMultiPart{Children: parts, Subtype: "mixed"}
	}
	for _, c := range []struct {
		name string
		bs   imap.BodyStructure
		want []string
	}{
		{"text only", leaf("text", "plain", "", ""), nil},
		{"attachment by disposition", multi(leaf("text", "plain", "", ""), leaf("application", "pdf", "attachment", "a.pdf")), []string{"a.pdf"}},
		{"unnamed attachment", multi(leaf("text", "plain", "", ""), leaf("text", "csv", "attachment", "")), []string{""}},
		{"named image without disposition", multi(leaf("text", "html", "", ""), leaf("image", "png", "", "logo.png")), []string{"logo.png"}},
		{"inline image", multi(leaf("text", "html", "", ""), leaf("image", "png", "inline", "logo.png")), nil},
		{"RFC 2047 name", multi(leaf("application", "pdf", "attachment", "=?utf-8?q?R=C3=A9sum=C3=A9.pdf?=")), []string{"Résumé.pdf"}},
	} {
		if got := attachments(c.bs); !slices.Equal(got, c.want) {
			t.Errorf("%s: attachments = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCriteria(t *testing.T) {
	if criteria(store.Query{}) != nil || criteria(store.Query{Search: "  "}) != nil {
		t.Error("an empty query searches")
	}
	c := criteria(store.Query{Search: "ann", Domain: "x.test"})
	if c == nil || len(c.Or) != 2 || c.Or[1][0].Header[0].Value != "@x.test" {
		t.Errorf("criteria = %+v", c)
	}
	if c := criteria(store.Query{Search: "w", SearchBody: true}); c == nil || !slices.Equal(c.Text, []string{"w"}) {
		t.Errorf("body search = %+v", c)
	}
	if c := criteria(store.Query{Recipient: "b@y.test", Domain: "y.test"}); len(c.Or) != 1 || c.Or[0][1].Header[0].Value != "b@y.test" {
		t.Errorf("recipient wins over its domain: %+v", c)
	}
}

// TestHubResync: a reader that falls behind gets a Resync in the last slot
// and nothing until it has read it; then events flow again.
func TestHubResync(t *testing.T) {
	var h hub
	ch, cancel := h.subscribe(3)
	defer cancel()
	for i := range 5 {
		h.publish(store.Event{Kind: store.Added, ID: idOf(imap.UID(i + 1))})
	}
	var kinds []store.EventKind
	for range 3 {
		kinds = append(kinds, (<-ch).Kind)
	}
	if !slices.Equal(kinds, []store.EventKind{store.Added, store.Added, store.Resync}) {
		t.Fatalf("kinds = %v", kinds)
	}
	h.publish(store.Event{Kind: store.Deleted, ID: "9"})
	if e := <-ch; e.Kind != store.Deleted {
		t.Errorf("after the Resync: %v", e.Kind)
	}
	h.close()
	if _, ok := <-ch; ok {
		t.Error("channel open after close")
	}
}
