package msg

import (
	"bytes"
	"strings"
	"testing"
)

const partTestMessage = "Subject: parts\r\n" +
	"Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
	"--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
	"Gr=FC=DFe\r\nzweite Zeile\r\n" +
	"--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
	"AAECAwQFBgcICQ==\r\n" +
	"--b--\r\n"

func TestReadPart(t *testing.T) {
	tests := []struct {
		path      string
		limit     int
		want      []byte
		truncated bool
		wantErr   string
	}{
		{path: "1", limit: 100, want: []byte("Gr\xfc\xdfe\r\nzweite Zeile")},
		{path: "2", limit: 100, want: []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{path: "2", limit: 10, want: []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{path: "2", limit: 4, want: []byte{0, 1, 2, 3}, truncated: true},
		{path: "2", limit: 0, want: []byte{0}, truncated: true},
		{path: "3", limit: 10, wantErr: "no MIME part"},
		{path: "", limit: 10, wantErr: "container"},
	}
	for _, tc := range tests {
		got, err := ReadPart(strings.NewReader(partTestMessage), tc.path, tc.limit)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ReadPart(%q, %d) error = %v, want one containing %q", tc.path, tc.limit, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !bytes.Equal(got.Body, tc.want) || got.Truncated != tc.truncated {
			t.Errorf("ReadPart(%q, %d) = %q, truncated %v, %v; want %q, truncated %v",
				tc.path, tc.limit, got.Body, got.Truncated, err, tc.want, tc.truncated)
		}
	}
}

func TestPartText(t *testing.T) {
	tests := []struct {
		body, cs, want string
		err            bool
	}{
		{"Gr\xfc\xdfe\r\nzwei", "iso-8859-1", "Grüße\nzwei", false},
		{"caf\xc3\xa9", "", "café", false},
		{"caf\xe9", "utf-8", "café", true}, // mislabelled: read as Windows-1252
		{"\xa4\xa2", "euc-kr", "ㄲ", false},
		{"plain", "x-no-such-charset", "plain", true},
	}
	for _, tc := range tests {
		got, err := PartText([]byte(tc.body), tc.cs)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("PartText(%q, %q) = %q, %v; want %q (error %v)", tc.body, tc.cs, got, err, tc.want, tc.err)
		}
	}
}
