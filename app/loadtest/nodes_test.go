package loadtest

import (
	"slices"
	"strings"
	"testing"
)

func TestParseURLs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		values  []string
		want    []string
		wantErr string // part of the error; "" for none
	}{
		{name: "none", values: nil, want: nil},
		{name: "one", values: []string{"http://127.0.0.1:8080"}, want: []string{"http://127.0.0.1:8080"}},
		{name: "trailing slash", values: []string{"https://quiz.example.org/"}, want: []string{"https://quiz.example.org"}},
		{name: "repeated", values: []string{"http://a:1", "http://b:2"}, want: []string{"http://a:1", "http://b:2"}},
		{name: "comma-separated", values: []string{"http://a:1, http://b:2,http://c:3"}, want: []string{"http://a:1", "http://b:2", "http://c:3"}},
		{name: "both, in order", values: []string{"http://a:1,http://b:2", "http://c:3"}, want: []string{"http://a:1", "http://b:2", "http://c:3"}},
		{name: "empty parts skipped", values: []string{",http://a:1,,", ""}, want: []string{"http://a:1"}},
		{name: "twice", values: []string{"http://a:1", "http://a:1/"}, wantErr: "given twice"},
		{name: "no scheme", values: []string{"127.0.0.1:8080"}, wantErr: "want http:// or https://"},
		{name: "websocket scheme", values: []string{"ws://a:1"}, wantErr: "want http:// or https://"},
		{name: "no host", values: []string{"http://"}, wantErr: "no host"},
		{name: "a path", values: []string{"http://a:1/live"}, wantErr: "serves from the root"},
		{name: "a query", values: []string{"http://a:1/?key=x"}, wantErr: "serves from the root"},
		{name: "a password", values: []string{"http://u:p@a:1"}, wantErr: "no user name"},
		{name: "not a URL", values: []string{"http://a:1\x7f"}, wantErr: "--url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseURLs(tc.values)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseURLs(%q) = %q, %v; want an error with %q", tc.values, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("ParseURLs(%q) = %q, %v; want %q", tc.values, got, err, tc.want)
			}
		})
	}
}

// Students are dealt to the nodes in turn: every node gets its share,
// give or take one, and the counts add up to the class.
func TestStudentsSpreadOverNodes(t *testing.T) {
	for _, tc := range []struct {
		students, nodes int
		want            []int
	}{
		{students: 10, nodes: 1, want: []int{10}},
		{students: 10, nodes: 2, want: []int{5, 5}},
		{students: 10, nodes: 3, want: []int{4, 3, 3}},
		{students: 2, nodes: 3, want: []int{1, 1, 0}},
		{students: 5000, nodes: 3, want: []int{1667, 1667, 1666}},
	} {
		bases := make([]string, tc.nodes)
		for i := range bases {
			bases[i] = "http://node" + string(rune('a'+i))
		}
		students := make([]*student, tc.students)
		for i := range students {
			students[i] = &student{i: i}
		}
		loads := nodeLoads(bases, students)
		var got []int
		for i, l := range loads {
			if l.URL != bases[i] {
				t.Errorf("node %d is %q, want %q", i, l.URL, bases[i])
			}
			got = append(got, l.Students)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%d students over %d nodes: %v, want %v", tc.students, tc.nodes, got, tc.want)
		}
	}
}

// Whatever --url holds, ParseURLs answers an error or node addresses that
// parse back to themselves, none twice.
func FuzzParseURLs(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:8080", "http://a:1,https://b", "ws://x", "http://a/b?c#d", ",,", "http://[::1]:80/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, err := ParseURLs([]string{v})
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, u := range got {
			again, err := ParseURLs([]string{u})
			if err != nil || len(again) != 1 || again[0] != u {
				t.Fatalf("%q gave %q, which parses to %q, %v", v, u, again, err)
			}
			if seen[u] {
				t.Fatalf("%q gave %q twice", v, u)
			}
			seen[u] = true
		}
	})
}
