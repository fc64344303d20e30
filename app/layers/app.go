package layers

import (
	"fmt"
	"strings"
)

// appData is an application-layer PDU: its bytes and its fields, with
// offsets relative to its own first byte until it is placed in a frame.
type appData struct {
	key, name string
	bytes     []byte
	header    int // bytes of protocol header at the start (a WebSocket frame's), else 0
	fields    []Field
	// part and parts number the pieces when the data is split over several
	// segments or fragments; parts is 0 for unsplit data.
	part, parts int
}

// rawApp is data with no structure the model knows about.
func rawApp(msg string, src Source) appData {
	return appData{key: "data", name: "Data", bytes: []byte(msg),
		fields: []Field{text("data.data", "Data", 0, len(msg), msg, src)}}
}

// httpLine is one line of an HTTP header block, without its CRLF.
type httpLine struct {
	key, name, text string
	src             Source
}

// httpApp joins lines with CRLF and ends the block with an empty line.
func httpApp(lines []httpLine) appData {
	var b strings.Builder
	var fields []Field
	for _, l := range lines {
		fields = append(fields, text(l.key, l.name, b.Len(), len(l.text), l.text, l.src))
		b.WriteString(l.text)
		b.WriteString("\r\n")
	}
	fields = append(fields, text("http.end", "End of headers", b.Len(), 2, `\r\n`, Computed))
	b.WriteString("\r\n")
	return appData{key: "http", name: "Hypertext Transfer Protocol", bytes: []byte(b.String()), fields: fields}
}

// slice returns the bytes [from, to) as their own piece: the fields that fall
// inside, and the parts of fields cut at either end, which lose their Number
// because their value is no longer in one place.
func (a appData) slice(from, to, part, parts int) appData {
	out := appData{key: a.key, name: a.name, bytes: a.bytes[from:to], part: part, parts: parts}
	if from < a.header {
		out.header = min(a.header, to) - from
	}
	for _, f := range a.fields {
		start, end := f.Offset, f.Offset+f.Length
		if end <= from || start >= to {
			continue
		}
		if start >= from && end <= to {
			out.fields = append(out.fields, shift([]Field{f}, -from)...)
			continue
		}
		cs, ce := max(start, from), min(end, to)
		if len(f.Value) == f.Length {
			// The value is the text of the bytes (unmasked if masked):
			// keep the text of this piece.
			f.Value = f.Value[cs-start : ce-start]
		}
		f.Name = fmt.Sprintf("%s, bytes %d to %d of %d", f.Name, cs-start, ce-start-1, f.Length)
		f.Offset, f.Length = cs-from, ce-cs
		f.Number, f.BitOffset, f.BitLength, f.Children = nil, 0, 0, nil
		out.fields = append(out.fields, f)
	}
	return out
}

// layer places the data at off in a frame.
func (a appData) layer(off int) Layer {
	name := a.name
	if a.parts > 1 {
		name = fmt.Sprintf("%s (part %d of %d)", a.name, a.part, a.parts)
	}
	return Layer{Key: a.key, Name: name, OSI: 7, TCPIP: tcpipApplication, PDU: "data",
		Offset: off, Length: len(a.bytes), HeaderLength: a.header, Fields: shift(a.fields, off)}
}
