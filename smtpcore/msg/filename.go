package msg

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFilename is the longest cleaned name in octets: 255 is the common file
// system limit (ext4, NTFS in UTF-16 units, APFS); a margin is left for a
// " (2)" suffix a caller may add.
const maxFilename = 200

// windowsReserved are device names Windows refuses as file names, with any
// extension.
var windowsReserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
}

// CleanFilename makes an attachment name safe to create inside a chosen
// folder on Linux, Windows and macOS: the last path element only (both / and
// \ count as separators), no control or format characters, none of
// <>:"|?* (Windows), no leading dots (hidden files, "..") or trailing dots and
// spaces (Windows), not a Windows device name, valid UTF-8, at most 200
// octets keeping the extension. An empty result becomes "attachment".
func CleanFilename(name string) string {
	name = strings.ToValidUTF8(name, "_")
	name = strings.ReplaceAll(name, `\`, "/")
	name = strings.TrimPrefix(path.Base("/"+name), "/")
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f || unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
			// dropped: controls and bidi/format characters (which can hide a real extension)
		case strings.ContainsRune(`<>:"|?*/`, r):
			b.WriteRune('_')
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.TrimLeft(b.String(), ". ")
	name = strings.TrimRight(name, ". ")
	if base, _, _ := strings.Cut(name, "."); windowsReserved[strings.ToUpper(strings.TrimSpace(base))] {
		name = "_" + name
	}
	name = truncateName(name, maxFilename)
	if name == "" {
		return "attachment"
	}
	return name
}

// truncateName shortens name to at most limit octets on a character
// boundary, keeping a short extension.
func truncateName(name string, limit int) string {
	if len(name) <= limit {
		return name
	}
	ext := path.Ext(name)
	if len(ext) > 16 || !utf8.ValidString(ext) {
		ext = ""
	}
	stem := name[:len(name)-len(ext)]
	keep := limit - len(ext)
	for keep > 0 && !utf8.RuneStart(stem[keep]) {
		keep--
	}
	return strings.TrimRight(stem[:keep], ". ") + ext
}
