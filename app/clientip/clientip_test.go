package clientip

import (
	"net/http"
	"testing"
)

func TestNew(t *testing.T) {
	trusted, err := ParseTrusted("10.0.0.5, 192.168.10.0/24")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		trusted bool // the server was given the proxies above
		peer    string
		xff     []string
		want    string
	}{
		{"no proxies: the connection's address", false, "10.0.0.5:4000", []string{"203.0.113.9"}, "10.0.0.5"},
		{"a trusted balancer vouches for the client", true, "10.0.0.5:4000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"a balancer in a trusted range", true, "192.168.10.7:4000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"an untrusted peer cannot choose its address", true, "192.168.1.31:4000", []string{"203.0.113.9"}, "192.168.1.31"},
		{"a forged entry before the balancer's is not believed", true, "10.0.0.5:4000", []string{"198.51.100.1, 203.0.113.9"}, "203.0.113.9"},
		{"a chain of trusted balancers", true, "10.0.0.5:4000", []string{"203.0.113.9, 192.168.10.2"}, "203.0.113.9"},
		{"the header split over lines", true, "10.0.0.5:4000", []string{"203.0.113.9", "192.168.10.2"}, "203.0.113.9"},
		{"a trusted balancer without the header", true, "10.0.0.5:4000", nil, "10.0.0.5"},
		{"garbage in the header", true, "10.0.0.5:4000", []string{"not an address"}, "10.0.0.5"},
		{"IPv6", true, "10.0.0.5:4000", []string{"2001:db8::1"}, "2001:db8::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var prefixes = trusted
			if !tt.trusted {
				prefixes = nil
			}
			r, _ := http.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := New(prefixes)(r); got != tt.want {
				t.Errorf("client address = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseTrusted(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string // prefixes, or nil for an error
	}{
		{"", []string{}},
		{" 10.0.0.5 ", []string{"10.0.0.5/32"}},
		{"10.0.0.0/8,2001:db8::/32, ::1", []string{"10.0.0.0/8", "2001:db8::/32", "::1/128"}},
		{"10.0.0.300", nil},
		{"10.0.0.0/33", nil},
		{"load-balancer.example", nil},
	} {
		got, err := ParseTrusted(tt.in)
		if tt.want == nil {
			if err == nil {
				t.Errorf("ParseTrusted(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || len(got) != len(tt.want) {
			t.Errorf("ParseTrusted(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
			continue
		}
		for i := range got {
			if got[i].String() != tt.want[i] {
				t.Errorf("ParseTrusted(%q)[%d] = %v, want %v", tt.in, i, got[i], tt.want[i])
			}
		}
	}
}
