package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// contentSecurityPolicy allows only this server's own scripts, styles and
// connections: no inline script or style, so injected markup cannot run.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		setSecurityHeaders(c.Response().Header())
		return next(c)
	}
}

// securityHeaderValues are shared by every response: net/http only reads
// a header's values, and setting the canonical keys directly saves the
// work and the allocations of Header.Set on every request.
var securityHeaderValues = map[string][]string{
	"Content-Security-Policy": {contentSecurityPolicy},
	"X-Content-Type-Options":  {"nosniff"},
	"Referrer-Policy":         {"same-origin"},
	"X-Frame-Options":         {"DENY"},
}

func setSecurityHeaders(h http.Header) {
	for k, v := range securityHeaderValues {
		h[k] = v
	}
}

// isStreaming tells the middleware that must not buffer or compress a
// response (WebSocket upgrades and long polls) to stay out of the way.
func isStreaming(c echo.Context) bool {
	p := c.Request().URL.Path
	return p == "/live" || strings.HasPrefix(p, "/live/")
}

// skipGzip leaves alone the responses that must stream and the pages
// served from the page cache, which are compressed once, in advance.
func skipGzip(c echo.Context) bool {
	m := c.Request().Method
	return isStreaming(c) || ((m == http.MethodGet || m == http.MethodHead) && isCachedPage(c.Request().URL.Path))
}

// logRequests writes one structured line per request (see logRequest).
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			// Let the error handler write the response now, so the line
			// below logs the status the client really got.
			c.Error(err)
		}
		res := c.Response()
		s.logRequest(c.Request(), c.RealIP(), res.Status, res.Size, start, err)
		return nil
	}
}

// logRequest writes the line of one request, for logRequests and for the
// pages served from the cache ahead of the router. Request lines are debug
// lines: at the default level they would bury the start screen under a
// class's page loads. A server error is an error line at every level.
func (s *Server) logRequest(req *http.Request, remote string, status int, size int64, start time.Time, err error) {
	level := slog.LevelDebug
	if status >= 500 {
		level = slog.LevelError
	}
	if !s.log.Enabled(req.Context(), level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.Path),
		slog.Int("status", status),
		slog.Int64("bytes", size),
		slog.Duration("took", time.Since(start)),
		slog.String("remote", remote),
	}
	if err != nil {
		attrs = append(attrs, slog.String("err", err.Error()))
	}
	s.log.LogAttrs(req.Context(), level, "request", attrs...)
}

// recoverPanics turns a panic in a handler into a 500 and a log line with
// the stack, so one bad request never takes the server down.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic in handler", "path", c.Request().URL.Path, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = fmt.Errorf("internal error")
			}
		}()
		return next(c)
	}
}

// sameOrigin refuses state-changing requests sent from another site (a
// cross-site form post riding on the instructor's cookie). Browsers send
// Origin on every POST; without it, Referer must name this host. The live
// endpoints check Origin themselves.
func (s *Server) sameOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		switch {
		case req.Method == http.MethodGet, req.Method == http.MethodHead, req.Method == http.MethodOptions:
			return next(c)
		case isStreaming(c):
			return next(c) // the live endpoints check Origin themselves
		case s.bearerKey(c):
			// A browser never adds this header on its own, so a request
			// carrying the key was not forged by another site. Only the
			// right key skips the check: a handler that also takes the
			// cookie must not be reached by a forged one with any header.
			return next(c)
		}
		src := req.Header.Get("Origin")
		if src == "" || src == "null" {
			src = req.Header.Get("Referer")
		}
		if src == "" {
			return echo.NewHTTPError(http.StatusForbidden, "This request must come from a netstudy page.")
		}
		u, err := url.Parse(src)
		if err != nil || !strings.EqualFold(u.Host, req.Host) {
			return echo.NewHTTPError(http.StatusForbidden, "Cross-site requests are refused.")
		}
		return next(c)
	}
}

// headAsGet routes a HEAD request as the GET of the same URL: echo routes
// methods apart, and uptime checks and link checkers send HEAD. The method
// is put back after routing (see restoreHead), so that net/http, which
// reads it from the same request, sends the headers only.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if req := c.Request(); req.Method == http.MethodHead {
			req.Method = http.MethodGet
			c.Set(headKey, true)
		}
		return next(c)
	}
}

const headKey = "netstudy.head"

func restoreHead(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Get(headKey) == true {
			c.Request().Method = http.MethodHead
		}
		return next(c)
	}
}

// unescapeParams decodes the path parameters. echo cuts them out of the
// escaped path whenever the URL has one (RawPath: "/notes/r%c3%a9seau",
// as html/template writes a link to the note "réseau"), and leaves them
// escaped; a handler wants the name itself.
func unescapeParams(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().URL.RawPath != "" {
			values := c.ParamValues()
			for i, v := range values {
				if u, err := url.PathUnescape(v); err == nil {
					values[i] = u
				}
			}
			c.SetParamValues(values...)
		}
		return next(c)
	}
}
