package web

import (
	"net/http"
	"strings"
	"testing"
)

// Every route that takes a name treats it as a name: dots, slashes and
// encodings never reach a file or another resource.
func TestNamedRoutesRefuseTraversal(t *testing.T) {
	ts := newTestServer(t, testContent())
	names := []string{"..%2f..%2fgo.mod", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2fcontent%2fembed.go", "..", "..%5c..%5cgo.mod", "routing%00.md"}
	routes := []string{"/notes/", "/api/notes/", "/practice/", "/api/quizzes/", "/api/layers/", "/static/", "/api/join/"}
	for _, route := range routes {
		for _, name := range names {
			status, body, _ := get(t, ts, route+name)
			if status == http.StatusOK || status >= 500 {
				t.Errorf("GET %s%s = %d", route, name, status)
			}
			if strings.Contains(body, "module netstudy") || strings.Contains(body, "root:x:") || strings.Contains(body, "go:embed") {
				t.Errorf("GET %s%s leaked a file", route, name)
			}
		}
	}
}
