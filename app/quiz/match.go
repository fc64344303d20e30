package quiz

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"
)

// answersEqual reports whether a typed answer matches one accepted answer
// under m. An answer that does not parse under m (a word where a number is
// expected) is simply wrong, not an error.
func answersEqual(m Match, typed, accepted string) bool {
	switch m {
	case MatchNumber:
		a, errA := parseNumber(typed)
		b, errB := parseNumber(accepted)
		return errA == nil && errB == nil && a == b
	case MatchIP:
		a, errA := parseIP(typed)
		b, errB := parseIP(accepted)
		return errA == nil && errB == nil && a == b
	case MatchCIDR:
		a, errA := parseCIDR(typed)
		b, errB := parseCIDR(accepted)
		return errA == nil && errB == nil && a == b
	default: // MatchText, and the zero value of a hand-built Question
		a, b := collapseSpace(typed), collapseSpace(accepted)
		return a != "" && strings.EqualFold(a, b)
	}
}

// validAnswer reports why s could never be typed as a right answer under m.
func validAnswer(m Match, s string) error {
	var err error
	switch m {
	case MatchNumber:
		_, err = parseNumber(s)
	case MatchIP:
		_, err = parseIP(s)
	case MatchCIDR:
		_, err = parseCIDR(s)
	default:
		if collapseSpace(s) == "" {
			err = errors.New("it is blank")
		}
	}
	return err
}

// parseNumber reads a decimal number. NaN and infinities are refused: NaN
// equals nothing, and "Inf" is not what a networking answer looks like.
func parseNumber(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, errors.New("not a number")
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, errors.New("not a finite number")
	}
	return f, nil
}

func parseIP(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return netip.Addr{}, errors.New("not an IPv4 or IPv6 address")
	}
	return a, nil
}

// parseCIDR reads "address/length" or, for IPv4, "address/dotted-mask".
// The address keeps its host bits: comparing "10.1.2.3/8" with "10.0.0.0/8"
// is unequal on purpose (see the package documentation).
func parseCIDR(s string) (netip.Prefix, error) {
	// Spaces never belong in a prefix; students type "10.0.0.0 / 8".
	s = strings.Join(strings.Fields(s), "")
	addrPart, lenPart, ok := strings.Cut(s, "/")
	if !ok {
		return netip.Prefix{}, errors.New("no /length or /mask")
	}
	addr, err := netip.ParseAddr(addrPart)
	if err != nil || addr.Zone() != "" {
		return netip.Prefix{}, errors.New("the part before / is not an IP address")
	}
	var n int
	if strings.Contains(lenPart, ".") {
		if n, err = maskLength(lenPart); err != nil {
			return netip.Prefix{}, err
		}
		if !addr.Is4() {
			return netip.Prefix{}, errors.New("a dotted mask only goes with an IPv4 address")
		}
	} else {
		// strconv.Atoi would take "+8" and "08"; a prefix length is digits.
		if lenPart == "" || len(lenPart) > 3 || strings.Trim(lenPart, "0123456789") != "" ||
			(len(lenPart) > 1 && lenPart[0] == '0') {
			return netip.Prefix{}, errors.New("the part after / is not a length")
		}
		n, _ = strconv.Atoi(lenPart)
	}
	if n > addr.BitLen() {
		return netip.Prefix{}, fmt.Errorf("/%d is longer than the %d bits of the address", n, addr.BitLen())
	}
	return netip.PrefixFrom(addr, n), nil
}

// maskLength turns a dotted netmask into a prefix length. Only contiguous
// masks name a prefix: 255.0.255.0 is not one.
func maskLength(s string) (int, error) {
	m, err := netip.ParseAddr(s)
	if err != nil || !m.Is4() {
		return 0, errors.New("the part after / is not a dotted netmask")
	}
	b := m.As4()
	v := binary.BigEndian.Uint32(b[:])
	ones := bits.LeadingZeros32(^v)
	if ones < 32 && v<<ones != 0 {
		return 0, fmt.Errorf("%s is not a contiguous netmask", s)
	}
	return ones, nil
}
