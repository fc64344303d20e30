package layers

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"
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
// (LINKTYPE_ETHERNET) that Wireshark and tcpdump open.
//
// The capture is what a tap on each link would record as frames leave their
// sender, merged in time order, so:
//   - every packet is in it, dropped ones too: they were sent, and are lost
//     further along. Wireshark then marks the resends as retransmissions.
//   - after a router, the same segment appears twice, once per link, with
//     different MACs and TTL; Wireshark may call the second a retransmission
//     too, which is an artefact of capturing in two places.
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
