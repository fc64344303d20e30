package web

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Students join from their phones, so a join link must name an address the
// phones can reach. In order of preference:
//
//  1. --public-url, when the teacher gave it;
//  2. when the teacher browses the server as localhost but the server also
//     listens on the LAN, the machine's LAN address with the same port;
//  3. the address the teacher's browser used.
//
// Whether the server listens on the LAN is found by trying it: a TCP
// connection to our own LAN address and port either opens (the server
// listens on every interface) or is refused at once by the local kernel.
// That needs no knowledge of the --addr flag, and tells the truth even when
// a firewall or another process is involved.

// joinBase is the scheme://host[:port] of join links, and whether it is a
// loopback address that phones cannot reach (worth a warning on screen).
func (s *Server) joinBase(r *http.Request) (base string, loopbackOnly bool) {
	if s.publicURL != "" {
		return strings.TrimRight(s.publicURL, "/"), false
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	own := scheme + "://" + r.Host
	if !isLoopbackHost(r.Host) {
		return own, false
	}
	port := localPort(r)
	if port == "" {
		return own, true
	}
	ip := lanIPv4()
	if ip == "" || !reachable(net.JoinHostPort(ip, port)) {
		return own, true
	}
	return scheme + "://" + net.JoinHostPort(ip, port), false
}

// joinURL is the link a student opens to join the session with code.
func joinURL(base, code string) string {
	return base + "/join?code=" + url.QueryEscape(code)
}

// isLoopbackHost reports whether a Host header names this machine only.
func isLoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// localPort is the port the request arrived on.
func localPort(r *http.Request) string {
	addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return ""
	}
	_, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return ""
	}
	return port
}

// lanIPv4 returns the first IPv4 address of an interface that is up and
// not loopback, "" if there is none.
func lanIPv4() string {
	ifaces, err := net.Interfaces()
	if err != nil {
		return ""
	}
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			if ip4 := ipn.IP.To4(); ip4 != nil && !ip4.IsLoopback() && !ip4.IsLinkLocalUnicast() {
				return ip4.String()
			}
		}
	}
	return ""
}

// reachable reports whether a TCP connection to addr opens quickly.
func reachable(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}
