package layers

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"
)

func FuzzBuild(f *testing.F) {
	f.Add("Hello", uint16(49152), uint16(8080), uint16(1500), uint8(64), uint8(3), []byte{192, 168, 1, 20, 192, 168, 1, 80})
	f.Add("x", uint16(1), uint16(65535), uint16(576), uint8(2), uint8(0), []byte{10, 0, 0, 1, 203, 0, 113, 9})
	f.Add("ttl one", uint16(49152), uint16(443), uint16(1500), uint8(1), uint8(0), []byte{192, 168, 1, 20, 198, 51, 100, 7})
	f.Add(string(make([]byte, 4000)), uint16(80), uint16(80), uint16(1000), uint8(255), uint8(7), []byte{1, 2, 3, 4, 5, 6, 7, 8})
	f.Fuzz(func(t *testing.T, msg string, cport, sport, mtu uint16, ttl, drop uint8, addrs []byte) {
		p := DefaultParams()
		p.Message, p.ClientPort, p.ServerPort, p.MTU, p.TTL = msg, cport, sport, int(mtu), ttl
		p.Drop = []int{int(drop % 16)}
		if len(addrs) >= 8 {
			p.ClientIP = netip.AddrFrom4([4]byte(addrs[0:4]))
			p.ServerIP = netip.AddrFrom4([4]byte(addrs[4:8]))
		}
		valid := p.Validate() == nil
		for _, info := range Scenarios() {
			s, err := Build(info.ID, p)
			if err != nil {
				// A scenario that crosses the router refuses a time to
				// live of 1 by name; any other refusal of valid
				// parameters is a bug.
				var perr *ParamError
				ttlRefused := ttl < 2 && errors.As(err, &perr) && perr.Param == ParamTTL
				if valid && !ttlRefused {
					t.Fatalf("%s: valid params, but %v", info.ID, err)
				}
				continue
			}
			checkFrames(t, s)
			var buf bytes.Buffer
			if err := WritePcap(&buf, s); err != nil {
				t.Fatal(err)
			}
		}
	})
}
