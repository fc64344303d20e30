package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"netstudy/app/auth"
)

// The instructor signs in with the instructor key, once: GET /host?key=…
// (the link printed at start) or the form at /host/signin. Either sets a
// cookie holding an HMAC of the key, never the key itself, and redirects so
// that the key leaves the address bar and the history. Every instructor
// page and action then checks that cookie (instructorPage, instructorAPI).

// hostSignInPage is the data of the sign-in form.
type hostSignInPage struct {
	Layout layout
	Next   string
	Error  string
}

// isInstructor reports whether the request carries the instructor cookie.
func (s *Server) isInstructor(c echo.Context) bool {
	ck, err := c.Cookie(auth.CookieName)
	return err == nil && s.auth.CheckInstructorCookie(ck.Value)
}

// instructorPage guards an HTML page: without the cookie the browser is
// sent to the sign-in form, which brings it back here afterwards.
func (s *Server) instructorPage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !s.isInstructor(c) {
			return c.Redirect(http.StatusSeeOther, "/host/signin?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		noStore(c)
		return next(c)
	}
}

// instructorAPI guards an action or a non-HTML resource: without the
// cookie the answer is 403, since a redirect means nothing to a script.
func (s *Server) instructorAPI(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !s.isInstructor(c) {
			return echo.NewHTTPError(http.StatusForbidden, "Sign in as the instructor first.")
		}
		noStore(c)
		return next(c)
	}
}

// noStore keeps instructor pages out of shared caches and the back-forward
// cache of a classroom computer.
func noStore(c echo.Context) {
	c.Response().Header().Set("Cache-Control", "no-store")
}

// safeNext returns where to go after signing in: a path of the instructor
// area only, so that the sign-in form cannot be used as an open redirect.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/host"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/host"
	}
	p := path.Clean(u.Path)
	if (p != "/host" && !strings.HasPrefix(p, "/host/")) || p == "/host/signin" {
		return "/host"
	}
	u.Path = p
	return u.RequestURI()
}

// signIn sets the instructor cookie and redirects to next.
func (s *Server) signIn(c echo.Context, next string) error {
	s.setInstructorCookie(c)
	return c.Redirect(http.StatusSeeOther, safeNext(next))
}

// setInstructorCookie signs this browser in as the instructor.
func (s *Server) setInstructorCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{
		Name:     auth.CookieName,
		Value:    s.auth.InstructorCookie(),
		Path:     "/",
		MaxAge:   int(auth.InstructorSignIn / time.Second), // the server checks it too
		HttpOnly: true,
		Secure:   c.Request().TLS != nil,
		SameSite: http.SameSiteStrictMode,
	})
	noStore(c)
}

// signInForm renders the form, with an error and 403 after a wrong key.
func (s *Server) signInForm(c echo.Context, status int, next, msg string) error {
	noStore(c)
	return s.render(c, status, "host_signin", hostSignInPage{
		Layout: layout{Title: "Instructor sign-in", Description: "Sign in as the instructor to run live quizzes for the class.", Section: "host"},
		Next:   safeNext(next),
		Error:  msg,
	})
}

const wrongKeyMessage = "That is not the instructor key. Use the instructor link shown when the server started (run the server with the instructor-link command to show it again), or the --instructor-key value."

