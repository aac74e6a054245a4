package smtpcore

import (
	"fmt"
	"strings"
)

// CheckAddressLiteral checks an address literal, brackets included, against
// the grammar of RFC 5321 §4.1.3:
//
//	address-literal = "[" ( IPv4-address-literal / IPv6-address-literal /
//	                        General-address-literal ) "]"
//
// An IPv4 literal is four decimal numbers from 0 to 255 ("[192.0.2.1]"). An
// IPv6 literal is "IPv6:" and one of the four forms §4.1.3 allows (full,
// compressed with "::" standing for at least two groups, and both with an
// IPv4 tail); zone indexes ("%eth0") are no part of that grammar. The tag is
// matched without regard to case, as ABNF strings are (RFC 5234 §2.3).
//
// A General-address-literal is Standardized-tag ":" 1*dcontent. Only "IPv6"
// is registered as a tag with IANA today; any other tag is accepted when it
// is an Ldh-str followed by ":" and printable ASCII other than "[", "\" and
// "]". Letterbox relays nothing, so it has no use for the tag's meaning, and
// a parser that refused the tags IANA may register later would refuse
// mailboxes the grammar allows. The client and the server apply this same
// rule, so what one accepts the other does too.
//
// The error says, in words a user can act on, which form the text fails.
func CheckAddressLiteral(lit string) error {
	if len(lit) < 2 || lit[0] != '[' || lit[len(lit)-1] != ']' {
		return fmt.Errorf("address literal %q is not enclosed in [ ]", lit)
	}
	body := lit[1 : len(lit)-1]
	for i := 0; i < len(body); i++ {
		if c := body[i]; c < 33 || c > 126 || c == '[' || c == ']' || c == '\\' {
			return fmt.Errorf("address literal %q holds %q, which no address literal may (RFC 5321 §4.1.3)", lit, c)
		}
	}
	tag, value, tagged := strings.Cut(body, ":")
	switch {
	case !tagged:
		if why := ipv4Problem(body); why != "" {
			return fmt.Errorf("address literal %q is not an IPv4 address (%s) nor a tagged literal such as [IPv6:2001:db8::1] (RFC 5321 §4.1.3)", lit, why)
		}
	case strings.EqualFold(tag, "IPv6"):
		if !validIPv6(value) {
			return fmt.Errorf("address literal %q is not an IPv6 address in a form RFC 5321 §4.1.3 allows", lit)
		}
	case !validLdhStr(tag):
		return fmt.Errorf("address literal %q has a bad tag %q: letters, digits and hyphens, not ending in a hyphen (RFC 5321 §4.1.3)", lit, tag)
	case value == "":
		return fmt.Errorf("address literal %q has nothing after its tag (RFC 5321 §4.1.3)", lit)
	}
	return nil
}

// ipv4Problem returns "" for an IPv4-address-literal (Snum 3("." Snum),
// Snum = 1*3DIGIT from 0 to 255), else what is wrong with s.
func ipv4Problem(s string) string {
	nums := strings.Split(s, ".")
	if len(nums) != 4 {
		return "it needs four numbers separated by dots"
	}
	for _, n := range nums {
		if n == "" || len(n) > 3 || strings.Trim(n, "0123456789") != "" {
			return fmt.Sprintf("%q is not a number of 1 to 3 digits", n)
		}
		if v := atoiDigits(n); v > 255 {
			return fmt.Sprintf("%d is more than 255", v)
		}
	}
	return ""
}

func atoiDigits(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}

// validIPv6 checks IPv6-addr (RFC 5321 §4.1.3): IPv6-full, IPv6-comp,
// IPv6v4-full or IPv6v4-comp. "::" stands for at least two groups of zeros,
// so at most 6 groups (4 before an IPv4 tail) may stand beside it.
func validIPv6(s string) bool {
	groups := 8
	if i := strings.LastIndexByte(s, ':'); i >= 0 && strings.Contains(s[i+1:], ".") {
		if ipv4Problem(s[i+1:]) != "" {
			return false
		}
		groups = 6 // the IPv4 tail takes two
		s = s[:i+1]
		if !strings.HasSuffix(s, "::") {
			s = s[:i] // drop the ":" before the tail
			if s == "" {
				return false
			}
		}
	}
	left, right, comp := strings.Cut(s, "::")
	if !comp {
		n, ok := hexGroups(s)
		return ok && n == groups
	}
	nl, okl := hexGroups(left)
	nr, okr := hexGroups(right)
	return okl && okr && nl+nr <= groups-2
}

// hexGroups counts the IPv6-hex groups (1*4HEXDIG) of s separated by single
// colons; "" has none.
func hexGroups(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	parts := strings.Split(s, ":")
	for _, h := range parts {
		if h == "" || len(h) > 4 || strings.Trim(h, "0123456789abcdefABCDEF") != "" {
			return 0, false
		}
	}
	return len(parts), true
}

// validLdhStr: Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig (RFC 5321 §4.1.2).
func validLdhStr(s string) bool {
	if s == "" || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
