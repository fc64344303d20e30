package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// signIn signs the instructor in as a browser does, by posting the key to
// the sign-in form from the server's own origin, and returns the cookie
// header the server set. The generator never makes the cookie itself: how
// a server (or a cluster of them) signs its cookies is its own business.
func signIn(ctx context.Context, base, key string) (string, error) {
	form := url.Values{"key": {key}, "next": {"/host"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/host/signin", strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	// The answer to a good key is a redirect that sets the cookie; the
	// page it leads to is not needed.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20))
	switch {
	case res.StatusCode == http.StatusForbidden:
		return "", fmt.Errorf("sign in at %s: the server refused the instructor key (%s)", base, res.Status)
	case res.StatusCode == http.StatusTooManyRequests:
		return "", fmt.Errorf("sign in at %s: too many wrong keys from this address, retry after %ss (%s)", base, res.Header.Get("Retry-After"), res.Status)
	case res.StatusCode != http.StatusSeeOther:
		return "", fmt.Errorf("sign in at %s: want a redirect, got %s", base, res.Status)
	}
	var pairs []string
	for _, c := range res.Cookies() {
		if c.Value != "" {
			pairs = append(pairs, c.Name+"="+c.Value)
		}
	}
	if len(pairs) == 0 {
		return "", fmt.Errorf("sign in at %s: the server set no cookie", base)
	}
	return strings.Join(pairs, "; "), nil
}
