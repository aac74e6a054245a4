package msg

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"letterbox/smtpcore/msg/internal/mimesyntax"
)

// parseMediaParams parses a Content-Type or Content-Disposition value
// (RFC 2045 §5.1, RFC 2183) tolerantly: it returns the lower-case type (""
// when there is none), every parameter it could read under its lower-case
// name, and a non-fatal error describing what it skipped.
//
// RFC 2231 is applied in full: continuations (name*0, name*1, …, §3),
// extended values in any charset with a language (name*=charset'lang'%XX,
// §4) and both mixed (§4.1); the RFC 2231 form of a parameter wins over a
// plain one of the same name. Unlike mime.ParseMediaType it keeps the
// parameters that follow a damaged one, accepts unquoted values with spaces,
// and reads charsets other than UTF-8 and US-ASCII.
func parseMediaParams(v string) (string, map[string]string, error) {
	mt, rest, _ := strings.Cut(v, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	var errs []error
	plain := map[string]string{}
	sections := map[string]map[int]section{}
	for rest != "" {
		var name, value string
		var err error
		name, value, rest, err = nextParam(rest)
		if err != nil {
			errs = append(errs, err)
		}
		if name == "" {
			continue
		}
		base, sec, isSec := splitSectionName(name)
		if base == "" {
			errs = append(errs, fmt.Errorf("parameter %q has no name", name))
			continue
		}
		if !isSec {
			if _, dup := plain[name]; !dup {
				plain[name] = value
			}
			continue
		}
		if sections[base] == nil {
			sections[base] = map[int]section{}
		}
		if _, dup := sections[base][sec.n]; !dup {
			sec.value = value
			sections[base][sec.n] = sec
		}
	}
	for base, secs := range sections {
		val, err := joinSections(base, secs)
		if err != nil {
			errs = append(errs, err)
		}
		plain[base] = val
	}
	return mt, plain, errors.Join(errs...)
}

// section is one RFC 2231 piece of a parameter: name*n or name*n*.
type section struct {
	n       int
	encoded bool // name*n* or name*: %XX octets, the first with charset'lang'
	value   string
}

// splitSectionName tells "title*1*" apart from "title": the base name, the
// section and whether the name is an RFC 2231 one at all.
func splitSectionName(name string) (string, section, bool) {
	base, suffix, ok := strings.Cut(name, "*")
	if !ok {
		return name, section{}, false
	}
	if suffix == "" { // name*=: one extended section
		return base, section{n: 0, encoded: true}, true
	}
	num, star := strings.CutSuffix(suffix, "*")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > 999 || (len(num) > 1 && num[0] == '0') {
		return name, section{}, false
	}
	return base, section{n: n, encoded: star}, true
}

// joinSections puts the sections of one parameter together in order and
// decodes the octets from the charset named by section 0 (RFC 2231 §4.1).
// A missing section ends the value there.
func joinSections(base string, secs map[int]section) (string, error) {
	keys := make([]int, 0, len(secs))
	for n := range secs {
		keys = append(keys, n)
	}
	sort.Ints(keys)
	var err error
	var data []byte
	cs := ""
	for i, n := range keys {
		if n != i {
			err = fmt.Errorf("parameter %s: RFC 2231 section %d is missing", base, i)
			break
		}
		s := secs[n]
		if !s.encoded {
			data = append(data, s.value...)
			continue
		}
		v := s.value
		if i == 0 {
			// charset'language'value; either part may be empty (§4).
			if parts := strings.SplitN(v, "'", 3); len(parts) == 3 {
				cs, v = parts[0], parts[2]
			}
		}
		data = append(data, pctDecode(v)...)
	}
	return wordText(data, cs), err
}

// pctDecode undoes %XX escapes; a "%" without two hex digits stays.
func pctDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if b, ok := mimesyntax.HexOctet(s, i); ok && s[i] == '%' {
			out = append(out, b)
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}

// nextParam reads one "; name=value" from s and returns the lower-case
// name, the value (unquoted) and what follows. A parameter without "=" is
// skipped and reported.
func nextParam(s string) (name, value, rest string, err error) {
	s = strings.TrimLeft(s, " \t;")
	if s == "" {
		return "", "", "", nil
	}
	eq := strings.IndexAny(s, "=;")
	if eq < 0 || s[eq] == ';' {
		end := len(s)
		if eq >= 0 {
			end = eq
		}
		return "", "", s[end:], fmt.Errorf("parameter %q has no value", strings.TrimSpace(s[:end]))
	}
	name = strings.ToLower(strings.TrimSpace(s[:eq]))
	s = strings.TrimLeft(s[eq+1:], " \t")
	if strings.HasPrefix(s, `"`) {
		var closed bool
		if value, rest, closed = mimesyntax.Unquote(s); !closed {
			err = errors.New("a quoted parameter value is not closed")
		}
		return name, value, rest, err
	}
	end := strings.IndexByte(s, ';')
	if end < 0 {
		end = len(s)
	}
	return name, strings.TrimSpace(s[:end]), s[end:], nil
}
