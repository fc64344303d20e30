// Package clientip says which address a request came from: the
// connection's own, or, when the connection comes from a load balancer
// the server was told to trust, the client address that balancer wrote in
// X-Forwarded-For. The limits on wrong keys and join codes count by it,
// and the instructor's dashboard shows it.
//
// Without trusted proxies the header is ignored: any client can write it,
// and a student who could choose their address could escape every limit
// or lock a classmate out.
package clientip

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"
)

// Extractor returns the client's address of a request (an
// echo.IPExtractor).
type Extractor = func(*http.Request) string

// New returns the extractor for a server behind the given proxies: none,
// and the address is the connection's. Only addresses in trusted are
// believed, not loopback or private networks as such: a classroom's
// phones are on a private network too.
func New(trusted []netip.Prefix) Extractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		p = p.Masked()
		opts = append(opts, echo.TrustIPRange(&net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// ParseTrusted reads comma-separated addresses and CIDR prefixes, such
// as "10.0.0.5, 192.168.10.0/24"; an empty string is none.
func ParseTrusted(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or a CIDR prefix", f)
			}
			out = append(out, p)
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or a CIDR prefix", f)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
