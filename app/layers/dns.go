package layers

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
)

// The DNS message of RFC 1035, as much of it as a query for one A record and
// its answer need.

const (
	dnsHeaderLen = 12
	dnsTypeA     = 1
	dnsClassIN   = 1
	dnsPort      = 53
)

// dnsName encodes name as length-prefixed labels ending in a zero byte.
func dnsName(name string) ([]byte, error) {
	var b []byte
	for _, label := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if label == "" || len(label) > 63 {
			return nil, fmt.Errorf("layers: dns: bad label %q in %q", label, name)
		}
		b = append(b, byte(len(label)))
		b = append(b, label...)
	}
	if len(b)+1 > 255 {
		return nil, fmt.Errorf("layers: dns: name %q is longer than 255 bytes", name)
	}
	return append(b, 0), nil
}

// dnsMessage is a query for name's A record or, when answer is valid, the
// response that gives it.
type dnsMessage struct {
	id     uint16
	name   string
	answer netip.Addr
	ttl    uint32
}

// app encodes the message with its fields; src is where the name and
// address come from.
func (m dnsMessage) app(src Source) (appData, error) {
	qname, err := dnsName(m.name)
	if err != nil {
		return appData{}, err
	}
	resp := m.answer.IsValid()
	b := make([]byte, dnsHeaderLen, 64)
	binary.BigEndian.PutUint16(b[0:], m.id)
	flags := uint16(0x0100) // RD: recursion desired
	if resp {
		flags = 0x8180 // QR (a response), RD, RA: recursion available
	}
	binary.BigEndian.PutUint16(b[2:], flags)
	binary.BigEndian.PutUint16(b[4:], 1) // one question
	if resp {
		binary.BigEndian.PutUint16(b[6:], 1) // one answer
	}
	b = append(b, qname...)
	b = binary.BigEndian.AppendUint16(b, dnsTypeA)
	b = binary.BigEndian.AppendUint16(b, dnsClassIN)
	flagsValue := "0x0100 (standard query, recursion desired)"
	if resp {
		flagsValue = "0x8180 (standard response, recursion desired and available, no error)"
	}
	flagsField := num("dns.flags", "Flags", 2, 2, uint64(flags), flagsValue, Computed)
	flagsField.Children = []Field{
		bits("dns.flags.response", "Response", 2, 1, 0, 1, uint64(flags>>15), map[bool]string{true: "1 (response)", false: "0 (query)"}[resp], Computed),
		bits("dns.flags.opcode", "Opcode", 2, 1, 1, 4, 0, "0 (standard query)", Computed),
		bits("dns.flags.recdesired", "Recursion desired", 2, 2, 7, 1, 1, "1 (resolve the name all the way)", Computed),
		bits("dns.flags.recavail", "Recursion available", 2, 2, 8, 1, uint64(flags>>7&1), fmt.Sprint(flags>>7&1), Computed),
		bits("dns.flags.rcode", "Reply code", 2, 2, 12, 4, 0, "0 (no error)", Computed),
	}
	qEnd := dnsHeaderLen + len(qname)
	fields := []Field{
		num("dns.id", "Transaction ID", 0, 2, uint64(m.id), fmt.Sprintf("0x%04x", m.id), Illustrative),
		flagsField,
		num("dns.count.queries", "Questions", 4, 2, 1, "1", Computed),
		num("dns.count.answers", "Answer records", 6, 2, uint64(binary.BigEndian.Uint16(b[6:])), fmt.Sprint(binary.BigEndian.Uint16(b[6:])), Computed),
		num("dns.count.auth_rr", "Authority records", 8, 2, 0, "0", Computed),
		num("dns.count.add_rr", "Additional records", 10, 2, 0, "0", Computed),
		text("dns.qry.name", "Name", dnsHeaderLen, len(qname), m.name, src),
		num("dns.qry.type", "Type", qEnd, 2, dnsTypeA, "1 (A: an IPv4 address)", Computed),
		num("dns.qry.class", "Class", qEnd+2, 2, dnsClassIN, "1 (IN: the Internet)", Computed),
	}
	name := "Domain Name System (query)"
	if resp {
		at := len(b)
		b = binary.BigEndian.AppendUint16(b, 0xc000|dnsHeaderLen) // the name again, as a pointer to the question's
		b = binary.BigEndian.AppendUint16(b, dnsTypeA)
		b = binary.BigEndian.AppendUint16(b, dnsClassIN)
		b = binary.BigEndian.AppendUint32(b, m.ttl)
		b = binary.BigEndian.AppendUint16(b, 4)
		a := m.answer.As4()
		b = append(b, a[:]...)
		fields = append(fields,
			num("dns.resp.name", "Answer name (pointer)", at, 2, 0xc000|dnsHeaderLen, fmt.Sprintf("0x%04x: the name at byte %d, %s", 0xc000|dnsHeaderLen, dnsHeaderLen, m.name), Computed),
			num("dns.resp.type", "Answer type", at+2, 2, dnsTypeA, "1 (A)", Computed),
			num("dns.resp.class", "Answer class", at+4, 2, dnsClassIN, "1 (IN)", Computed),
			num("dns.resp.ttl", "Time to live", at+6, 4, uint64(m.ttl), fmt.Sprintf("%d seconds", m.ttl), Illustrative),
			num("dns.resp.len", "Data length", at+10, 2, 4, "4 bytes", Computed),
			text("dns.a", "Address", at+12, 4, m.answer.String(), Illustrative),
		)
		name = "Domain Name System (response)"
	}
	return appData{key: "dns", name: name, bytes: b, header: dnsHeaderLen, fields: fields}, nil
}