// handleHostSignInForm is GET /host/signin.
func (s *Server) handleHostSignInForm(c echo.Context) error {
	if s.isInstructor(c) {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	return s.signInForm(c, http.StatusOK, c.QueryParam("next"), "")
}

// handleHostSignIn is POST /host/signin with the key in the form. The key
// is never logged: the request log records paths, not bodies or queries.
func (s *Server) handleHostSignIn(c echo.Context) error {
	return s.signInWithKey(c, c.FormValue("key"), c.FormValue("next"))
}

// signInWithKey signs in with a key from the form or the instructor link.
// Wrong keys are limited per address, and an address over its limit has
// no key checked until its next try is back (see wrongKeyLimiter).
func (s *Server) signInWithKey(c echo.Context, key, next string) error {
	addr := limitKey(s.remoteIP(c.Request()))
	retryAt := s.wrongKeys.blockedUntil(addr)
	if retryAt.IsZero() {
		if s.auth.CheckKey(key) {
			return s.signIn(c, next)
		}
		if retryAt = s.wrongKeys.wrongKey(addr); retryAt.IsZero() {
			return s.signInForm(c, http.StatusForbidden, next, wrongKeyMessage)
		}
	}
	wait := time.Until(retryAt).Round(time.Second)
	c.Response().Header().Set("Retry-After", strconv.Itoa(int(max(wait, time.Second)/time.Second)))
	return s.signInForm(c, http.StatusTooManyRequests, next, tooManyWrongKeys(wait))
}

// tooManyWrongKeys says how long to wait, in words a teacher reads at a
// glance; the right key still works at once.
func tooManyWrongKeys(wait time.Duration) string {
	when := "in a minute"
	if secs := int(wait.Round(time.Second) / time.Second); secs < 60 {
		when = fmt.Sprintf("in %d seconds", max(secs, 1))
	} else if mins := (secs + 59) / 60; mins > 1 {
		when = fmt.Sprintf("in %d minutes", mins)
	}
	return "Too many wrong keys have come from this network: try again " + when + ". The right instructor key still works at once."
}

// instructorKeyPage is the page shown after the key changed.
type instructorKeyPage struct {
	Layout layout
	Link   string // the new instructor link; "" if the key cannot change
	Error  string
}

// InstructorKeyChanger changes the instructor key while the server runs:
// it keeps the new key, swaps it in and signs the instructor out on every
// device, and returns it.
type InstructorKeyChanger interface {
	ChangeInstructorKey(ctx context.Context) (string, error)
}

// handleHostChangeKey is POST /host/key, the "Change instructor key"
// button: for a key that may have leaked (a link shown on the projector,
// a cookie left on a shared computer). Every instructor cookie dies with
// the old key; this browser is signed in again with the new one and shown
// the new link once.
func (s *Server) handleHostChangeKey(c echo.Context) error {
	page := instructorKeyPage{Layout: layout{Title: "Instructor key", Section: "host"}}
	if s.keys == nil {
		page.Error = "The instructor key was given when the server started (--instructor-key or NETSTUDY_INSTRUCTOR_KEY), so it cannot change here: restart netstudy with another key."
		return s.render(c, http.StatusConflict, "host_key", page)
	}
	key, err := s.keys.ChangeInstructorKey(c.Request().Context())
	if err != nil {
		return fmt.Errorf("change the instructor key: %w", err)
	}
	s.setInstructorCookie(c)
	page.Link = s.ownBase(c) + "/host?key=" + url.QueryEscape(key)
	return s.render(c, http.StatusOK, "host_key", page)
}

// ownBase is the scheme://host this browser reached the server at.
func (s *Server) ownBase(c echo.Context) string {
	scheme := "http"
	if c.Request().TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request().Host
}

// handleHostSignOut is POST /host/signout: the instructor is signed out
// on every device (a cookie copied from a classroom computer dies with
// the others), and this browser's cookie is cleared. Only a signed-in
// instructor can sign everyone out; anyone else just loses their own
// cookie, if any.
func (s *Server) handleHostSignOut(c echo.Context) error {
	if s.isInstructor(c) {
		if err := s.hub.SignOutInstructor(c.Request().Context()); err != nil {
			return fmt.Errorf("sign out: %w", err)
		}
	}
	c.SetCookie(&http.Cookie{
		Name: auth.CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: c.Request().TLS != nil, SameSite: http.SameSiteStrictMode,
	})
	noStore(c)
	return c.Redirect(http.StatusSeeOther, "/host/signin")
}
