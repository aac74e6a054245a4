package app

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"letterbox/server/store"
	"letterbox/smtpcore/msg/lint"
)

// TestInboxRowShowsFindingsBadge checks the row's wiring: a summary with
// errors shows the badge with their count, a recycled row given a clean
// summary hides it, and a loading row shows none.
func TestInboxRowShowsFindingsBadge(t *testing.T) {
	test.NewTempApp(t)
	r := newInboxRow()
	test.NewTempWindow(t, r)
	r.set(store.Summary{ID: "A", Subject: "broken", Findings: lint.Counts{Error: 3, Warning: 1}}, false)
	if !r.badge.Visible() || r.badge.text.Text != "3" {
		t.Errorf("row of a message with 3 errors: badge visible %v text %q, want visible \"3\"", r.badge.Visible(), r.badge.text.Text)
	}
	r.set(store.Summary{ID: "B", Subject: "clean"}, false)
	if r.badge.Visible() {
		t.Errorf("recycled row of a clean message still shows the badge %q", r.badge.text.Text)
	}
	r.set(store.Summary{ID: "C", Subject: "warned", Findings: lint.Counts{Warning: 2}}, false)
	r.setLoading()
	if r.badge.Visible() {
		t.Errorf("a loading row shows the badge %q", r.badge.text.Text)
	}
}
