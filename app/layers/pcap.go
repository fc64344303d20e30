package layers

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/google/gopacket"
	gl "github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// pcapEpoch is when every scenario's capture starts: a fixed moment, so that
// the same scenario always gives the same file.
func pcapEpoch() time.Time { return time.Date(2025, time.September, 1, 9, 0, 0, 0, time.UTC) }

const (
	pcapMagic        = 0xa1b2c3d4 // microsecond timestamps
	pcapSnapLen      = 65535
	linkTypeEthernet = 1
)

// WritePcap writes the scenario's frames to w as a classic pcap file
// (LINKTYPE_ETHERNET) that Wireshark and tcpdump open. Classic pcap has one
// interface only, so for a scenario with several links WritePcapng is the
// faithful one.
//
// The capture is what a tap on each link would record as frames leave their
// sender, merged in time order, so:
//   - every packet is in it, dropped ones too: they were sent, and are lost
//     further along. Wireshark then marks the resends as retransmissions.
//   - after a router, the same segment appears twice, once per link, with
//     different MACs and TTL; Wireshark calls the second a retransmission
//     or a duplicate ACK, an artefact of merging two links into one
//     interface, which WritePcapng avoids.
//   - frames are written without their FCS, as capturing network cards
//     normally deliver them; the FCS is in the model and the JSON.
func WritePcap(w io.Writer, s *Scenario) error {
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], pcapMagic)
	binary.LittleEndian.PutUint16(hdr[4:], 2) // version 2.4
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	// bytes 8 to 15, the time zone and timestamp accuracy, are always 0
	binary.LittleEndian.PutUint32(hdr[16:], pcapSnapLen)
	binary.LittleEndian.PutUint32(hdr[20:], linkTypeEthernet)
	if _, err := w.Write(hdr); err != nil {
		return fmt.Errorf("layers: writing pcap header: %w", err)
	}
	rec := make([]byte, 16)
	for _, p := range s.Packets {
		if len(p.Frame) < fcsLen {
			return fmt.Errorf("layers: writing pcap: packet %d has no frame", p.Index)
		}
		frame := p.Frame[:len(p.Frame)-fcsLen]
		t := pcapEpoch().Add(time.Duration(p.TimeUS) * time.Microsecond)
		binary.LittleEndian.PutUint32(rec[0:], uint32(t.Unix()))
		binary.LittleEndian.PutUint32(rec[4:], uint32(t.Nanosecond()/1000))
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(frame)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(frame)))
		if _, err := w.Write(rec); err != nil {
			return fmt.Errorf("layers: writing pcap record %d: %w", p.Index, err)
		}
		if _, err := w.Write(frame); err != nil {
			return fmt.Errorf("layers: writing pcap record %d: %w", p.Index, err)
		}
	}
	return nil
}

// Links lists the links the scenario's frames cross, in the order of the
// nodes: "client-server", or "client-router" and "router-server".
func (s *Scenario) Links() []string {
	var out []string
	for _, p := range s.Packets {
		if l := s.link(p); !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	order := func(l string) int {
		for i, n := range s.Nodes {
			if strings.HasPrefix(l, n.ID+"-") {
				return i
			}
		}
		return len(s.Nodes)
	}
	slices.SortStableFunc(out, func(a, b string) int { return cmp.Compare(order(a), order(b)) })
	return out
}

// link names the link p crosses by its two ends, in the order of the nodes.
func (s *Scenario) link(p Packet) string {
	a, b := p.From, p.To
	for _, n := range s.Nodes {
		if n.ID == b {
			a, b = b, a
			break
		}
		if n.ID == a {
			break
		}
	}
	return a + "-" + b
}

// WritePcapng writes the scenario's frames to w as pcapng with one
// interface per link, as if each link had a tap of its own. A segment that
// crosses a router then appears once on each interface, and Wireshark does
// not take the second copy for a retransmission (its TCP analysis keeps
// interfaces apart). Frames are written without their FCS, as in WritePcap.
func WritePcapng(w io.Writer, s *Scenario) error {
	links := s.Links()
	if len(links) == 0 {
		links = []string{"client-server"}
	}
	intf := func(name string) pcapgo.NgInterface {
		return pcapgo.NgInterface{
			Name: name, Description: "the link " + name, LinkType: gl.LinkTypeEthernet,
			SnapLength: pcapSnapLen, TimestampResolution: 6,
		}
	}
	nw, err := pcapgo.NewNgWriterInterface(w, intf(links[0]), pcapgo.NgWriterOptions{
		SectionInfo: pcapgo.NgSectionInfo{Application: "netstudy layers: " + s.ID},
	})
	if err != nil {
		return fmt.Errorf("layers: writing pcapng header: %w", err)
	}
	index := map[string]int{links[0]: 0}
	for _, l := range links[1:] {
		id, err := nw.AddInterface(intf(l))
		if err != nil {
			return fmt.Errorf("layers: writing pcapng interface %s: %w", l, err)
		}
		index[l] = id
	}
	for _, p := range s.Packets {
		if len(p.Frame) < fcsLen {
			return fmt.Errorf("layers: writing pcapng: packet %d has no frame", p.Index)
		}
		frame := p.Frame[:len(p.Frame)-fcsLen]
		ci := gopacket.CaptureInfo{
			Timestamp:      pcapEpoch().Add(time.Duration(p.TimeUS) * time.Microsecond),
			CaptureLength:  len(frame),
			Length:         len(frame),
			InterfaceIndex: index[s.link(p)],
		}
		if err := nw.WritePacket(ci, frame); err != nil {
			return fmt.Errorf("layers: writing pcapng packet %d: %w", p.Index, err)
		}
	}
	if err := nw.Flush(); err != nil {
		return fmt.Errorf("layers: writing pcapng: %w", err)
	}
	return nil
}
