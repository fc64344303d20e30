package loadtest

import (
	"fmt"
	"net/url"
	"strings"
)

// In cluster mode every node serves every session, so the generator may
// reach the class through several nodes at once, as phones behind a load
// balancer would land on different servers. The instructor signs in,
// hosts and reads the results on the first node; the students are dealt
// to the nodes in turn.

// ParseURLs reads the --url values: each names one node or several
// separated by commas. Every URL must be http or https with a host and
// nothing after it, since netstudy serves from the root of its address.
// The result has no trailing slashes and no node twice.
func ParseURLs(values []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		for _, raw := range strings.Split(v, ",") {
			raw = strings.TrimSpace(raw)
			if raw == "" {
				continue
			}
			base, err := parseBase(raw)
			if err != nil {
				return nil, err
			}
			if seen[base] {
				return nil, fmt.Errorf("--url %s is given twice", base)
			}
			seen[base] = true
			out = append(out, base)
		}
	}
	return out, nil
}

func parseBase(raw string) (string, error) {
	const want = "want http:// or https:// and a host, e.g. http://127.0.0.1:8080"
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("--url %q: %s (%w)", raw, want, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("--url %q: %s", raw, want)
	case u.Host == "":
		return "", fmt.Errorf("--url %q: no host", raw)
	case u.User != nil:
		return "", fmt.Errorf("--url %q: a node's address takes no user name or password", raw)
	case strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("--url %q: give only the node's address (netstudy serves from the root)", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// nodeOf is the node student i connects to: round-robin, so that each
// node has the same share give or take one.
func nodeOf(student, nodes int) int { return student % nodes }

// NodeLoad is how many students a node carried in a run.
type NodeLoad struct {
	URL      string `json:"url"`
	Students int    `json:"students"`
}

// nodeLoads counts the connected students per node.
func nodeLoads(bases []string, students []*student) []NodeLoad {
	out := make([]NodeLoad, len(bases))
	for i, b := range bases {
		out[i].URL = b
	}
	for _, s := range students {
		out[nodeOf(s.i, len(bases))].Students++
	}
	return out
}
