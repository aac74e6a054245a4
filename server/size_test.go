package server

import "testing"

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"26214400", 26214400}, {"25MB", 26214400}, {"25M", 26214400}, {"25mib", 26214400},
		{" 512K ", 512 << 10}, {"1GB", 1 << 30}, {"100b", 100},
	}
	for _, tt := range tests {
		if got, err := ParseSize(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v, want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "0", "-5", "MB", "12TB", "1.5M", "99999999999999999999"} {
		if got, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", bad, got)
		}
	}
}

// What FormatSize writes, ParseSize reads back as the same number.
func TestFormatSizeRoundTrip(t *testing.T) {
	for _, n := range []int64{1, 1000, 1 << 10, 3 << 20, 25 << 20, 1<<30 + 1, 7 << 30} {
		s := FormatSize(n)
		if got, err := ParseSize(s); err != nil || got != n {
			t.Errorf("ParseSize(FormatSize(%d) = %q) = %d, %v; want %d", n, s, got, err, n)
		}
	}
	if got := FormatSize(25 << 20); got != "25MB" {
		t.Errorf("FormatSize(25 MiB) = %q, want 25MB", got)
	}
}
