package lint

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"letterbox/smtpcore/msg/internal/mimesyntax"
)

// param is one parameter as written: name (lower case, with any *N or *),
// value (unquoted), and whether it was a quoted-string.
type param struct {
	name, value string
	quoted      bool
}

// params is the parameter list of a Content-Type or Content-Disposition.
type params []param

// splitParams parses `type/sub; a=b; c="d"` (RFC 2045 §5.1) into its first
// token and its parameters, keeping their order. It reports the first syntax
// error it meets and keeps what it could read.
func splitParams(v string) (string, params, error) {
	v = stripComments(v)
	head, rest, _ := strings.Cut(v, ";")
	var ps params
	var firstErr error
	for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimSpace(rest) {
		if rest[0] == ';' { // an empty parameter, as some mailers write after the last one
			rest = rest[1:]
			continue
		}
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			if firstErr == nil {
				firstErr = fmt.Errorf("parameter %q has no value", rest)
			}
			break
		}
		p := param{name: strings.ToLower(strings.TrimSpace(rest[:eq]))}
		rest = strings.TrimLeft(rest[eq+1:], " \t")
		if strings.HasPrefix(rest, `"`) {
			val, after, ok := mimesyntax.Unquote(rest)
			if !ok && firstErr == nil {
				firstErr = fmt.Errorf("parameter %s: unterminated quoted string", p.name)
			}
			p.value, p.quoted, rest = val, true, after
		} else {
			end := strings.IndexByte(rest, ';')
			if end < 0 {
				end = len(rest)
			}
			p.value, rest = strings.TrimSpace(rest[:end]), rest[end:]
			if !mimesyntax.IsToken(p.value) && firstErr == nil {
				firstErr = fmt.Errorf("parameter %s: value %q must be a token or a quoted string", p.name, p.value)
			}
		}
		ps = append(ps, p)
		rest = strings.TrimLeft(rest, " \t")
		if rest != "" && rest[0] != ';' {
			if firstErr == nil {
				firstErr = fmt.Errorf("unexpected %q after parameter %s", rest, p.name)
			}
			break
		}
		if rest != "" {
			rest = rest[1:]
		}
	}
	return strings.ToLower(strings.TrimSpace(head)), ps, firstErr
}

// stripComments removes (comments) outside quoted strings (RFC 5322 §3.2.2).
func stripComments(s string) string {
	var b strings.Builder
	depth, quoted := 0, false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\\' && (quoted || depth > 0) && i+1 < len(s):
			if depth == 0 {
				b.WriteByte(ch)
				b.WriteByte(s[i+1])
			}
			i++
			continue
		case ch == '"' && depth == 0:
			quoted = !quoted
		case ch == '(' && !quoted:
			depth++
			continue
		case ch == ')' && !quoted && depth > 0:
			depth--
			continue
		}
		if depth == 0 {
			b.WriteByte(ch)
		}
	}
	return b.String()
}

// lookup returns the value of parameter name, assembling RFC 2231
// continuations and decoding its extended form; problems with them are
// returned as an error (with the best value that could be made).
func (ps params) lookup(name string) (string, bool, error) {
	for _, p := range ps {
		if p.name == name {
			return p.value, true, nil
		}
	}
	type section struct {
		n       int
		value   string
		encoded bool
	}
	var secs []section
	for _, p := range ps {
		rest, ok := strings.CutPrefix(p.name, name+"*")
		if !ok {
			continue
		}
		enc, n := true, 0 // name*=charset'lang'value: one encoded section (RFC 2231 §4)
		if rest != "" {
			enc = strings.HasSuffix(rest, "*")
			rest = strings.TrimSuffix(rest, "*")
			var err error
			if n, err = strconv.Atoi(rest); err != nil || n < 0 || (len(rest) > 1 && rest[0] == '0') {
				return "", true, fmt.Errorf("%s: section number %q is not a number without leading zeros", p.name, rest)
			}
		}
		secs = append(secs, section{n, p.value, enc})
	}
	if len(secs) == 0 {
		return "", false, nil
	}
	sort.SliceStable(secs, func(i, j int) bool { return secs[i].n < secs[j].n })
	var b strings.Builder
	var problem error
	for i, s := range secs {
		if s.n != i && problem == nil {
			problem = fmt.Errorf("%s*: sections are not numbered 0, 1, 2, … without gaps or repeats", name)
		}
		v := s.value
		if s.encoded {
			if i == 0 { // charset'language'value (RFC 2231 §4)
				parts := strings.SplitN(v, "'", 3)
				if len(parts) != 3 {
					if problem == nil {
						problem = fmt.Errorf("%s*0*: the first encoded section must start with charset'language'", name)
					}
				} else {
					v = parts[2]
				}
			}
			dec, err := percentDecode(v)
			if err != nil && problem == nil {
				problem = fmt.Errorf("%s: %w", name, err)
			}
			v = dec
		}
		b.WriteString(v)
	}
	return b.String(), true, problem
}

// percentDecode resolves %XX escapes (RFC 2231 §4, extended-other-values).
func percentDecode(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		o, ok := mimesyntax.HexOctet(s, i)
		if !ok {
			return b.String(), fmt.Errorf("%q is not a %%XX escape", s[i:min(len(s), i+3)])
		}
		b.WriteByte(o)
		i += 2
	}
	return b.String(), nil
}
