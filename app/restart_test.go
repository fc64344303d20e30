package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"netstudy/app/auth"
)

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

var linkOnScreen = regexp.MustCompile(`Instructor link\s+(\S+/host\?key=(\S+))`)

// instructorLinkOf reads the instructor link and key off a start screen.
func instructorLinkOf(t *testing.T, screen string) (link, key string) {
	t.Helper()
	m := linkOnScreen.FindStringSubmatch(screen)
	if m == nil {
		t.Fatalf("no instructor link on the start screen:\n%s", screen)
	}
	return m[1], m[2]
}

// hostRequest sends a request with the instructor cookie (if any) and, on
// a POST, the Origin a page of the server sends.
func hostRequest(t *testing.T, method, base, path, cookie string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: cookie})
	}
	if method == http.MethodPost {
		req.Header.Set("Origin", base)
	}
	res, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func cookieOf(t *testing.T, res *http.Response) string {
	t.Helper()
	for _, c := range res.Cookies() {
		if c.Name == auth.CookieName && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("%s %s set no instructor cookie (status %d)", res.Request.Method, res.Request.URL.Path, res.StatusCode)
	return ""
}

// signedIn reports whether the cookie opens /host (a redirect to the
// sign-in form otherwise).
func signedIn(t *testing.T, base, cookie string) bool {
	t.Helper()
	res, _ := hostRequest(t, http.MethodGet, base, "/host", cookie)
	return res.StatusCode == http.StatusOK
}

// dashboardReconnects opens the live connection a dashboard opens with
// the cookie, and reports whether the server welcomes it as the host.
func dashboardReconnects(t *testing.T, base, cookie, code string) bool {
	t.Helper()
	hdr := http.Header{"Origin": {base}, "Cookie": {auth.CookieName + "=" + cookie}}
	c, err := dialLiveWith(base, hdr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.conn.Close()
	if err := c.send("hello", "", map[string]any{"protocol": 1, "session": code, "role": "host"}); err != nil {
		t.Fatal(err)
	}
	env, err := c.until("welcome", "error")
	if err != nil {
		t.Fatal(err)
	}
	return env.Type == "welcome"
}

// TestTeacherStaysSignedInAcrossRestarts runs the real server process
// without --instructor-key, kills it with SIGKILL and starts it again on
// the same port and --data folder, as a crash or a reboot would: the key,
// the teacher's cookie and the dashboard's live connection survive; a
// sign-out survives too; changing the key from /host signs the old
// cookies out and the new key is the one kept.
func TestTeacherStaysSignedInAcrossRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dir := t.TempDir()
	srv := startServerProcessWith(t, []string{"--addr", "127.0.0.1:0", "--data", dir})
	addr := strings.TrimPrefix(srv.url, "http://")
	restart := func() {
		t.Helper()
		srv.kill9(t)
		srv = startServerProcessWith(t, []string{"--addr", addr, "--data", dir})
		if srv.url != "http://"+addr {
			t.Fatalf("restarted on %s, want %s", srv.url, addr)
		}
	}
	link, key := instructorLinkOf(t, srv.screen)

	info, err := os.Stat(instructorKeyPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != keyFileMode {
		t.Errorf("the key file's mode is %v, want %v", info.Mode().Perm(), os.FileMode(keyFileMode))
	}

	res, _ := hostRequest(t, http.MethodGet, "", link, "")
	cookie := cookieOf(t, res)
	_, code := createSessionWithKey(t, srv.url, key)
	if !dashboardReconnects(t, srv.url, cookie, code) {
		t.Fatal("the dashboard is not welcomed before the restart; the test proves nothing")
	}

	restart()
	if _, again := instructorLinkOf(t, srv.screen); again != key {
		t.Errorf("the restarted server shows key %q, want the kept %q", again, key)
	}
	if !signedIn(t, srv.url, cookie) {
		t.Error("the teacher's cookie no longer opens /host after the restart")
	}
	if !dashboardReconnects(t, srv.url, cookie, code) {
		t.Error("the dashboard is refused after the restart")
	}

	// A sign-out survives a restart.
	if res, _ := hostRequest(t, http.MethodPost, srv.url, "/host/signout", cookie); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out = %d", res.StatusCode)
	}
	res, _ = hostRequest(t, http.MethodGet, "", link, "")
	fresh := cookieOf(t, res)
	restart()
	if signedIn(t, srv.url, cookie) {
		t.Error("a cookie from before the sign-out works again after the restart")
	}
	if !signedIn(t, srv.url, fresh) {
		t.Error("the cookie of the sign-in after the sign-out does not work after the restart")
	}

	// Changing the key signs everyone out, this browser excepted, and
	// the new key is the one kept.
	res, body := hostRequest(t, http.MethodPost, srv.url, "/host/key", fresh)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("change key = %d %s", res.StatusCode, body)
	}
	changed := cookieOf(t, res)
	m := regexp.MustCompile(`/host\?key=([A-Za-z0-9_%-]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the page after the change shows no new link:\n%s", body)
	}
	newKey, _ := url.QueryUnescape(m[1])
	if newKey == key {
		t.Fatal("the key did not change")
	}
	if signedIn(t, srv.url, fresh) {
		t.Error("a cookie of the old key still works after the change")
	}
	if res, _ := hostRequest(t, http.MethodGet, srv.url, "/host?key="+key, ""); res.StatusCode == http.StatusSeeOther {
		t.Error("the old key still signs in")
	}
	var out strings.Builder
	if err := run(context.Background(), []string{"instructor-link", "--data", dir, "--addr", addr}, func(string) string { return "" }, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if want := srv.url + "/host?key=" + newKey; strings.TrimSpace(out.String()) != want {
		t.Errorf("instructor-link printed %q, want %q", out.String(), want)
	}
	restart()
	if _, again := instructorLinkOf(t, srv.screen); again != newKey {
		t.Errorf("after the change and a restart the key is %q, want %q", again, newKey)
	}
	if !signedIn(t, srv.url, changed) {
		t.Error("the browser that changed the key is signed out by the restart")
	}
	http.DefaultClient.CloseIdleConnections()
	noRedirects.CloseIdleConnections()
}
