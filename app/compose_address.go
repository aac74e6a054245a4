package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore/msg"
)

// maxRecent is how many recently used recipients are remembered.
const maxRecent = 50

// maxSuggestions is how many recent recipients are offered at once.
const maxSuggestions = 4

const prefRecent = "compose.recent"

// recentList remembers the addresses mail was last sent to, newest first, in the
// preferences.
type recentList struct {
	prefs fyne.Preferences
}

// All returns the remembered addresses, newest first.
func (r recentList) All() []string { return r.prefs.StringListWithFallback(prefRecent, nil) }

// Add puts addrs at the front, dropping repeats (compared case-insensitively)
// and the oldest past maxRecent.
func (r recentList) Add(addrs []string) {
	seen := map[string]bool{}
	var out []string
	for _, a := range append(append([]string(nil), addrs...), r.All()...) {
		a = strings.TrimSpace(a)
		if a == "" || seen[strings.ToLower(a)] {
			continue
		}
		seen[strings.ToLower(a)] = true
		out = append(out, a)
	}
	if len(out) > maxRecent {
		out = out[:maxRecent]
	}
	r.prefs.SetStringList(prefRecent, out)
}

// Match returns up to maxSuggestions remembered addresses containing prefix
// (case-insensitive), leaving out those in exclude.
func (r recentList) Match(prefix string, exclude []string) []string {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if prefix == "" {
		return nil
	}
	skip := map[string]bool{}
	for _, e := range exclude {
		skip[strings.ToLower(strings.TrimSpace(e))] = true
	}
	var out []string
	for _, a := range r.All() {
		l := strings.ToLower(a)
		if strings.Contains(l, prefix) && !skip[l] && l != prefix {
			out = append(out, a)
			if len(out) == maxSuggestions {
				break
			}
		}
	}
	return out
}

// addressField is an address entry with its reason line and recent-recipient
// suggestions shown as you type. It is checked on every change with
// msg.ParseAddressList (or msg.ParseAddress for a single sender).
type addressField struct {
	entry    *widget.Entry
	reason   *widget.Label
	suggest  *fyne.Container
	recent   *recentList // nil = no suggestions
	single   bool        // one address (From), not a list
	required bool
	onChange func()
	// relayout is called when the reason line or the suggestions appear or
	// go, so the form around the field gives back or takes the room.
	relayout func()
}

func newAddressField(placeholder string, single, required bool, recent *recentList, onChange func()) *addressField {
	f := &addressField{entry: widget.NewEntry(), single: single, required: required, recent: recent, onChange: onChange}
	f.entry.SetPlaceHolder(placeholder)
	// The entry marks only what was typed: an empty required field is said in
	// the status line, not flagged red before the user has typed anything.
	f.entry.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		return f.validate(s)
	}
	// Check while typing too, so a half-typed address never shows the ✓.
	f.entry.AlwaysShowValidationError = true
	f.reason = widget.NewLabel("")
	f.reason.Importance = widget.DangerImportance
	f.reason.Wrapping = fyne.TextWrapWord
	f.reason.Hide()
	f.suggest = container.NewHBox()
	f.suggest.Hide()
	f.entry.OnChanged = func(string) { f.changed() }
	return f
}

// validate is the entry's Validator: nil when the text is acceptable.
func (f *addressField) validate(s string) error {
	if strings.TrimSpace(s) == "" {
		if f.required {
			return errRequired
		}
		return nil
	}
	if f.single {
		_, err := msg.ParseAddress(s)
		return err
	}
	_, err := msg.ParseAddressList(s)
	return err
}

// Valid reports whether the field's text is acceptable.
func (f *addressField) Valid() bool { return f.validate(f.entry.Text) == nil }

// Count returns how many addresses the field holds (0 when invalid or empty).
func (f *addressField) Count() int {
	if f.single || strings.TrimSpace(f.entry.Text) == "" {
		return 0
	}
	as, err := msg.ParseAddressList(f.entry.Text)
	if err != nil {
		return 0
	}
	return len(as)
}

// Reason returns the error shown under the field, or "".
func (f *addressField) Reason() string {
	if !f.reason.Visible() {
		return ""
	}
	return f.reason.Text
}

func (f *addressField) changed() {
	before := [2]bool{f.reason.Visible(), f.suggest.Visible()}
	defer func() {
		if f.relayout != nil && before != [2]bool{f.reason.Visible(), f.suggest.Visible()} {
			f.relayout()
		}
	}()
	err := f.validate(f.entry.Text)
	if err != nil && err != errRequired {
		f.reason.SetText(err.Error())
		f.reason.Show()
	} else {
		f.reason.Hide()
	}
	f.updateSuggestions()
	if f.onChange != nil {
		f.onChange()
	}
}

// tokens splits the text at commas: the addresses typed so far and the one
// being typed.
func (f *addressField) tokens() (done []string, current string) {
	parts := strings.Split(f.entry.Text, ",")
	for _, p := range parts[:len(parts)-1] {
		done = append(done, strings.TrimSpace(p))
	}
	return done, strings.TrimSpace(parts[len(parts)-1])
}

func (f *addressField) updateSuggestions() {
	if f.recent == nil {
		return
	}
	done, current := f.tokens()
	matches := f.recent.Match(current, done)
	f.suggest.Objects = nil
	for _, m := range matches {
		b := widget.NewButton(m, func() { f.accept(m) })
		b.Importance = widget.LowImportance
		f.suggest.Add(b)
	}
	if len(matches) == 0 {
		f.suggest.Hide()
	} else {
		f.suggest.Show()
	}
	f.suggest.Refresh()
}

// accept replaces the address being typed with addr.
func (f *addressField) accept(addr string) {
	done, _ := f.tokens()
	if f.single {
		done = nil
	}
	text := strings.Join(append(done, addr), ", ")
	f.entry.SetText(text) // runs changed
	f.entry.CursorColumn = len([]rune(text))
	f.entry.Refresh()
	if c := fyne.CurrentApp().Driver().CanvasForObject(f.entry); c != nil {
		c.Focus(f.entry)
	}
}

// Suggestions returns the addresses offered now, for tests.
func (f *addressField) Suggestions() []string {
	var out []string
	if !f.suggest.Visible() {
		return nil
	}
	for _, o := range f.suggest.Objects {
		out = append(out, o.(*widget.Button).Text)
	}
	return out
}

// Build returns the entry with its reason line and suggestions under it.
func (f *addressField) Build() fyne.CanvasObject {
	return container.NewVBox(f.entry, f.reason, f.suggest)
}

// SetText replaces the field's text.
func (f *addressField) SetText(s string) { f.entry.SetText(s) }

// Text returns what was typed.
func (f *addressField) Text() string { return f.entry.Text }
