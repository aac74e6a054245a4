package app

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"letterbox/server/store"
)

// TestMessageRemoteFetchStopsWhenLeft checks that a fetch of remote images,
// asked for in the MIME tree's HTML part or in the HTML tab, is cancelled
// when the reader selects another part or the view is cleared, instead of
// running on (up to the fetcher's time limit) for a view nobody sees.
// Before the fix, the MIME tree made a new htmlView for every selection and
// left the old one's fetch running, and Clear stopped no fetch: all three
// cases failed.
func TestMessageRemoteFetchStopsWhenLeft(t *testing.T) {
	started, stopped := make(chan struct{}, 8), make(chan struct{}, 8)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		select {
		case <-r.Context().Done():
			stopped <- struct{}{}
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	img := srv.URL + "/a.png"
	raw := "From: a@a.test\nTo: b@b.test\nSubject: remote\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nHi\n" +
		"--b\nContent-Type: text/html\n\n" + fmt.Sprintf(`<p>Hi <img src="%s"></p>`, img) + "\n--b--\n"
	goAsync := func(work func()) { go work() } // the fetch blocks until cancelled

	tests := []struct {
		name  string
		open  func(v *MessageView) // shows the HTML with its remote image
		leave func(v *MessageView)
	}{
		{"MIME part, another part selected",
			func(v *MessageView) { v.async = goAsync; v.tabs.SelectIndex(messageTabParts); v.parts.selectPath("2") },
			func(v *MessageView) { v.parts.selectPath("1") }},
		{"MIME part, view cleared",
			func(v *MessageView) { v.async = goAsync; v.tabs.SelectIndex(messageTabParts); v.parts.selectPath("2") },
			func(v *MessageView) { v.Clear() }},
		{"HTML tab, view cleared",
			func(v *MessageView) { v.html.async = goAsync; v.tabs.SelectIndex(messageTabHTML) },
			func(v *MessageView) { v.Clear() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newInboxFixture(t, func(st *store.Store) { inboxDeliver(t, st, raw, inboxRecord("a@a.test", "b@b.test")) })
			f.waitTotal(t, 1)
			v := f.in.view
			f.selectSubject(t, "remote")
			tt.open(v)
			var load *widget.Button
			f.pump.waitFor(t, "Load remote content", func() bool {
				shown := v.tabs.Selected().Content
				if !slices.Contains(inboxLabels(shown), htmlBlockedNote([]string{img})) {
					return false // not drawn yet
				}
				for _, b := range messageObjects[*widget.Button](shown) {
					if b.Text == "Load remote content" && !b.Disabled() {
						load = b
					}
				}
				return load != nil
			})
			test.Tap(load)
			select {
			case <-started:
			case <-time.After(10 * time.Second):
				t.Fatal("the remote image was not requested")
			}
			tt.leave(v)
			select {
			case <-stopped:
			case <-time.After(5 * time.Second):
				t.Fatal("the fetch of the remote image ran on after the view left it")
			}
		})
	}
}
