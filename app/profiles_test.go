package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"letterbox/smtpcore"
)

func TestProfileValidate(t *testing.T) {
	ok := Profile{Name: "Work", Host: "smtp.example.org", Port: 587, TLS: TLSStartTLS}
	tests := []struct {
		name   string
		change func(p *Profile)
		want   string // "" = valid
	}{
		{"valid", func(*Profile) {}, ""},
		{"no name", func(p *Profile) { p.Name = " " }, "name"},
		{"host with port", func(p *Profile) { p.Host = "smtp.example.org:587" }, "host"},
		{"port zero", func(p *Profile) { p.Port = 0 }, "port"},
		{"port too big", func(p *Profile) { p.Port = 70000 }, "port"},
		{"bad tls", func(p *Profile) { p.TLS = "ssl3" }, "TLS"},
		{"bad fingerprint", func(p *Profile) { p.Fingerprint = "abcd" }, "fingerprint"},
		{"good fingerprint", func(p *Profile) { p.Fingerprint = strings.Repeat("ab", 32) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ok
			tt.change(&p)
			err := p.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate(%+v) = %v, want nil", p, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate(%+v) = %v, want an error about %q", p, err, tt.want)
			}
		})
	}
}

func TestProfileStore(t *testing.T) {
	a := test.NewTempApp(t)
	s := profileStore{a.Preferences()}
	work := Profile{Name: "Work", Host: "smtp.example.org", Port: 587, TLS: TLSStartTLS, Username: "ann",
		Fingerprint: strings.Repeat("AB", 32)}
	if err := s.Put("", work); err != nil {
		t.Fatalf("Put(Work) = %v", err)
	}
	if err := s.Put("", Profile{Name: "Archive", Host: "10.0.0.5", Port: 25, TLS: TLSNone}); err != nil {
		t.Fatalf("Put(Archive) = %v", err)
	}
	if err := s.Put("", Profile{Name: "Work", Host: "other", Port: 25, TLS: TLSNone}); err != nil {
		t.Fatalf("Put(Work again, same name) = %v, want the old one replaced", err)
	}
	list := s.List()
	if len(list) != 2 || list[0].Name != "Archive" || list[1].Host != "other" {
		t.Fatalf("List() = %+v, want Archive then the replaced Work", list)
	}
	if err := s.Put("Archive", Profile{Name: "Work", Host: "x", Port: 25, TLS: TLSNone}); err == nil {
		t.Error("renaming Archive to the existing name Work succeeded, want an error")
	}
	if err := s.Put("Work", work); err != nil {
		t.Fatal(err)
	}
	got, ok := s.Find("Work")
	want, _ := smtpcore.NormalizeFingerprint(work.Fingerprint)
	if !ok || got.Fingerprint != want || got.Security() != smtpcore.SecuritySTARTTLS || got.Account() != "ann@smtp.example.org:587" {
		t.Errorf("Find(Work) = %+v, %v; want fingerprint %s, STARTTLS, account ann@smtp.example.org:587", got, ok, want)
	}
	if strings.Contains(a.Preferences().String(prefProfiles), "password") {
		t.Error("the preferences mention a password")
	}
	if err := s.Delete("Work"); err != nil {
		t.Fatal(err)
	}
	if list := s.List(); len(list) != 1 || list[0].Name != "Archive" {
		t.Errorf("after Delete(Work): %+v, want only Archive", list)
	}
	a.Preferences().SetString(prefProfiles, "{not json")
	if list := s.List(); list != nil {
		t.Errorf("damaged preference: List() = %+v, want none", list)
	}
}

func TestCheckListen(t *testing.T) {
	tests := []struct {
		host, port, want string
		ok               bool
	}{
		{"127.0.0.1", "2525", "127.0.0.1:2525", true},
		{"::1", "25", "[::1]:25", true},
		{"localhost", "2526", "localhost:2526", true},
		{"0.0.0.0", "0", "", false},
		{"127.0.0.1", "http", "", false},
		{"my host", "25", "", false},
		{"", "25", "", false},
	}
	for _, tt := range tests {
		got, err := checkListen(tt.host, tt.port)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("checkListen(%q, %q) = %q, %v; want %q, ok %v", tt.host, tt.port, got, err, tt.want, tt.ok)
		}
	}
}

func TestSettingsPrecedence(t *testing.T) {
	a := test.NewTempApp(t)
	s := &Settings{prefs: a.Preferences(), opts: Options{Listen: "127.0.0.1:2600", StoreDir: "/tmp/env-store"}}
	if s.Listen() != "127.0.0.1:2600" || s.StoreDir() != "/tmp/env-store" {
		t.Errorf("launch options: Listen %q StoreDir %q, want the overrides", s.Listen(), s.StoreDir())
	}
	s.save("127.0.0.1:2700", "/tmp/saved-store")
	if s.Listen() != "127.0.0.1:2700" || s.StoreDir() != "/tmp/saved-store" {
		t.Errorf("after save: Listen %q StoreDir %q, want the saved values", s.Listen(), s.StoreDir())
	}
	fresh := &Settings{prefs: test.NewTempApp(t).Preferences()}
	if fresh.Listen() != "127.0.0.1:2525" {
		t.Errorf("default Listen = %q, want 127.0.0.1:2525", fresh.Listen())
	}
}
