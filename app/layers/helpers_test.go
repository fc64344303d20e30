package layers

import (
	"fmt"
	"strings"
	"testing"
)

// variant is one scenario built from one set of Params.
type variant struct {
	name string
	id   string
	p    Params
}

// variants covers every scenario with its defaults, a long multi-byte
// message, a small MTU, and every single packet dropped in turn, plus some
// pairs of drops.
func variants(t *testing.T) []variant {
	t.Helper()
	long := strings.Repeat("Grüße, 世界! ", 400)[:MaxMessage-3] + "end"
	var out []variant
	for _, info := range Scenarios() {
		id := info.ID
		base := DefaultParamsFor(id)
		out = append(out, variant{id + "/default", id, base})
		p := base
		p.Message = long
		out = append(out, variant{id + "/long", id, p})
		p.MTU = MinMTU
		out = append(out, variant{id + "/long-mtu576", id, p})
		p = base
		p.Message = "x"
		p.TTL = 2
		p.Observed = observable()
		out = append(out, variant{id + "/observed", id, p})

		s, err := Build(id, base)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		n := len(s.Packets) + 2 // resends come after the last packet of the lossless run
		if id == "tcp-loss" {
			n = 10
		}
		for i := range n {
			p := base
			p.Drop = []int{i}
			out = append(out, variant{fmt.Sprintf("%s/drop-%d", id, i), id, p})
		}
		for _, d := range [][]int{{0, 1}, {0, 2}, {1, 2}, {3, 4}, {3, 5}, {4, 5}, {4, 6}, {0, 1, 2, 3}, {1, 3, 5, 7}} {
			p := base
			p.Drop = d
			out = append(out, variant{fmt.Sprintf("%s/drop-%v", id, d), id, p})
		}
		p = base
		p.Message = long
		p.MTU = MinMTU
		p.Drop = []int{3, 5, 6}
		out = append(out, variant{id + "/long-drops", id, p})
	}
	return out
}

func build(t *testing.T, v variant) *Scenario {
	t.Helper()
	s, err := Build(v.id, v.p)
	if err != nil {
		t.Fatalf("%s: %v", v.name, err)
	}
	return s
}

// fieldsByKey lists the fields with key in p, searching children too.
func fieldsByKey(p Packet, key string) []Field {
	var out []Field
	var walk func([]Field)
	walk = func(fs []Field) {
		for _, f := range fs {
			if f.Key == key {
				out = append(out, f)
			}
			walk(f.Children)
		}
	}
	for _, l := range p.Layers {
		walk(l.Fields)
	}
	return out
}

// number is the Number of the one field with key in p.
func number(t *testing.T, p Packet, key string) uint64 {
	t.Helper()
	fs := fieldsByKey(p, key)
	if len(fs) != 1 || fs[0].Number == nil {
		t.Fatalf("packet %d: want one numeric field %s, found %d", p.Index, key, len(fs))
	}
	return *fs[0].Number
}

// value is the Value of the one field with key in p.
func value(t *testing.T, p Packet, key string) string {
	t.Helper()
	fs := fieldsByKey(p, key)
	if len(fs) != 1 {
		t.Fatalf("packet %d: want one field %s, found %d", p.Index, key, len(fs))
	}
	return fs[0].Value
}
